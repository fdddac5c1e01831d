package noojee_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
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
		noojee.WithBaseURL(srv.URL),
		noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithRetryPolicy(fastRetry),
		noojee.WithTransportRetry(3, time.Millisecond, 2*time.Millisecond),
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

// checkCounts asserts the report balances and has the given counts.
func checkCounts[R any](t testing.TB, rep *batch.Report[R], total, succeeded, failed, notAttempted int) {
	t.Helper()
	if rep == nil {
		t.Fatal("nil report")
	}
	if !rep.Balanced() {
		t.Fatalf("report not balanced: %+v", *rep)
	}
	got := [4]int{rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted}
	want := [4]int{total, succeeded, failed, notAttempted}
	if got != want {
		t.Fatalf("counts (total, succeeded, failed, not attempted) = %v, want %v; err: %v", got, want, rep.Err())
	}
}

// checkLanded asserts every succeeded lead of rep is stored exactly once
// in the fake, and nothing else is.
func checkLanded(t testing.TB, srv *noojeetest.Server, campaignID string, leads []noojee.Lead, rep *batch.Report[noojee.Result]) {
	t.Helper()
	stored := srv.Leads(campaignID)
	count := map[string]int{}
	for _, l := range stored {
		count[l.ExternalID]++
	}
	want := 0
	for _, o := range rep.Outcomes {
		id := leads[o.Index].ExternalID
		if o.Key != id {
			t.Errorf("outcome %d key %q, want %q", o.Index, o.Key, id)
		}
		if o.Status == batch.Succeeded {
			want++
			if count[id] != 1 {
				t.Errorf("lead %s succeeded but is stored %d times", id, count[id])
			}
		}
	}
	if len(stored) != want {
		t.Errorf("fake holds %d leads, want %d (the succeeded ones)", len(stored), want)
	}
}

// checkStoredOnce asserts each of leads is stored exactly once in the fake.
func checkStoredOnce(t testing.TB, srv *noojeetest.Server, campaignID string, leads []noojee.Lead) {
	t.Helper()
	seen := map[string]int{}
	for _, l := range srv.Leads(campaignID) {
		seen[l.ExternalID]++
	}
	for _, l := range leads {
		if seen[l.ExternalID] != 1 {
			t.Errorf("%s stored %d times, want 1", l.ExternalID, seen[l.ExternalID])
		}
	}
}
