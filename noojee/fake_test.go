package noojee_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// On a server without the bulk endpoint every lead goes in through
// insertLeadFast, with every field, and the report counts every call.
func TestCreateFallbackLandsEveryLead(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RemoveBulkEndpoint()
	c := newClient(t, srv, noojee.WithEngine(batch.Config{Concurrency: 4}), noojee.WithBatchSize(1))
	leads := makeLeads(0, 40)
	leads[3].CallBack = time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)
	leads[3].CallBackZone = time.FixedZone("AEST", 10*3600)
	leads[3].ContactHours = "Australia/Melbourne"
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 40, Succeeded: 40, Failed: 0, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, leads, rep)
	st := srv.Stats()
	if st.Requests["insertLeadFast"] != 40 || rep.Requests != st.Requests["insertLeadFast"]+st.Requests["insertLeadsFast"] {
		t.Errorf("requests %d, the fake saw %v; want 40 insertLeadFast calls and every call counted", rep.Requests, st.Requests)
	}
	got, ok := srv.Lead(target.CampaignID, "CRM-3")
	if !ok {
		t.Fatal("CRM-3 not stored")
	}
	want := map[string]string{
		"Name": "Lead 3", "FirstPhone": "03 9000 0003", "PostCode": "3064",
		"njExternalLeadId": "CRM-3", "njPriority": "3", "njCallBackDate": "2024/05/01 19:30",
		"njContactHours": "Australia/Melbourne",
	}
	if d := cmp.Diff(want, got.Fields); d != "" {
		t.Errorf("stored fields (-want +got):\n%s", d)
	}
	if o, _ := rep.Outcome(3); o.Result.LeadID == "" {
		t.Errorf("outcome 3 result %+v, want code 0 and the fake's lead id", o.Result)
	}
}

func TestInsertLeadsBulkChunks(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(100), noojee.WithEngine(batch.Config{Concurrency: 2}))
	leads := makeLeads(0, 250)
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 250, Succeeded: 250, Failed: 0, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, leads, rep)
	if rep.Requests != 3 || srv.Stats().Requests["insertLeadsFast"] != 3 {
		t.Errorf("requests %d (fake saw %d), want 3 chunks", rep.Requests, srv.Stats().Requests["insertLeadsFast"])
	}
}

func TestInsertLeadsSeqStreams(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(10))
	leads := makeLeads(0, 35)
	seq := func(yield func(noojee.Lead) bool) {
		for _, l := range leads {
			if !yield(l) {
				return
			}
		}
	}
	rep, err := c.Campaign(target).Create(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 35, Succeeded: 35, Failed: 0, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, leads, rep)
}

