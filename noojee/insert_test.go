package noojee_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

func TestInsertEachLandsEveryLead(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithConcurrency(4))
	leads := makeLeads(0, 40)
	leads[3].CallBack = time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)
	leads[3].CallBackZone = time.FixedZone("AEST", 10*3600)
	leads[3].ContactHours = "Australia/Melbourne"
	rep, err := c.Campaign(target).InsertEach(context.Background(), leads)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep, 40, 40, 0, 0)
	checkLanded(t, srv, target.CampaignID, leads, rep)
	if rep.Requests != 40 {
		t.Errorf("requests %d, want 40 (one lead per call)", rep.Requests)
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
	if o, _ := rep.Outcome(3); o.Result.Code != noojee.CodeOK || o.Result.LeadID == "" {
		t.Errorf("outcome 3 result %+v, want code 0 and the fake's lead id", o.Result)
	}
}

func TestInsertLeadsBulkChunks(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(100), noojee.WithConcurrency(2))
	leads := makeLeads(0, 250)
	rep, err := c.Campaign(target).InsertLeads(context.Background(), leads)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep, 250, 250, 0, 0)
	checkLanded(t, srv, target.CampaignID, leads, rep)
	if rep.Requests != 3 || srv.Stats().Requests[noojee.EndpointInsertLeadsFast] != 3 {
		t.Errorf("requests %d (fake saw %d), want 3 chunks", rep.Requests, srv.Stats().Requests[noojee.EndpointInsertLeadsFast])
	}
}

func TestInsertLeadsSeqStreams(t *testing.T) {
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
	rep, err := c.Campaign(target).InsertLeadsSeq(context.Background(), seq)
	if err != nil {
		t.Fatal(err)
	}
	checkCounts(t, rep, 35, 35, 0, 0)
	checkLanded(t, srv, target.CampaignID, leads, rep)
}

