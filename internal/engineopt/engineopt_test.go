package engineopt

import (
	"context"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"golang.org/x/time/rate"
)

func TestSetters(t *testing.T) {
	var s Settings
	for _, n := range []int{0, -1, MaxConcurrency + 1} {
		if s.SetConcurrency(n) == nil {
			t.Errorf("SetConcurrency(%d) accepted", n)
		}
	}
	if err := s.SetConcurrency(4); err != nil || s.Concurrency != 4 {
		t.Errorf("SetConcurrency(4): %v", err)
	}
	if s.SetRetry(batch.RetryPolicy{BaseDelay: -1}) == nil {
		t.Error("a negative delay was accepted")
	}
	if s.SetKeep(batch.KeepNone+1) == nil {
		t.Error("an unknown Keep was accepted")
	}
}

func TestConfigCarriesEverySetting(t *testing.T) {
	lim := rate.NewLimiter(1, 1)
	budget := batch.NewRetryBudget(3, 0)
	called := 0
	s := Settings{Concurrency: 3, Limiter: lim, Retry: batch.RetryPolicy{MaxAttempts: 2}, Budget: budget, Keep: batch.KeepFailures,
		Progress: func(batch.Progress) { called++ }, Outcome: func(int, string, batch.Status, error) { called++ }}
	c := s.Config()
	if c.Concurrency != 3 || c.Limiter != batch.Limiter(lim) || c.Retry.MaxAttempts != 2 || c.RetryBudget != budget || c.Keep != batch.KeepFailures {
		t.Errorf("Config() = %+v", c)
	}
	c.OnProgress(batch.Progress{})
	c.OnOutcome(0, "", batch.Succeeded, nil)
	if called != 2 {
		t.Error("hooks not carried")
	}
	_ = lim.Wait(context.Background())
}
