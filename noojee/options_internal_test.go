package noojee

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
)

// WithRetryPolicy fills the fields left zero from DefaultRetryPolicy, not
// from the engine's defaults, and the engine settings reach the run's
// batch.Config.
func TestRetryPolicyZeroFieldsAreNoojeeDefaults(t *testing.T) {
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"),
		WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second}),
		WithConcurrency(5), WithKeep(batch.KeepFailures))
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.cfg.engine.Config()
	d := DefaultRetryPolicy()
	want := batch.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: d.MaxDelay, MaxRetryAfter: d.MaxRetryAfter}
	if diff := cmp.Diff(want, cfg.Retry); diff != "" {
		t.Errorf("retry policy (-want +got):\n%s", diff)
	}
	if cfg.Concurrency != 5 || cfg.Keep != batch.KeepFailures {
		t.Errorf("concurrency %d, keep %v; want 5 and KeepFailures", cfg.Concurrency, cfg.Keep)
	}
	if c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456")); err != nil || c.cfg.engine.Concurrency != DefaultConcurrency {
		t.Errorf("default concurrency: %v, %v; want %d", c, err, DefaultConcurrency)
	}
}