// One refused lead among 50 in one bulk call: the import summary's CSV row
// names it (placed back by njExternalLeadId, narrowed by phone when two
// leads share one) and the other 49 go in, in one request, for each
// per-lead code the server gives a bulk call.
func TestInsertLeadsOneRefusedAmongFifty(t *testing.T) {
	cases := []struct {
		name  string
		code  noojee.Code
		spoil func(srv *noojeetest.Server, leads []noojee.Lead) // spoils lead 37
	}{
		{"DNC", noojee.CodeDNC, func(srv *noojeetest.Server, leads []noojee.Lead) {
			srv.AddDNC(leads[37].Fields["FirstPhone"])
		}},
		{"no phone field", noojee.CodeNoPhoneFields, func(_ *noojeetest.Server, leads []noojee.Lead) {
			delete(leads[37].Fields, "FirstPhone")
		}},
		{"duplicate phone", noojee.CodeDuplicate, func(_ *noojeetest.Server, leads []noojee.Lead) {
			leads[37].Fields["FirstPhone"] = leads[5].Fields["FirstPhone"]
		}},
		{"duplicate external id", noojee.CodeDuplicateExternalID, func(_ *noojeetest.Server, leads []noojee.Lead) {
			leads[37].ExternalID = leads[5].ExternalID
		}},
		{"unknown contact hours", noojee.CodeInvalidTimezone, func(srv *noojeetest.Server, leads []noojee.Lead) {
			srv.SetContactHours("Default")
			leads[37].ContactHours = "Mars/Olympus"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			c := newClient(t, srv, noojee.WithBatchSize(50))
			leads := makeLeads(0, 50)
			tc.spoil(srv, leads)
			rep, err := c.Campaign(target).InsertLeads(context.Background(), leads)
			checkCounts(t, rep, 50, 49, 1, 0)
			checkLanded(t, srv, target.CampaignID, leads, rep)
			o, _ := rep.Outcome(37)
			if o.Status != batch.Failed {
				t.Fatalf("lead 37 status %v, want failed", o.Status)
			}
			var ne *noojee.Error
			if !errors.As(o.Err, &ne) || ne.Code != tc.code || ne.HTTPStatus != 200 || ne.ExternalID != leads[37].ExternalID || ne.Local || ne.Retryable() {
				t.Fatalf("lead 37: %v; want a server *noojee.Error %v", o.Err, tc.code)
			}
			if !errors.Is(o.Err, noojee.ErrRejected) {
				t.Errorf("lead 37: %v does not match ErrRejected", o.Err)
			}
			if !errors.Is(err, ne) {
				t.Errorf("run error %v does not carry lead 37's error", err)
			}
			if tc.code == noojee.CodeDNC && (!errors.Is(o.Err, noojee.ErrDNC) || errors.Is(o.Err, noojee.ErrBusy)) {
				t.Errorf("errors.Is(ErrDNC) false for %v", o.Err)
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
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(20))
	camp := c.Campaign(target)
	first := makeLeads(0, 10)
	if _, err := camp.InsertLeads(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	more := makeLeads(100, 10)
	more[2].Fields["FirstPhone"] = first[5].Fields["FirstPhone"] // 105
	more[6].ExternalID = "CRM-1"                                 // 112
	rep, err := camp.InsertLeads(context.Background(), more)
	checkCounts(t, rep, 10, 8, 2, 0)
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
	if !errors.Is(err, noojee.ErrDuplicate) {
		t.Errorf("run error %v does not match ErrDuplicate", err)
	}
	if n := srv.LeadCount(target.CampaignID); n != 18 {
		t.Errorf("fake holds %d leads, want 18", n)
	}

	dupOK := target
	dupOK.AllowDuplicates = true
	again := makeLeads(200, 1)
	again[0].Fields["FirstPhone"] = first[5].Fields["FirstPhone"]
	if _, err := c.Campaign(dupOK).InsertLead(context.Background(), again[0]); err != nil {
		t.Fatalf("allowDuplicates insert: %v", err)
	}
}

// A 109 storm: the fake refuses every call for a while and then allows
// only one call at a time while four are sent; every lead still lands
// exactly once.
func TestBusyStormLandsEveryLeadOnce(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		name := map[bool]string{false: "insertLeadFast", true: "insertLeadsFast"}[bulk]
		t.Run(name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetConcurrencyLimit(1)
			srv.SetLatency(time.Millisecond)
			srv.BusyFor(60 * time.Millisecond)
			c := newClient(t, srv, noojee.WithConcurrency(4), noojee.WithBatchSize(10))
			leads := makeLeads(0, 120)
			camp := c.Campaign(target)
			var (
				rep *batch.Report[noojee.Result]
				err error
			)
			if bulk {
				rep, err = camp.InsertLeads(context.Background(), leads)
			} else {
				rep, err = camp.InsertEach(context.Background(), leads)
			}
			if err != nil {
				t.Fatal(err)
			}
			checkCounts(t, rep, 120, 120, 0, 0)
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
	srv := newFake(t)
	srv.BusyFor(time.Hour)
	c := newClient(t, srv, noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	_, err := c.Campaign(target).InsertLead(context.Background(), makeLeads(0, 1)[0])
	var ne *noojee.Error
	if !errors.As(err, &ne) || ne.Code != noojee.CodeTooManyConcurrentRequests || !errors.Is(err, noojee.ErrBusy) {
		t.Fatalf("err %v, want 109", err)
	}
	if n := srv.Stats().Requests[noojee.EndpointInsertLeadFast]; n != 4 {
		t.Errorf("fake saw %d calls, want 4 (MaxAttempts)", n)
	}
}

// 103 is retried a bounded number of times: 1 + WithExceptionRetries sends,
// never more than the policy's MaxAttempts, per lead and per bulk call;
// 109 retries do not count against it.
func TestExceptionRetriedBounded(t *testing.T) {
	cases := []struct {
		name      string
		retries   int
		policyMax int // 0: the tests' patient policy (200 attempts)
		bulk      bool
		wantSends int
	}{
		{"default", noojee.DefaultExceptionRetries, 0, false, 1 + noojee.DefaultExceptionRetries},
		{"two retries", 2, 0, false, 3},
		{"off", 0, 0, false, 1},
		{"policy is tighter", 5, 2, false, 2},
		{"bulk call", 2, 0, true, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			opts := []noojee.Option{noojee.WithExceptionRetries(tc.retries), noojee.WithBatchSize(10)}
			if tc.policyMax > 0 {
				opts = append(opts, noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: tc.policyMax, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			}
			c := newClient(t, srv, opts...)
			srv.FailNext(100, noojeetest.FaultException)
			camp := c.Campaign(target)
			leads := makeLeads(0, 4)
			endpoint := noojee.EndpointInsertLeadFast
			rep, err := camp.InsertEach(context.Background(), leads[:1])
			if tc.bulk {
				endpoint = noojee.EndpointInsertLeadsFast
				rep, err = camp.InsertLeads(context.Background(), leads)
			}
			n := len(rep.Outcomes)
			checkCounts(t, rep, n, 0, n, 0)
			var ne *noojee.Error
			if !errors.As(err, &ne) || ne.Code != noojee.CodeException || ne.HTTPStatus != 500 || !errors.Is(err, noojee.ErrServer) {
				t.Fatalf("err %v: want a 103", err)
			}
			if exhausted := !ne.Retryable(); exhausted != (tc.policyMax == 0) {
				t.Errorf("final 103 exhausted %v, want %v (only when WithExceptionRetries is what stopped it)", exhausted, tc.policyMax == 0)
			}
			for _, o := range rep.Outcomes {
				if o.Attempts != tc.wantSends {
					t.Errorf("lead %d sent %d times, want %d", o.Index, o.Attempts, tc.wantSends)
				}
			}
			if got := srv.Stats().Requests[endpoint]; got != tc.wantSends {
				t.Errorf("fake saw %d calls, want %d", got, tc.wantSends)
			}
			if n := srv.LeadCount(target.CampaignID); n != 0 {
				t.Errorf("fake holds %d leads, want 0", n)
			}
		})
	}
	// 109 retries do not use up the 103 budget: five 109s, two 103s, then
	// the lead goes in on its eighth send.
	busySrv := newFake(t)
	busySrv.FailNext(5, noojeetest.FaultBusy)
	busySrv.FailNext(2, noojeetest.FaultException)
	rep, err := newClient(t, busySrv, noojee.WithExceptionRetries(2)).Campaign(target).InsertEach(context.Background(), makeLeads(0, 1))
	if err != nil {
		t.Fatalf("five 109s, two 103s, then OK: %v", err)
	}
	if rep.Outcomes[0].Attempts != 8 || busySrv.LeadCount(target.CampaignID) != 1 {
		t.Errorf("attempts %d, stored %d; want 8 and 1", rep.Outcomes[0].Attempts, busySrv.LeadCount(target.CampaignID))
	}
	// Two 103s, then the server recovers: the lead goes in on the third send.
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithExceptionRetries(2))
	srv.FailNext(2, noojeetest.FaultException)
	rep, err = c.Campaign(target).InsertEach(context.Background(), makeLeads(0, 1))
	if err != nil {
		t.Fatalf("two 103s then OK: %v", err)
	}
	checkCounts(t, rep, 1, 1, 0, 0)
	if rep.Outcomes[0].Attempts != 3 || srv.LeadCount(target.CampaignID) != 1 {
		t.Errorf("attempts %d, stored %d; want 3 and 1", rep.Outcomes[0].Attempts, srv.LeadCount(target.CampaignID))
	}
}

// Cancelling the context while the client backs off returns promptly with
// every lead accounted for.
func TestCancelDuringBackoff(t *testing.T) {
	srv := newFake(t)
	srv.BusyFor(time.Hour)
	c := newClient(t, srv, noojee.WithConcurrency(2),
		noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 10, BaseDelay: 30 * time.Second, MaxDelay: 30 * time.Second}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	rep, err := c.Campaign(target).InsertEach(ctx, makeLeads(0, 10))
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("returned after %v; cancellation during backoff must be prompt", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled inside", err)
	}
	checkCounts(t, rep, 10, 0, rep.Failed, 10-rep.Failed)
	if rep.NotAttempted == 0 {
		t.Errorf("no lead reported not attempted: %+v", rep)
	}
	if n := srv.LeadCount(target.CampaignID); n != 0 {
		t.Errorf("fake holds %d leads, want 0", n)
	}
}

// A refused apiKey stops the run: nothing more is sent.
func TestWrongAPIKeyStopsRun(t *testing.T) {
	srv := newFake(t)
	srv.SetAPIKey("another-key")
	c := newClient(t, srv)
	rep, err := c.Campaign(target).InsertEach(context.Background(), makeLeads(0, 20))
	checkCounts(t, rep, 20, 0, 0, 20)
	if !errors.Is(err, noojee.ErrAuth) {
		t.Fatalf("err %v, want ErrAuth", err)
	}
	if n := srv.Stats().Requests[noojee.EndpointInsertLeadFast]; n > 2 {
		t.Errorf("fake saw %d calls after the key was refused, want at most the in-flight ones (2)", n)
	}
}

// Transport faults: a call dropped before it was read is not retried (the
// client cannot know) and fails as outcome unknown; one dropped after the
// write likewise, and the lead is stored once, never twice; a malformed
// 2xx is outcome unknown; a 503 is retried below the engine.
func TestTransportFaults(t *testing.T) {
	cases := []struct {
		fault     noojeetest.Fault
		ok        bool
		stored    int
		malformed bool
	}{
		{noojeetest.FaultDrop, false, 0, false},
		{noojeetest.FaultDropAfterWrite, false, 1, false},
		{noojeetest.FaultMalformed, false, 1, true},
		{noojeetest.FaultUnavailable, true, 1, false},
		{noojeetest.FaultSlow, true, 1, false},
		{noojeetest.FaultBusy, true, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv := newFake(t)
			srv.SetSlowDelay(5 * time.Millisecond)
			c := newClient(t, srv)
			srv.FailNext(1, tc.fault)
			leads := makeLeads(0, 1)
			rep, err := c.Campaign(target).InsertEach(context.Background(), leads)
			if tc.ok {
				checkCounts(t, rep, 1, 1, 0, 0)
			} else {
				checkCounts(t, rep, 1, 0, 1, 0)
				if !errors.Is(err, noojee.ErrOutcomeUnknown) {
					t.Errorf("err %v, want ErrOutcomeUnknown", err)
				}
				if errors.Is(err, noojee.ErrMalformedResponse) != tc.malformed {
					t.Errorf("err %v: ErrMalformedResponse match should be %v", err, tc.malformed)
				}
				if n := srv.Stats().Requests[noojee.EndpointInsertLeadFast]; n != 1 {
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
	srv := newFake(t)
	srv.FailNext(2, noojeetest.FaultBusy)
	lim := &countingLimiter{}
	var mu sync.Mutex
	outcomes := map[string]batch.Status{}
	var last batch.Progress
	c := newClient(t, srv, noojee.WithLimiter(lim), noojee.WithKeep(batch.KeepFailures),
		noojee.WithOutcomeHook(func(_ int, key string, st batch.Status, _ error) {
			mu.Lock()
			outcomes[key] = st
			mu.Unlock()
		}),
		noojee.WithProgress(func(p batch.Progress) { mu.Lock(); last = p; mu.Unlock() }))
	leads := makeLeads(0, 10)
	leads[4].Fields["City"] = noojee.NoChange // local 108
	rep, _ := c.Campaign(target).InsertEach(context.Background(), leads)
	checkCounts(t, rep, 10, 9, 1, 0)
	if int(lim.n.Load()) != rep.Requests || rep.Requests != 11 {
		t.Errorf("limiter waited %d times for %d requests, want 11 (9 leads + 2 retries)", lim.n.Load(), rep.Requests)
	}
	if len(rep.Outcomes) != 1 || rep.Outcomes[0].Index != 4 {
		t.Errorf("KeepFailures kept %+v", rep.Outcomes)
	}
	if len(outcomes) != 10 || outcomes["CRM-4"] != batch.Failed || last.Done != 10 || !last.TotalKnown {
		t.Errorf("hooks saw %d outcomes, CRM-4 %v, last progress %+v", len(outcomes), outcomes["CRM-4"], last)
	}
}

// A bulk call dropped after the server wrote it: that chunk's leads fail
// as outcome unknown and are never resent, so none is stored twice; the
// other chunks go in.
func TestBulkDropAfterWriteNeverDuplicates(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithConcurrency(1))
	srv.FailNext(1, noojeetest.FaultDropAfterWrite)
	leads := makeLeads(0, 30)
	rep, err := c.Campaign(target).InsertLeads(context.Background(), leads)
	checkCounts(t, rep, 30, 20, 10, 0)
	if !errors.Is(err, noojee.ErrOutcomeUnknown) {
		t.Fatalf("err %v, want ErrOutcomeUnknown", err)
	}
	if n := srv.Stats().Requests[noojee.EndpointInsertLeadsFast]; n != 3 {
		t.Errorf("fake saw %d calls, want 3: the dropped chunk must not be resent", n)
	}
	checkStoredOnce(t, srv, target.CampaignID, leads)
}

// A server with no CampaignAPI at the base URL (every call 404): the bulk
// 404 turns the client to insertLeadFast, whose 404 stops the run with
// nothing written and every lead not attempted.
func TestNoCampaignAPIStopsRun(t *testing.T) {
	srv := newFake(t)
	c, err := noojee.New(noojee.WithBaseURL(srv.URL+"/elsewhere"), noojee.WithAPIKey(noojeetest.APIKey), noojee.WithBatchSize(10), noojee.WithConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Campaign(target).InsertLeads(context.Background(), makeLeads(0, 50))
	checkCounts(t, rep, 50, 0, 0, 50)
	if !errors.Is(err, noojee.ErrEndpointNotFound) {
		t.Fatalf("err %v, want ErrEndpointNotFound", err)
	}
	if rep.Requests != 2 {
		t.Errorf("%d requests, want 2 (one bulk call, one insertLeadFast)", rep.Requests)
	}
}

// A bulk answer whose summary counts a rejection but lists no row naming
// it: no lead can be told apart, so none is reported succeeded; each fails
// as outcome unknown and none is sent again.
func TestBulkRejectionNamingNoLeadIsUnknown(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithConcurrency(1))
	leads := makeLeads(0, 20)
	srv.AddDNC(leads[3].Fields["FirstPhone"])
	srv.FailNext(1, noojeetest.FaultSummaryWithoutRows)
	rep, err := c.Campaign(target).InsertLeads(context.Background(), leads)
	checkCounts(t, rep, 20, 10, 10, 0)
	for i := range 10 {
		o, _ := rep.Outcome(i)
		if o.Status != batch.Failed || !errors.Is(o.Err, noojee.ErrOutcomeUnknown) || errors.Is(o.Err, noojee.ErrRejected) {
			t.Errorf("lead %d: %v %v, want failed, outcome unknown", i, o.Status, o.Err)
		}
	}
	if !errors.Is(err, noojee.ErrOutcomeUnknown) {
		t.Errorf("run error %v", err)
	}
	if n := srv.Stats().Requests[noojee.EndpointInsertLeadsFast]; n != 2 || rep.Requests != 2 {
		t.Errorf("%d calls (report %d), want 2: the unknown chunk must not be resent", n, rep.Requests)
	}
	if n := srv.LeadCount(target.CampaignID); n != 19 {
		t.Errorf("fake holds %d leads, want 19 (all but the DNC one)", n)
	}
}
