package hubspot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// TestRetryBudgetThroughAClient: a budget given to a vendor client caps
// that client's retries against a server that keeps failing.
func TestRetryBudgetThroughAClient(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.FailNext(1000, fakekit.Status(503))
	budget := batch.NewRetryBudget(2, 0)
	c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{RetryBudget: budget, Concurrency: 2, Retry: batch.RetryPolicy{MaxAttempts: 50, BaseDelay: 1, MaxDelay: 2}}))
	if err != nil {
		t.Fatal(err)
	}
	inputs := make([]hubspot.UpdateInput, 500)
	for i := range inputs {
		inputs[i] = hubspot.UpdateInput{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Properties: hubspot.Properties{"x": "y"}}
	}
	rep, _ := c.Objects("contacts").Update(context.Background(), slices.Values(inputs))
	if !rep.Balanced() || rep.Failed != 500 {
		t.Fatalf("failed %d of %d", rep.Failed, rep.Total)
	}
	// 5 chunks sent once each plus the 2 retries the budget allows.
	if rep.Requests != 7 {
		t.Errorf("Requests = %d, want 7", rep.Requests)
	}
}