// One refused lead among 50 in one bulk call: the import summary's CSV row
// names it (placed back by njExternalLeadId, narrowed by phone when two
// leads share one) and the other 49 go in, in one request, for each
// per-lead code the server gives a bulk call.
func TestInsertLeadsOneRefusedAmongFifty(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		code  noojee.Code
		spoil func(srv *noojeetest.Server, leads []noojee.Lead) // spoils lead 37
		// preStored: lead 37's id is already in the campaign, so the
		// stored-once check by id does not apply.
		preStored bool
	}{
		{"DNC", noojee.CodeDNC, func(srv *noojeetest.Server, leads []noojee.Lead) {
			srv.AddDNC(leads[37].Fields["FirstPhone"])
		}, false},
		{"no phone field", noojee.CodeNoPhoneFields, func(_ *noojeetest.Server, leads []noojee.Lead) {
			delete(leads[37].Fields, "FirstPhone")
		}, false},
		{"duplicate phone", noojee.CodeDuplicate, func(_ *noojeetest.Server, leads []noojee.Lead) {
			leads[37].Fields["FirstPhone"] = leads[5].Fields["FirstPhone"]
		}, false},
		{"external id already in the campaign", noojee.CodeDuplicateExternalID, func(srv *noojeetest.Server, leads []noojee.Lead) {
			srv.AddLead(target.CampaignID, map[string]string{"FirstPhone": "0399999999", "njExternalLeadId": leads[37].ExternalID})
		}, true},
		{"unknown contact hours", noojee.CodeInvalidTimezone, func(srv *noojeetest.Server, leads []noojee.Lead) {
			srv.SetContactHours("Default")
			leads[37].ContactHours = "Mars/Olympus"
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			c := newClient(t, srv, noojee.WithBatchSize(50))
			leads := makeLeads(0, 50)
			tc.spoil(srv, leads)
			rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 50, Succeeded: 49, Failed: 1, NotAttempted: 0})
			if !tc.preStored {
				checkLanded(t, srv, target.CampaignID, leads, rep)
			}
			o, _ := rep.Outcome(37)
			if o.Status != batch.Failed {
				t.Fatalf("lead 37 status %v, want failed", o.Status)
			}
			var ne *noojee.Error
			if !errors.As(o.Err, &ne) || ne.Code != tc.code || ne.HTTPStatus != 200 || ne.ExternalID != leads[37].ExternalID || ne.Local || ne.Retryable() {
				t.Fatalf("lead 37: %v; want a server *noojee.Error %v", o.Err, tc.code)
			}
			if !ne.InBulkSummary {
				t.Errorf("lead 37: %v is not marked as named in the import summary", o.Err)
			}
			if !errors.Is(err, ne) {
				t.Errorf("run error %v does not carry lead 37's error", err)
			}
			if tc.code == noojee.CodeDNC && (!isCode(o.Err, noojee.CodeDNC) || errors.Is(o.Err, batch.ErrRateLimited)) {
				t.Errorf("lead 37: %v, want code 104 and not rate limited", o.Err)
			}
			if rep.Requests != 1 {
				t.Errorf("%d requests; the import summary names the refused lead in one", rep.Requests)
			}
		})
	}
}

// Duplicates: a phone already in the campaign (105) and an external id
// already in it (112) fail those leads only; allowDuplicates lets the
// phone through.
func TestInsertDuplicates(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(20))
	camp := c.Campaign(target)
	first := makeLeads(0, 10)
	if _, err := camp.Create(context.Background(), slices.Values(first)); err != nil {
		t.Fatal(err)
	}
	more := makeLeads(100, 10)
	more[2].Fields["FirstPhone"] = first[5].Fields["FirstPhone"] // 105
	more[6].ExternalID = "CRM-1"                                 // 112
	rep, err := camp.Create(context.Background(), slices.Values(more))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 8, Failed: 2, NotAttempted: 0})
	codes := map[int]noojee.Code{}
	for _, o := range rep.Outcomes {
		var ne *noojee.Error
		if errors.As(o.Err, &ne) {
			codes[o.Index] = ne.Code
		}
	}
	if d := cmp.Diff(map[int]noojee.Code{2: noojee.CodeDuplicate, 6: noojee.CodeDuplicateExternalID}, codes); d != "" {
		t.Errorf("failure codes (-want +got):\n%s", d)
	}
	if !errors.Is(err, batch.ErrDuplicate) {
		t.Errorf("run error %v does not match ErrDuplicate", err)
	}
	if n := srv.LeadCount(target.CampaignID); n != 18 {
		t.Errorf("fake holds %d leads, want 18", n)
	}

	dupOK := target
	dupOK.AllowDuplicates = true
	again := makeLeads(200, 1)
	again[0].Fields["FirstPhone"] = first[5].Fields["FirstPhone"]
	if _, err := c.Campaign(dupOK).CreateOne(context.Background(), again[0]); err != nil {
		t.Fatalf("allowDuplicates insert: %v", err)
	}
}

