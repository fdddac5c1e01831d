package agiliron_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// fastRetry keeps retries in the millisecond range.
var fastRetry = batch.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// env is a fake server, an optional webhook endpoint and a client.
type env struct {
	srv    *agilirontest.Server
	hook   *agiliron.WebhookHandler
	hs     *httptest.Server
	c      *agiliron.Client
	logs   *syncWriter
	secret string
	// delivered counts the results the webhook handed on (repeats excluded).
	delivered atomic.Int64
}

// newEnv starts the fake and, when webhook is true, a webhook endpoint,
// and builds a client with fast timings plus opts.
func newEnv(t *testing.T, webhook bool, opts ...agiliron.Option) *env {
	t.Helper()
	e := &env{srv: agilirontest.NewServer(), logs: &syncWriter{buf: new(bytes.Buffer)}}
	t.Cleanup(e.srv.Close)
	base := []agiliron.Option{
		agiliron.WithBaseURL(e.srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithEngine(batch.Config{Retry: fastRetry}), agiliron.WithPollInterval(5 * time.Millisecond),
		agiliron.WithEngine(batch.Config{Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}),
	}
	if webhook {
		e.secret = agiliron.GenerateSecret()
		h, err := agiliron.NewWebhookHandler(e.secret,
			agiliron.WithResultHook(func(string, *agiliron.BatchResult) { e.delivered.Add(1) }))
		if err != nil {
			t.Fatal(err)
		}
		e.hook, e.hs = h, httptest.NewServer(h)
		t.Cleanup(e.hs.Close)
		base = append(base, agiliron.WithWebhook(h, e.hs.URL+"/hooks/agiliron"), agiliron.WithCallbackTimeout(10*time.Second))
	}
	c, err := agiliron.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// newLeads returns n new leads; those at the bad indexes have a blank last name.
func newLeads(n int, bad ...int) []agiliron.Lead {
	out := make([]agiliron.Lead, n)
	for i := range out {
		out[i] = agiliron.Lead{FirstName: "Ada", LastName: fmt.Sprintf("Lovelace%d", i), Company: "Analytical Ltd",
			Email: fmt.Sprintf("ada%d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
			CustomFields: []agiliron.CustomField{{Name: "Seq", Value: strconv.Itoa(i)}}}
	}
	for _, i := range bad {
		out[i].LastName = " "
	}
	return out
}

// newContacts returns n new contacts; those at the bad indexes have a
// blank last name.
func newContacts(n int, bad ...int) []agiliron.Contact {
	out := make([]agiliron.Contact, n)
	for i := range out {
		out[i] = agiliron.Contact{FirstName: "Ada", LastName: fmt.Sprintf("Lovelace%d", i), AccountName: "Analytical Ltd",
			Email: fmt.Sprintf("ada%d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
			CustomFields: []agiliron.CustomField{{Name: "Seq", Value: strconv.Itoa(i)}}}
	}
	for _, i := range bad {
		out[i].LastName = " "
	}
	return out
}

// checkAddsLanded asserts that every succeeded add is stored exactly once,
// as sent, and that nothing else is stored.
func checkAddsLanded(t *testing.T, srv *agilirontest.Server, rep *batch.Report[agiliron.Result], in []agiliron.Contact) {
	t.Helper()
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			continue
		}
		got, ok := storedContact(srv, o.Result.ID)
		if !ok {
			t.Fatalf("contact %d reported added as %q, not stored", o.Index, o.Result.ID)
		}
		if got.Email != in[o.Index].Email || srv.Writes(o.Result.ID) != 1 {
			t.Fatalf("contact %d: stored %q (%d writes), sent %q", o.Index, got.Email, srv.Writes(o.Result.ID), in[o.Index].Email)
		}
	}
	if n := len(srv.All(agilirontest.Contacts)); n != rep.Succeeded {
		t.Fatalf("fake holds %d contacts, report says %d added", n, rep.Succeeded)
	}
	checkUniqueEmails(t, srv)
}

var invalidIdx = []int{0, 13, 99, 100, 250, 377, 499}

func TestAdd500With7Invalid(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		webhook bool
		format  agiliron.Format
	}{
		{"webhook/json", true, agiliron.JSON},
		{"webhook/xml", true, agiliron.XML},
		{"polling/json", false, agiliron.JSON},
		{"polling/xml", false, agiliron.XML},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.webhook, agiliron.WithFormat(tt.format), agiliron.WithEngine(batch.Config{Concurrency: 4}), agiliron.WithBatchSize(50))
			in := newContacts(500, invalidIdx...)
			rep, err := e.c.Contacts().Create(context.Background(), slices.Values(in))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 500, Succeeded: 493, Failed: 7})
			var re *batch.RunError
			if !errors.As(err, &re) || len(re.Records) != 7 {
				t.Fatalf("err = %v, want a RunError with 7 records", err)
			}
			for i, idx := range invalidIdx {
				o := rep.Outcomes[idx]
				var ae *agiliron.Error
				if o.Status != batch.Failed || !rejected(o.Err) || !errors.As(o.Err, &ae) ||
					ae.Message != agilirontest.MsgContactLastNameBlank || ae.BatchID == "" || ae.Record != idx%50+1 {
					t.Fatalf("outcome %d = %+v, want rejected with %q", idx, o, agilirontest.MsgContactLastNameBlank)
				}
				if re.Records[i].Index != idx {
					t.Fatalf("RunError record %d has index %d, want %d", i, re.Records[i].Index, idx)
				}
			}
			checkAddsLanded(t, e.srv, rep, in)
			st := e.srv.Stats()
			if st.Batches != 10 || st.Writes != 10 {
				t.Fatalf("stats %+v: want 10 batches in 10 requests", st)
			}
			if tt.webhook && (st.StatusRequests != 0 || e.hook.Pending() != 0) {
				t.Fatalf("webhook run polled %d times, %d pending", st.StatusRequests, e.hook.Pending())
			}
			if !tt.webhook && (st.StatusRequests < 10 || st.Callbacks != 0) {
				t.Fatalf("polling run: %d polls, %d callbacks", st.StatusRequests, st.Callbacks)
			}
		})
	}
}

