package noojee_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// fastRetry is a patient policy with millisecond waits.
var fastRetry = batch.RetryPolicy{MaxAttempts: 200, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, MaxRetryAfter: time.Second}

// target is the campaign the tests use.
var target = noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"}

// newFake starts a fake closed at the end of the test.
func newFake(t testing.TB) *noojeetest.Server {
	t.Helper()
	srv := noojeetest.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// newClient builds a client on the fake with millisecond retries.
func newClient(t testing.TB, srv *noojeetest.Server, opts ...noojee.Option) *noojee.Client {
	t.Helper()
	base := []noojee.Option{
		noojee.WithBaseURL(srv.BaseURL()),
		noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithEngine(batch.Config{Retry: fastRetry, Concurrency: noojee.DefaultConcurrency}),
	}
	c, err := noojee.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// makeLeads returns n valid, distinct leads with ids CRM-<from+i>.
func makeLeads(from, n int) []noojee.Lead {
	out := make([]noojee.Lead, n)
	for i := range out {
		k := from + i
		out[i] = noojee.Lead{
			Fields: map[string]string{
				"Name":       fmt.Sprintf("Lead %d", k),
				"FirstPhone": fmt.Sprintf("03 9%03d %04d", k/10000, k%10000),
				"PostCode":   "3064",
			},
			ExternalID: fmt.Sprintf("CRM-%d", k),
			Priority:   noojee.PriorityOf(k % 101),
		}
	}
	return out
}

// isCode reports whether err holds a *noojee.Error with code.
func isCode(err error, code noojee.Code) bool {
	var e *noojee.Error
	return errors.As(err, &e) && e.Code == code
}

// storedTimes returns how many times the fake holds each njExternalLeadId.
func storedTimes(srv *noojeetest.Server, campaignID string) func(string) int {
	count := map[string]int{}
	for _, l := range srv.Leads(campaignID) {
		count[l.ExternalID]++
	}
	return func(id string) int { return count[id] }
}

// checkLanded asserts every succeeded lead of rep is stored exactly once
// in the fake, no failed one is unless its outcome is unknown, and the
// fake holds nothing else.
func checkLanded(t testing.TB, srv *noojeetest.Server, campaignID string, leads []noojee.Lead, rep *batch.Report[noojee.Result]) {
	t.Helper()
	testkit.LandedOnce(t, rep, storedTimes(srv, campaignID))
	landed := 0
	for _, o := range rep.Outcomes {
		if o.Key != leads[o.Index].ExternalID {
			t.Errorf("outcome %d key %q, want %q", o.Index, o.Key, leads[o.Index].ExternalID)
		}
		if o.Status == batch.Succeeded || errors.Is(o.Err, batch.ErrOutcomeUnknown) {
			landed += min(storedTimes(srv, campaignID)(o.Key), 1)
		}
	}
	if n := srv.LeadCount(campaignID); n != landed {
		t.Errorf("fake holds %d leads, want %d (the succeeded ones and the unknown outcomes that landed)", n, landed)
	}
}

// checkStoredOnce asserts each of leads is stored exactly once in the fake.
func checkStoredOnce(t testing.TB, srv *noojeetest.Server, campaignID string, leads []noojee.Lead) {
	t.Helper()
	times := storedTimes(srv, campaignID)
	for _, l := range leads {
		if n := times(l.ExternalID); n != 1 {
			t.Errorf("%s stored %d times, want 1", l.ExternalID, n)
		}
	}
}