// A 109 storm: the fake refuses thirty calls and then allows only one
// call at a time while four are sent; every lead still lands exactly once.
func TestBusyStormLandsEveryLeadOnce(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 10} {
		t.Run(fmt.Sprintf("batch size %d", size), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			srv.SetConcurrencyLimit(1)
			srv.SetBusyRetryAfter(time.Millisecond)
			srv.SetLatency(time.Millisecond)
			srv.FailNext(30, noojeetest.Busy(time.Millisecond))
			c := newClient(t, srv, noojee.WithEngine(batch.Config{Concurrency: 4}), noojee.WithBatchSize(size))
			leads := makeLeads(0, 120)
			rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
			if err != nil {
				t.Fatal(err)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 120, Succeeded: 120, Failed: 0, NotAttempted: 0})
			checkLanded(t, srv, target.CampaignID, leads, rep)
			st := srv.Stats()
			if st.Codes[109] == 0 || rep.Retries == 0 {
				t.Errorf("no 109 answered (%d) or no retries (%d): the storm did not happen", st.Codes[109], rep.Retries)
			}
			if st.MaxInFlight > 1 {
				t.Errorf("fake had %d calls in flight past its limit of 1", st.MaxInFlight)
			}
		})
	}
}

// 109 retries stop at the policy's MaxAttempts: the lead fails with 109.
func TestBusyGivesUpAtMaxAttempts(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetBusyRetryAfter(time.Millisecond)
	srv.BusyFor(time.Hour)
	c := newClient(t, srv, noojee.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}))
	_, err := c.Campaign(target).CreateOne(context.Background(), makeLeads(0, 1)[0])
	var ne *noojee.Error
	if !errors.As(err, &ne) || ne.Code != noojee.CodeTooManyConcurrentRequests || !errors.Is(err, batch.ErrRateLimited) {
		t.Fatalf("err %v, want 109", err)
	}
	if n := srv.Stats().Requests["insertLeadFast"]; n != 4 {
		t.Errorf("fake saw %d calls, want 4 (MaxAttempts)", n)
	}
}

// 103 is sent again a bounded number of times, by the code table's limit
// (3 sends), not the policy's 200, per lead and per bulk call; two 103s
// and then a recovered server: the lead goes in on its third send.
func TestExceptionRetriedBounded(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 4} {
		t.Run(fmt.Sprintf("batch size %d", size), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			c := newClient(t, srv, noojee.WithBatchSize(size), noojee.WithEngine(batch.Config{Concurrency: 1}))
			srv.FailNext(100, noojeetest.Exception())
			rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, size)))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: size, Failed: size})
			var ne *noojee.Error
			if !errors.As(err, &ne) || ne.Code != noojee.CodeException || ne.HTTPStatus != 500 || !errors.Is(err, batch.ErrUnavailable) {
				t.Fatalf("err %v: want a 103", err)
			}
			for _, o := range rep.Outcomes {
				if o.Attempts != 3 {
					t.Errorf("lead %d sent %d times, want 3", o.Index, o.Attempts)
				}
			}
			if got := srv.Stats().Requests["insertLeadsFast"]; got != 3 {
				t.Errorf("fake saw %d calls, want 3", got)
			}
			if n := srv.LeadCount(target.CampaignID); n != 0 {
				t.Errorf("fake holds %d leads, want 0", n)
			}
		})
	}
	srv := newFake(t)
	c := newClient(t, srv)
	srv.FailNext(2, noojeetest.Exception())
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 1)))
	if err != nil {
		t.Fatalf("two 103s then OK: %v", err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1})
	if rep.Outcomes[0].Attempts != 3 || srv.LeadCount(target.CampaignID) != 1 {
		t.Errorf("attempts %d, stored %d; want 3 and 1", rep.Outcomes[0].Attempts, srv.LeadCount(target.CampaignID))
	}
}