func TestLeadsUpdateReplacesRecords(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithEngine(batch.Config{Concurrency: 3}), agiliron.WithBatchSize(40))
	in := newLeads(200)
	for i := range in {
		in[i].LeadID = putLead(e.srv, agiliron.Lead{LastName: "Old", Company: "Old Co", Phone: "555"})
		in[i].LeadStatus = "Contacted"
	}
	in[7].Company = ""
	in[8].LeadID = ""
	in[9].LastName = ""
	in[10].LeadID = "99999999" // valid shape, unknown to Agiliron
	rep, err := e.c.Leads().Update(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 200, Succeeded: 196, Failed: 4})
	if err == nil {
		t.Fatal("no error for 4 failed leads")
	}
	for _, idx := range []int{7, 8, 9} {
		if !errors.Is(rep.Outcomes[idx].Err, batch.ErrInvalid) || rep.Outcomes[idx].Attempts != 0 {
			t.Fatalf("outcome %d = %+v, want ErrInvalid, not sent", idx, rep.Outcomes[idx])
		}
	}
	if o := rep.Outcomes[10]; !rejected(o.Err) || !strings.Contains(o.Err.Error(), agilirontest.MsgNoSuchLead) {
		t.Fatalf("outcome 10 = %+v, want rejected: %s", o, agilirontest.MsgNoSuchLead)
	}
	for i, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			continue
		}
		got, _ := storedLead(e.srv, in[i].LeadID)
		if got.Phone != "" || got.LeadStatus != "Contacted" || got.Email != in[i].Email || e.srv.Writes(in[i].LeadID) != 1 {
			t.Fatalf("lead %d stored as %+v (%d writes): want the whole record replaced once", i, got, e.srv.Writes(in[i].LeadID))
		}
	}
}

