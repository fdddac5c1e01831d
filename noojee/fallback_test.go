package noojee_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// A server following the current documentation has no insertLeadsFast
// (HTTP 404). InsertLeads falls back to insertLeadFast for the same leads:
// every lead lands exactly once, the per-lead 109s are retried, the client
// remembers the switch for the next run (no more bulk calls) and logs it
// once, and the report counts every request the fake saw.
func TestBulk404FallsBackToInsertLeadFast(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RemoveBulkEndpoint()
	srv.FailNext(3, noojeetest.Busy(time.Millisecond)) // hits the per-lead calls
	var logs bytes.Buffer                              // slog handlers serialize their writes
	lim := &countingLimiter{}
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 2}), noojee.WithEngine(batch.Config{Limiter: lim}),
		noojee.WithEngine(batch.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}))
	camp := c.Campaign(target)
	ctx := context.Background()

	first := makeLeads(0, 95)
	rep, err := camp.Create(ctx, slices.Values(first))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 95, Succeeded: 95, Failed: 0, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, first, rep)
	st := srv.Stats()
	bulk, single := st.Requests["insertLeadsFast"], st.Requests["insertLeadFast"]
	if bulk < 1 || bulk > 2 {
		t.Errorf("%d insertLeadsFast calls, want 1 or 2 (the chunks in flight before the 404 came back)", bulk)
	}
	if single != 95+3 {
		t.Errorf("%d insertLeadFast calls, want 98 (95 leads, 3 busy answers)", single)
	}
	if rep.Requests != bulk+single || int(lim.n.Load()) != rep.Requests {
		t.Errorf("report counts %d requests, limiter %d waits; the fake saw %d", rep.Requests, lim.n.Load(), bulk+single)
	}

	second := makeLeads(1000, 7)
	rep, err = camp.Create(ctx, slices.Values(second))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 7, Succeeded: 7, Failed: 0, NotAttempted: 0})
	if n := srv.Stats().Requests["insertLeadsFast"]; n != bulk {
		t.Errorf("the second run made %d more insertLeadsFast calls; the client must remember the 404", n-bulk)
	}
	if rep.Op != "noojee insertLeadFast" || rep.Requests != 7 {
		t.Errorf("second run: op %q, %d requests; want insertLeadFast, 7", rep.Op, rep.Requests)
	}
	if n := srv.LeadCount(target.CampaignID); n != 95+7 {
		t.Errorf("fake holds %d leads, want 102", n)
	}
	if n := strings.Count(logs.String(), "level=WARN msg=\"noojee: the server answered HTTP 404"); n != 1 {
		t.Errorf("the switch was logged %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), noojeetest.APIKey) {
		t.Error("the log holds the apiKey")
	}
}

// The fallback sends nothing twice and loses nothing when a per-lead call
// is refused for its content or dropped after the server wrote it.
func TestBulk404FallbackPerLeadFailures(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RemoveBulkEndpoint()
	c := newClient(t, srv, noojee.WithBatchSize(5), noojee.WithEngine(batch.Config{Concurrency: 1}))
	leads := makeLeads(0, 10)
	srv.AddDNC(leads[2].Fields["FirstPhone"])
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 9, Failed: 1, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, leads, rep)
	if o, _ := rep.Outcome(2); !isCode(o.Err, noojee.CodeDNC) || !isCode(err, noojee.CodeDNC) {
		t.Errorf("lead 2: %v, want DNC", o.Err)
	}

	srv.FailNext(1, fakekit.DropAfterWrite())
	more := makeLeads(100, 5)
	rep, err = c.Campaign(target).Create(context.Background(), slices.Values(more))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 4, Failed: 1, NotAttempted: 0})
	if o, _ := rep.Outcome(0); o.Status != batch.Failed || !errors.Is(o.Err, batch.ErrOutcomeUnknown) {
		t.Errorf("dropped lead: %v %v, want failed, outcome unknown", o.Status, o.Err)
	}
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("run error %v", err)
	}
	if n := srv.Stats().Requests["insertLeadFast"]; n != 10+5 {
		t.Errorf("%d insertLeadFast calls, want 15: the dropped lead must not be resent", n)
	}
	checkStoredOnce(t, srv, target.CampaignID, more)
}

// A refused apiKey met while falling back mid-chunk stops the run: the
// leads already in stay succeeded, the rest is not attempted (nothing of
// it was written), and nothing is sent twice.
func TestBulk404FallbackKeyRefusedMidChunk(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RemoveBulkEndpoint()
	var mu sync.Mutex
	singles := 0
	fwd := httputil.NewSingleHostReverseProxy(mustURL(t, srv.URL))
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/"+"insertLeadFast") {
			mu.Lock()
			singles++
			refuse := singles > 4
			mu.Unlock()
			if refuse {
				http.Error(w, "Invalid apiKey", http.StatusUnauthorized)
				return
			}
		}
		fwd.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c, err := noojee.New(noojee.WithBaseURL(proxy.URL), noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithEngine(batch.Config{Retry: fastRetry}), noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 1}))
	if err != nil {
		t.Fatal(err)
	}
	leads := makeLeads(0, 30)
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(leads))
	if !errors.Is(err, batch.ErrUnauthorized) {
		t.Fatalf("err %v, want ErrAuth", err)
	}
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 30, Succeeded: 4})
	checkLanded(t, srv, target.CampaignID, leads, rep)
	if n := srv.Stats().Requests["insertLeadFast"]; n != 4 {
		t.Errorf("the fake saw %d insertLeadFast calls, want 4", n)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