// Cancelling the context while the client backs off returns promptly with
// every lead accounted for.
func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.BusyFor(time.Hour) // 109 without Retry-After: the table's wait
	c := newClient(t, srv, noojee.WithEngine(batch.Config{Concurrency: 2,
		Retry: batch.RetryPolicy{MaxAttempts: 10, BaseDelay: 30 * time.Second, MaxDelay: 30 * time.Second}}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	rep, err := c.Campaign(target).Create(ctx, slices.Values(makeLeads(0, 10)))
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("returned after %v; cancellation during backoff must be prompt", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled inside", err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 0, Failed: rep.Failed, NotAttempted: 10 - rep.Failed})
	// Leads waiting out the 109 are not attempted; on a slow machine the
	// first requests may still be in flight at the cancel, and those leads
	// fail as unknown (the server may have them), never succeeded.
	for _, o := range rep.Outcomes {
		if o.Status == batch.Failed && (!errors.Is(o.Err, batch.ErrOutcomeUnknown) || !errors.Is(o.Err, context.Canceled)) {
			t.Errorf("lead %d failed with %v; want not attempted, or unknown and cancelled", o.Index, o.Err)
		}
	}
	if n := srv.LeadCount(target.CampaignID); n != 0 {
		t.Errorf("fake holds %d leads, want 0", n)
	}
}

// A refused apiKey stops the run: nothing more is sent.
func TestWrongAPIKeyStopsRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetAPIKey("another-key")
	c := newClient(t, srv, noojee.WithBatchSize(1))
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 20)))
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 20})
	if !errors.Is(err, batch.ErrUnauthorized) {
		t.Fatalf("err %v, want ErrAuth", err)
	}
	if n := srv.Stats().Requests["insertLeadsFast"]; n > 2 {
		t.Errorf("fake saw %d calls after the key was refused, want at most the in-flight ones (2)", n)
	}
}

// Transport faults: a call dropped before it was read is not retried (the
// client cannot know) and fails as outcome unknown; one dropped after the
// write likewise, and the lead is stored once, never twice; a malformed
// 2xx is outcome unknown; a 503 and a 109 are sent again by the engine.
func TestTransportFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fault     fakekit.Fault
		ok        bool
		stored    int
		malformed bool
	}{
		{"drop", fakekit.Drop(), false, 0, false},
		{"drop after write", fakekit.DropAfterWrite(), false, 1, false},
		{"malformed after write", fakekit.Fault{Status: 200, Body: "<html><body>Proxy Error</body></html>", AfterWrite: true}, false, 1, true},
		{"503", fakekit.Status(503), true, 1, false},
		{"slow", fakekit.Slow(5 * time.Millisecond), true, 1, false},
		{"109", noojeetest.Busy(time.Millisecond), true, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			c := newClient(t, srv)
			srv.FailNext(1, tc.fault)
			leads := makeLeads(0, 1)
			rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
			if tc.ok {
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
			} else {
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 0, Failed: 1, NotAttempted: 0})
				if !errors.Is(err, batch.ErrOutcomeUnknown) {
					t.Errorf("err %v, want ErrOutcomeUnknown", err)
				}
				if errors.Is(err, batch.ErrMalformedResponse) != tc.malformed {
					t.Errorf("err %v: ErrMalformedResponse match should be %v", err, tc.malformed)
				}
				if n := srv.Stats().Requests["insertLeadsFast"]; n != 1 {
					t.Errorf("fake saw %d calls; a call that may have written must not be resent", n)
				}
			}
			if n := srv.LeadCount(target.CampaignID); n != tc.stored {
				t.Errorf("fake holds %d leads, want %d", n, tc.stored)
			}
		})
	}
}

// countingLimiter counts Wait calls.
type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return ctx.Err() }