func TestCallbackNeverFallsBackToPolling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithCallbackTimeout(20*time.Millisecond), agiliron.WithBatchSize(10), agiliron.WithEngine(batch.Config{Concurrency: 2}))
	e.srv.FailCallbacks(3, agilirontest.CallbackNever)
	in := newContacts(50, 3, 44)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 50, Succeeded: 48, Failed: 2})
	checkAddsLanded(t, e.srv, rep, in)
	// A callback the client stopped waiting for under load may still be on
	// its way: let the fake finish sending before counting.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.srv.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.Stats(); st.StatusRequests < 3 || st.Callbacks != 2 {
		t.Fatalf("stats %+v: want polling for the 3 silent batches, 2 callbacks", st)
	}
}

func TestDelayedCallbackStillCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithBatchSize(10), agiliron.WithCallbackTimeout(2*time.Second))
	e.srv.SetCallbackDelay(30 * time.Millisecond)
	e.srv.FailCallbacks(2, agilirontest.CallbackDelayed)
	in := newContacts(30, 5)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 30, Succeeded: 29, Failed: 1})
	checkAddsLanded(t, e.srv, rep, in)
}

func TestDuplicateCallbackChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithBatchSize(25))
	e.srv.FailCallbacks(4, agilirontest.CallbackTwice)
	in := newContacts(100, 1, 2)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 100, Succeeded: 98, Failed: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.srv.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.srv.Stats()
	if st.Callbacks != 8 || e.delivered.Load() != 4 {
		t.Fatalf("%d callbacks sent, %d results taken; want 8 and 4", st.Callbacks, e.delivered.Load())
	}
	for i, code := range st.CallbackStatuses {
		if code != http.StatusOK {
			t.Fatalf("callback %d answered %d", i, code)
		}
	}
	checkAddsLanded(t, e.srv, rep, in)
	if e.hook.Pending() != 0 {
		t.Fatalf("%d pending", e.hook.Pending())
	}
}

func TestRetriesAndUnknownOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		method            string
		format            agiliron.Format
		faults            []fakekit.Fault
		succeeded         int
		unknown           int
		bulkRequests      int
		wantWritesPerLead int
		stored            int
	}{
		{"put 500 retried", http.MethodPut, agiliron.JSON, []fakekit.Fault{fakekit.Status(500), fakekit.Status(500)}, 20, 0, 4, 1, 0},
		{"put 429 retried", http.MethodPut, agiliron.XML, []fakekit.Fault{fakekit.RateLimited(0)}, 20, 0, 3, 1, 0},
		{"put malformed ack replayed", http.MethodPut, agiliron.JSON, []fakekit.Fault{malformedAfterWrite}, 20, 0, 3, 0, 0},
		{"post 429 retried", http.MethodPost, agiliron.JSON, []fakekit.Fault{fakekit.RateLimited(0)}, 20, 0, 3, 1, 20},
		{"post 500 after queue not replayed", http.MethodPost, agiliron.JSON, []fakekit.Fault{fakekit.Fault{Status: 500, AfterWrite: true}}, 10, 10, 2, 1, 20},
		{"post malformed ack not replayed", http.MethodPost, agiliron.XML, []fakekit.Fault{malformedAfterWrite}, 10, 10, 2, 1, 20},
		{"post 500 not replayed", http.MethodPost, agiliron.JSON, []fakekit.Fault{fakekit.Status(500)}, 10, 10, 2, 1, 10},
		{"put dropped before the write retried", http.MethodPut, agiliron.JSON, []fakekit.Fault{fakekit.Drop()}, 20, 0, 3, 1, 0},
		{"put dropped after the write replayed", http.MethodPut, agiliron.XML, []fakekit.Fault{fakekit.DropAfterWrite()}, 20, 0, 3, 0, 0},
		{"post dropped before the write not replayed", http.MethodPost, agiliron.JSON, []fakekit.Fault{fakekit.Drop()}, 10, 10, 2, 1, 10},
		{"post dropped after the write not replayed", http.MethodPost, agiliron.XML, []fakekit.Fault{fakekit.DropAfterWrite()}, 10, 10, 2, 1, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, false, agiliron.WithBatchSize(10), agiliron.WithFormat(tt.format))
			for _, f := range tt.faults {
				e.srv.FailNext(1, f)
			}
			in := newContacts(20)
			var (
				rep *batch.Report[agiliron.Result]
			)
			if tt.method == http.MethodPut {
				for i := range in {
					in[i].ContactID = putContact(e.srv, agiliron.Contact{LastName: "x"})
				}
				rep, _ = e.c.Contacts().Update(context.Background(), slices.Values(in))
			} else {
				rep, _ = e.c.Contacts().Create(context.Background(), slices.Values(in))
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: tt.succeeded, Failed: tt.unknown})
			for _, o := range rep.Outcomes {
				if o.Status == batch.Failed && (!errors.Is(o.Err, batch.ErrOutcomeUnknown) || batch.IsRetryable(o.Err)) {
					t.Fatalf("outcome %+v: want ErrOutcomeUnknown, not retryable", o)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := e.srv.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if st := e.srv.Stats(); st.Writes != tt.bulkRequests {
				t.Fatalf("%d bulk requests, want %d", st.Writes, tt.bulkRequests)
			}
			testkit.LandedOnce(t, rep, func(key string) int {
				n := 0
				for _, c := range e.srv.All(agilirontest.Contacts) {
					if c.Get("Email") == key || tt.method == http.MethodPut && c.Get("ContactId") == key {
						n++
					}
				}
				if tt.method == http.MethodPut {
					return min(n, 1) // an update by id lands at most once, however often it is sent
				}
				return n
			})
			if tt.method == http.MethodPost {
				// No lead was added twice: an unknown outcome was not replayed.
				if len(e.srv.All(agilirontest.Contacts)) != tt.stored {
					t.Fatalf("fake holds %d leads, want %d", len(e.srv.All(agilirontest.Contacts)), tt.stored)
				}
				checkUniqueEmails(t, e.srv)
				return
			}
			for i, l := range in {
				w := e.srv.Writes(l.ContactID)
				if tt.wantWritesPerLead > 0 && w != tt.wantWritesPerLead {
					t.Fatalf("lead %d written %d times", i, w)
				}
				if w < 1 || w > 2 {
					t.Fatalf("lead %d written %d times", i, w)
				}
			}
		})
	}
}

// TestTimeoutAfterSend: a request that times out after it was sent may
// have been queued (the fake queued it). An add is not sent again: its
// leads end ErrOutcomeUnknown with nothing added twice. An update is sent
// again and every lead ends updated.
func TestTimeoutAfterSend(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		t.Run(method, func(t *testing.T) {
			// The hung request ends at the client timeout; the others must finish
			// well within it even on a loaded machine, so it is generous.
			e := newEnv(t, false, agiliron.WithBatchSize(10),
				agiliron.WithHTTPClient(&http.Client{Timeout: 3 * time.Second}))
			e.srv.FailNext(1, fakekit.Fault{Hang: true, AfterWrite: true})
			in := newContacts(20)
			var rep *batch.Report[agiliron.Result]
			if method == http.MethodPut {
				for i := range in {
					in[i].ContactID = putContact(e.srv, agiliron.Contact{LastName: "x"})
				}
				rep, _ = e.c.Contacts().Update(context.Background(), slices.Values(in))
			} else {
				rep, _ = e.c.Contacts().Create(context.Background(), slices.Values(in))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := e.srv.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if method == http.MethodPut {
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: 20, Failed: 0})
				if st := e.srv.Stats(); st.Writes != 3 {
					t.Fatalf("%d bulk requests, want 3 (one sent again)", st.Writes)
				}
				return
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: 10, Failed: 10})
			for _, o := range rep.Outcomes[:10] {
				if !errors.Is(o.Err, batch.ErrOutcomeUnknown) || batch.IsRetryable(o.Err) {
					t.Fatalf("outcome %d = %+v: want ErrOutcomeUnknown, not retryable", o.Index, o)
				}
			}
			if st := e.srv.Stats(); st.Writes != 2 || len(e.srv.All(agilirontest.Contacts)) != 20 {
				t.Fatalf("%d bulk requests, %d stored: want 2 and 20 (the silent batch went in once)", st.Writes, len(e.srv.All(agilirontest.Contacts)))
			}
			checkUniqueEmails(t, e.srv)
		})
	}
}