// The limiter is waited on before every call, retries included; progress
// and outcome hooks see every lead; KeepFailures keeps only failures.
func TestLimiterAndHooks(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.FailNext(2, noojeetest.Busy(time.Millisecond))
	lim := &countingLimiter{}
	var mu sync.Mutex
	outcomes := map[string]batch.Status{}
	var last batch.Progress
	c := newClient(t, srv, noojee.WithBatchSize(1), noojee.WithEngine(batch.Config{Retry: fastRetry, Limiter: lim, Keep: batch.KeepFailures,
		OnOutcome: func(_ int, key string, st batch.Status, _ error) {
			mu.Lock()
			outcomes[key] = st
			mu.Unlock()
		},
		OnProgress: func(p batch.Progress) { mu.Lock(); last = p; mu.Unlock() }}))
	leads := makeLeads(0, 10)
	leads[4].Fields["City"] = noojee.NoChange // local 108
	rep, _ := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 9, Failed: 1, NotAttempted: 0})
	if int(lim.n.Load()) != rep.Requests || rep.Requests != 11 {
		t.Errorf("limiter waited %d times for %d requests, want 11 (9 leads + 2 retries)", lim.n.Load(), rep.Requests)
	}
	if len(rep.Outcomes) != 1 || rep.Outcomes[0].Index != 4 {
		t.Errorf("KeepFailures kept %+v", rep.Outcomes)
	}
	if len(outcomes) != 10 || outcomes["CRM-4"] != batch.Failed || last.Done != 10 {
		t.Errorf("hooks saw %d outcomes, CRM-4 %v, last progress %+v", len(outcomes), outcomes["CRM-4"], last)
	}
}

// A bulk call dropped after the server wrote it: that chunk's leads fail
// as outcome unknown and are never resent, so none is stored twice; the
// other chunks go in.
func TestBulkDropAfterWriteNeverDuplicates(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 1}))
	srv.FailNext(1, fakekit.DropAfterWrite())
	leads := makeLeads(0, 30)
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 30, Succeeded: 20, Failed: 10, NotAttempted: 0})
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Fatalf("err %v, want ErrOutcomeUnknown", err)
	}
	if n := srv.Stats().Requests["insertLeadsFast"]; n != 3 {
		t.Errorf("fake saw %d calls, want 3: the dropped chunk must not be resent", n)
	}
	checkStoredOnce(t, srv, target.CampaignID, leads)
}

// A server with no CampaignAPI at the base URL (every call 404): the bulk
// 404 turns the client to insertLeadFast, whose 404 stops the run with
// nothing written and every lead not attempted.
func TestNoCampaignAPIStopsRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c, err := noojee.New(noojee.WithBaseURL(srv.BaseURL()+"/elsewhere"), noojee.WithAPIKey(noojeetest.APIKey), noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 1}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 50)))
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 50})
	var ne *noojee.Error
	if !errors.As(err, &ne) || ne.HTTPStatus != 404 || !ne.StopRun() || !errors.Is(err, batch.ErrNotFound) {
		t.Fatalf("err %v, want a 404 that stops the run", err)
	}
	if rep.Requests != 2 {
		t.Errorf("%d requests, want 2 (one bulk call, one insertLeadFast)", rep.Requests)
	}
}

// A bulk answer whose summary counts a rejection but lists no row naming
// it: no lead can be told apart, so none is reported succeeded; each fails
// as outcome unknown and none is sent again.
func TestBulkRejectionNamingNoLeadIsUnknown(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 1}))
	leads := makeLeads(0, 20)
	srv.AddDNC(leads[3].Fields["FirstPhone"])
	srv.FailNext(1, noojeetest.SummaryWithoutRows())
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: 10, Failed: 10, NotAttempted: 0})
	for i := range 10 {
		o, _ := rep.Outcome(i)
		if o.Status != batch.Failed || !errors.Is(o.Err, batch.ErrOutcomeUnknown) || isBulkRow(o.Err) {
			t.Errorf("lead %d: %v %v, want failed, outcome unknown", i, o.Status, o.Err)
		}
	}
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("run error %v", err)
	}
	if n := srv.Stats().Requests["insertLeadsFast"]; n != 2 || rep.Requests != 2 {
		t.Errorf("%d calls (report %d), want 2: the unknown chunk must not be resent", n, rep.Requests)
	}
	if n := srv.LeadCount(target.CampaignID); n != 19 {
		t.Errorf("fake holds %d leads, want 19 (all but the DNC one)", n)
	}
}

// isBulkRow reports whether err is a lead named in a bulk import summary.
func isBulkRow(err error) bool {
	var e *noojee.Error
	return errors.As(err, &e) && e.InBulkSummary
}