func checkUniqueEmails(t *testing.T, srv *agilirontest.Server) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range srv.All(agilirontest.Contacts) {
		if seen[c.Get("Email")] {
			t.Fatalf("contact %s stored twice", c.Get("Email"))
		}
		seen[c.Get("Email")] = true
	}
}

func TestBadKeyNeverLeaks(t *testing.T) {
	t.Parallel()
	for _, inQuery := range []bool{false, true} {
		t.Run(fmt.Sprint("query=", inQuery), func(t *testing.T) {
			const secret = "sUp3r-s3cret-key-value"
			opts := []agiliron.Option{agiliron.WithAPIKey(secret)}
			if inQuery {
				opts = append(opts, agiliron.WithAPIKeyInQuery())
			}
			e := newEnv(t, true, opts...)
			rep, err := e.c.Contacts().Create(context.Background(), slices.Values(newContacts(3)))
			// A 401 stops the run: the engine fails or leaves unattempted
			// every record; none succeeds.
			if !rep.Balanced() || rep.Total != 3 || rep.Succeeded != 0 || e.srv.Stats().Writes != 0 {
				t.Fatalf("report %+v", rep)
			}
			if !errors.Is(err, batch.ErrUnauthorized) {
				t.Fatalf("err = %v, want batch.ErrUnauthorized", err)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(e.logs.String(), secret) {
				t.Fatalf("the key leaked:\nerr: %v\nlogs: %s", err, e.logs)
			}
			if len(e.srv.All(agilirontest.Contacts)) != 0 {
				t.Fatal("leads stored with a bad key")
			}
		})
	}
}

func TestKeyInQueryWorks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithAPIKeyInQuery())
	e.srv.FailNext(1, fakekit.Status(500))
	in := newLeads(5)
	for i := range in {
		in[i].LeadID = putLead(e.srv, agiliron.Lead{LastName: "x", Company: "y"})
	}
	rep, err := e.c.Leads().Update(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 5, Failed: 0})
	for _, s := range []string{agilirontest.APIKey} {
		if strings.Contains(e.logs.String(), s) {
			t.Fatalf("logs hold a secret:\n%s", e.logs)
		}
	}
	if !strings.Contains(e.logs.String(), "key=REDACTED") {
		t.Fatalf("logs do not show the redacted query key:\n%s", e.logs)
	}
}

func TestContextEndsWhileBatchPending(t *testing.T) {
	t.Parallel()
	// The context ends once the first batch is acknowledged (not on a
	// timer: the test does not depend on how fast the machine is).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEnv(t, false, agiliron.WithBatchSize(10), agiliron.WithAcceptedHook(func(agiliron.Ack, int) { cancel() }))
	e.srv.SetProcessingDelay(time.Hour)
	rep, _ := e.c.Contacts().Create(ctx, slices.Values(newContacts(25)))
	if !rep.Balanced() || rep.Total > 25 || (rep.Total < 25 && !rep.InputIncomplete) || rep.Succeeded != 0 {
		t.Fatalf("report %+v", rep)
	}
	var ae *agiliron.Error
	o := rep.Outcomes[0]
	if !errors.Is(o.Err, batch.ErrOutcomeUnknown) || !errors.Is(o.Err, context.Canceled) || !errors.As(o.Err, &ae) || ae.BatchID == "" {
		t.Fatalf("outcome 0 = %+v: want an unknown outcome with its batch id", o)
	}
}

func TestResultTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithBatchSize(10), agiliron.WithCallbackTimeout(10*time.Millisecond),
		agiliron.WithResultTimeout(80*time.Millisecond))
	e.srv.SetProcessingDelay(time.Hour)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(newContacts(10)))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 0, Failed: 10})
	if !errors.Is(rep.Outcomes[3].Err, batch.ErrOutcomeUnknown) {
		t.Fatalf("outcome = %+v", rep.Outcomes[3])
	}
	if e.hook.Pending() != 0 {
		t.Fatalf("%d pending after the run", e.hook.Pending())
	}
}

func TestWaitBatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	var ids []string
	c, err := agiliron.New(agiliron.WithBaseURL(e.srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithPollInterval(5*time.Millisecond),
		agiliron.WithAcceptedHook(func(a agiliron.Ack, n int) { ids = append(ids, a.BatchID) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Contacts().Create(context.Background(), slices.Values(newContacts(3, 1))); err == nil {
		t.Fatal("want an error for the blank last name")
	}
	if len(ids) != 1 {
		t.Fatalf("accepted hook saw %v", ids)
	}
	res, err := e.c.WaitBatch(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if res.SuccessNumber != 2 || res.FailureNumber != 1 || res.Failure[0].Record != 2 {
		t.Fatalf("result %+v", res)
	}
	if _, err := e.c.WaitBatch(context.Background(), "nope"); err == nil {
		t.Fatal("WaitBatch of an unknown batch succeeded")
	}
}

func TestMatchByLeadIDWithoutRecordNumbers(t *testing.T) {
	t.Parallel()
	for _, webhook := range []bool{true, false} {
		t.Run(fmt.Sprint("webhook=", webhook), func(t *testing.T) {
			e := newEnv(t, webhook, agiliron.WithBatchSize(20), agiliron.WithFormat(agiliron.XML))
			e.srv.SetOmitRecordNumbers(true)
			in := newLeads(40)
			for i := range in {
				in[i].LeadID = putLead(e.srv, agiliron.Lead{LastName: "x", Company: "y"})
			}
			in[5].LeadID = "77777777" // unknown: rejected, matched by its LeadId
			seq := func(yield func(agiliron.Lead) bool) {
				for _, l := range in {
					if !yield(l) {
						return
					}
				}
			}
			rep, _ := e.c.Leads().Update(context.Background(), seq)
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 40, Succeeded: 39, Failed: 1})
			if o := rep.Outcomes[5]; !rejected(o.Err) || o.Result.Message != agilirontest.MsgNoSuchLead {
				t.Fatalf("outcome 5 = %+v", o)
			}
			for i, o := range rep.Outcomes {
				if o.Status == batch.Succeeded && (o.Result.ID != in[i].LeadID || e.srv.Writes(in[i].LeadID) != 1) {
					t.Fatalf("outcome %d = %+v", i, o)
				}
			}
		})
	}
}

// TestAddWithoutRecordNumbers: when Agiliron leaves out the Record
// numbers, new leads have no LeadId to be matched by. Unique names place
// every lead (and the stored lead behind each new LeadId proves the match
// right); names alike with all leads succeeded still account for every
// lead, without claiming whose new id is whose; names alike with a failure
// among them leave the outcome unknown.
func TestAddWithoutRecordNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                         string
		webhook                      bool
		sameNames                    bool
		bad                          []int
		succeeded, rejected, unknown int
	}{
		{"unique names/webhook", true, false, []int{2, 7}, 8, 2, 0},
		{"unique names/polling", false, false, []int{2, 7}, 8, 2, 0},
		{"same names, all added", true, true, nil, 10, 0, 0},
		{"same names, one refused", false, true, []int{4}, 0, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.webhook, agiliron.WithBatchSize(10))
			e.srv.SetOmitRecordNumbers(true)
			in := newContacts(10, tt.bad...)
			if tt.sameNames {
				for i := range in {
					if in[i].LastName != " " {
						in[i].LastName = "Lovelace"
					}
				}
			}
			rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: tt.succeeded, Failed: tt.rejected + tt.unknown})
			var nRejected, unknown int
			for _, o := range rep.Outcomes {
				switch {
				case rejected(o.Err):
					nRejected++
					if o.Result.Message != agilirontest.MsgContactLastNameBlank || in[o.Index].LastName != " " {
						t.Fatalf("outcome %d = %+v", o.Index, o)
					}
				case errors.Is(o.Err, batch.ErrOutcomeUnknown):
					unknown++
				}
			}
			if nRejected != tt.rejected || unknown != tt.unknown {
				t.Fatalf("%d rejected, %d unknown; want %d, %d", nRejected, unknown, tt.rejected, tt.unknown)
			}
			if len(e.srv.All(agilirontest.Contacts)) != 10-len(tt.bad) {
				t.Fatalf("fake holds %d leads", len(e.srv.All(agilirontest.Contacts)))
			}
			if tt.sameNames {
				for _, o := range rep.Outcomes {
					if o.Result.ID != "" {
						t.Fatalf("outcome %d claims ContactId %s though the result cannot say", o.Index, o.Result.ID)
					}
				}
				return
			}
			checkAddsLanded(t, e.srv, rep, in)
		})
	}
}

func TestWebhookSecretNeverLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	if _, err := e.c.Contacts().Create(context.Background(), slices.Values(newContacts(3))); err != nil {
		t.Fatal(err)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "callback_url") {
		t.Fatalf("no request logged:\n%s", logs)
	}
	if strings.Contains(logs, e.secret) || strings.Contains(logs, agilirontest.APIKey) {
		t.Fatalf("a secret leaked into the logs:\n%s", logs)
	}
}

func TestOversizedBatchIsSplit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithBatchSize(100))
	e.srv.SetMaxBatch(30)
	in := newContacts(100, 77)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 100, Succeeded: 99, Failed: 1})
	checkAddsLanded(t, e.srv, rep, in)
	if o := rep.Outcomes[77]; !rejected(o.Err) {
		t.Fatalf("outcome 77 = %+v", o)
	}
}

func TestXMLRequestJSONResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithFormat(agiliron.XML), agiliron.WithResponseFormat(agiliron.JSON),
		agiliron.WithCallbackTimeout(10*time.Millisecond))
	e.srv.FailCallbacks(1, agilirontest.CallbackNever) // the result comes from BatchStatus, in JSON
	in := newContacts(12, 4)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 12, Succeeded: 11, Failed: 1})
	checkAddsLanded(t, e.srv, rep, in)
	if st := e.srv.Stats(); st.StatusRequests == 0 {
		t.Fatal("BatchStatus never polled")
	}
}

func TestPollingRidesOutStatusErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false, agiliron.WithBatchSize(10))
	e.srv.FailStatusNext(8, fakekit.Status(500)) // more than the permanent-error cap, all transient
	in := newContacts(10, 9)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 9, Failed: 1})
	checkAddsLanded(t, e.srv, rep, in)
}

// TestAdd500With7InvalidUnderFaults is the 500-lead run with the fake
// misbehaving on the way: a 429 (sent again), a callback delivered twice,
// one delayed, one never delivered (that batch is polled), and failing
// BatchStatus polls. The result is still exactly 493 added once each and
// 7 failed with Agiliron's message.
func TestAdd500With7InvalidUnderFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, agiliron.WithEngine(batch.Config{Concurrency: 4}), agiliron.WithBatchSize(50),
		agiliron.WithCallbackTimeout(300*time.Millisecond))
	e.srv.SetCallbackDelay(20 * time.Millisecond)
	e.srv.FailNext(1, fakekit.RateLimited(0))
	for _, cb := range []agilirontest.Callback{agilirontest.CallbackTwice, agilirontest.CallbackDelayed, agilirontest.CallbackNever} {
		e.srv.FailCallbacks(1, cb)
	}
	e.srv.FailStatusNext(3, fakekit.Status(500))
	in := newContacts(500, invalidIdx...)
	rep, _ := e.c.Contacts().Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 500, Succeeded: 493, Failed: 7})
	for _, idx := range invalidIdx {
		if o := rep.Outcomes[idx]; !rejected(o.Err) || o.Result.Message != agilirontest.MsgContactLastNameBlank {
			t.Fatalf("outcome %d = %+v", idx, o)
		}
	}
	checkAddsLanded(t, e.srv, rep, in)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.srv.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.srv.Stats()
	if st.Batches != 10 || st.Writes != 11 || rep.Requests != 11 || st.Callbacks != 10 || st.StatusRequests < 4 {
		t.Fatalf("stats %+v, %d requests reported: want 10 batches, 11 requests (a 429), 10 callbacks (one twice, one never), polls past 3 failures", st, rep.Requests)
	}
	// At most the 9 batches that called back (fewer if a slow machine
	// made a batch poll first): the repeat is never taken.
	if d := e.delivered.Load(); d < 1 || d > 9 || e.hook.Pending() != 0 {
		t.Fatalf("%d results taken from the webhook, %d pending; want 1..9, 0", d, e.hook.Pending())
	}
}
