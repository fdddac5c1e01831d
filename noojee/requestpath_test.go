package noojee_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// With MaxAttempts 3, a chunk the server always answers 503, or always
// answers Noojee's busy code 109, reaches the server exactly 3 times: no
// layer under the engine sends it again, for the bulk insert, the
// one-lead insert and the update alike.
func TestAlwaysBusyReachesTheServerExactlyThreeTimes(t *testing.T) {
	t.Parallel()
	faults := map[string]fakekit.Fault{"503": fakekit.Status(503), "109": noojeetest.Busy(time.Millisecond)}
	for name, fault := range faults {
		for _, op := range []string{"insertLeadsFast", "insertLeadFast", "updateLeadFast"} {
			t.Run(name+" "+op, func(t *testing.T) {
				t.Parallel()
				srv := newFake(t)
				c := newClient(t, srv, noojee.WithEngine(testkit.ThreeSends()))
				srv.AddLead(target.CampaignID, map[string]string{"FirstPhone": "0390000000", "njExternalLeadId": "CRM-0"})
				srv.FailNext(100, fault)
				camp := c.Campaign(target)
				var err error
				switch op {
				case "insertLeadsFast":
					var rep *batch.Report[noojee.Result]
					rep, err = camp.Create(context.Background(), slices.Values(makeLeads(1, 5)))
					testkit.CheckRefusedRun(t, rep, err, 5)
					testkit.CheckRequests(t, rep, srv.Stats().Requests[op], 3)
				case "insertLeadFast":
					_, err = camp.CreateOne(context.Background(), makeLeads(1, 1)[0])
				default:
					_, err = camp.UpdateOne(context.Background(), noojee.Lead{ExternalID: "CRM-0", Fields: map[string]string{"City": "Carlton"}})
				}
				if got := srv.Stats().Requests[op]; got != 3 {
					t.Errorf("the server saw %d %s calls, want exactly 3", got, op)
				}
				if want := map[string]error{"503": batch.ErrUnavailable, "109": batch.ErrRateLimited}[name]; !errors.Is(err, want) {
					t.Errorf("err %v, want it to match %v", err, want)
				}
			})
		}
	}
}

// secretKey is the apiKey of the leak tests: long, with characters every
// escaping changes.
const secretKey = "s3cr3t/Key+with=odd&chars?0123456789abcdef"

// leakClient is a client of base holding secretKey, logging at debug level
// into the returned buffer.
func leakClient(t *testing.T, base string, opts ...noojee.Option) (*noojee.Client, func() string) {
	t.Helper()
	log, buf := testkit.LogBuffer()
	c, err := noojee.New(append([]noojee.Option{noojee.WithBaseURL(base), noojee.WithAPIKey(secretKey),
		noojee.WithEngine(testkit.ThreeSends()), noojee.WithEngine(batch.Config{Logger: log})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, buf.String
}

// runEveryOp sends through every operation and returns every error text:
// each error's message, the report's error, their %+v and %#v.
func runEveryOp(c *noojee.Client) string {
	camp := c.Campaign(target)
	ctx := context.Background()
	created, errCreate := camp.Create(ctx, slices.Values(makeLeads(0, 3)))
	updated, errUpdate := camp.Update(ctx, slices.Values(makeLeads(10, 2)))
	_, errCreateOne := camp.CreateOne(ctx, makeLeads(20, 1)[0])
	_, errUpdateOne := camp.UpdateOne(ctx, makeLeads(30, 1)[0])
	return testkit.ErrorText(errCreate, created.Err(), errUpdate, updated.Err(), errCreateOne, errUpdateOne)
}

// No secret appears when the client or a campaign is printed every way.
func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	c, _ := leakClient(t, "https://pbx.example.com")
	camp := c.Campaign(target)
	testkit.CheckPrinted(t, "pbx.example.com", []string{secretKey}, c, *c, camp, *camp)
}

// When every endpoint answers a 307 to another host, that host receives
// nothing, and no secret appears in the errors or the debug-level log.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	trap := testkit.NewTrap(t)
	c, logs := leakClient(t, trap.Front(t))
	errs := runEveryOp(c)
	trap.CheckEmpty(t)
	if !strings.Contains(errs, "HTTP 307 redirected") {
		t.Errorf("the errors do not say the call was redirected:\n%s", errs)
	}
	testkit.NoSecrets(t, "errors", errs, secretKey)
	testkit.NoSecrets(t, "log", logs(), secretKey)
}

// When error bodies echo back the request's query, headers and body, no
// secret appears in the errors, the report's error or the debug-level log.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	echo := testkit.Serve(t, testkit.Echo(func(w http.ResponseWriter, r *http.Request, quoted string) {
		text := fmt.Sprintf("bad request %s key %s", quoted, r.URL.Query().Get("apiKey"))
		switch hits.Add(1) % 4 {
		case 0:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"code":104,"message":%q}`, text)
		case 1:
			w.WriteHeader(http.StatusUnauthorized) // stops the run
			fmt.Fprint(w, text)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html>%s</html>", text)
		default:
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, `{"code":0,"message":"Imported 0 Updated 0 Rejected 3 leads.\n\nErrors (If any):\n Name,Error Reason,\n%s,x,\n"}`, strings.ReplaceAll(text, `"`, `'`))
		}
	}))
	c, logs := leakClient(t, echo)
	errs := runEveryOp(c)
	if hits.Load() == 0 || !strings.Contains(errs, "bad request") {
		t.Fatalf("the echo was not exercised (%d hits):\n%s", hits.Load(), errs)
	}
	testkit.NoSecrets(t, "errors", errs, secretKey)
	testkit.NoSecrets(t, "log", logs(), secretKey)
}

// Every call the server saw is counted in Report.Requests, the per-lead
// calls of the bulk endpoint's 404 fallback included. (Noojee has no
// re-login nor token refresh to replay.)
func TestReportedRequestsMatchTheServer(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RemoveBulkEndpoint()
	srv.FailNext(2, noojeetest.Busy(time.Millisecond))
	c := newClient(t, srv, noojee.WithBatchSize(10), noojee.WithEngine(batch.Config{Concurrency: 1}))
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 25)))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, n := range srv.Stats().Requests {
		seen += n
	}
	testkit.CheckRequests(t, rep, seen, 1+25+2) // one bulk 404, 25 leads, 2 busy answers
}

// A run whose server answers 429 to every other request keeps one
// connection: a 429 never closes the idle connections.
func TestRateLimitedRunKeepsOneConnection(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RateLimitEveryOther(10, time.Millisecond)
	hc, dials := testkit.CountingClient()
	c := newClient(t, srv, noojee.WithHTTPClient(hc), noojee.WithBatchSize(1), noojee.WithEngine(batch.Config{Concurrency: 1}))
	rep, err := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 10)))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10})
	if rep.Requests != 20 || srv.PendingFaults() != 0 {
		t.Errorf("%d requests, %d faults left; want 20 and 0", rep.Requests, srv.PendingFaults())
	}
	testkit.CheckOneConnection(t, dials)
}

// A njExternalLeadId repeated within one call, and a lead larger than the
// request limit, fail locally with a *noojee.Error; nothing of them is
// sent, and the other leads go in.
func TestRepeatedKeyAndOversizeRecordFailLocally(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, noojee.WithMaxRequestBytes(64<<10), noojee.WithBatchSize(1))
	leads := makeLeads(0, 4)
	leads[2].ExternalID = leads[0].ExternalID               // repeated
	leads[3].Fields["Notes"] = strings.Repeat("x", 100<<10) // over 64 KiB
	camp := c.Campaign(target)
	rep, err := camp.Create(context.Background(), slices.Values(leads))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 4, Succeeded: 2, Failed: 2})
	want := map[int]error{2: batch.ErrDuplicate, 3: batch.ErrInvalid}
	for i, sentinel := range want {
		o, _ := rep.Outcome(i)
		testkit.CheckLocal[*noojee.Error](t, o, sentinel)
	}
	if !errors.Is(err, batch.ErrDuplicate) {
		t.Errorf("run error %v", err)
	}
	if n := srv.Stats().Requests["insertLeadsFast"]; n != 2 {
		t.Errorf("the server saw %d calls, want 2 (the refused leads are never sent)", n)
	}
	if l, _ := srv.Lead(target.CampaignID, leads[0].ExternalID); l.Fields["Name"] != leads[0].Fields["Name"] {
		t.Errorf("the first lead with the repeated id was not the one stored: %+v", l)
	}

	upd := []noojee.Lead{{ExternalID: "CRM-1", Fields: map[string]string{"City": "A"}}, {ExternalID: "CRM-1", Fields: map[string]string{"City": "B"}}}
	rep, _ = camp.Update(context.Background(), slices.Values(upd))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1})
	if n := srv.Stats().Requests["updateLeadFast"]; n != 1 {
		t.Errorf("the server saw %d updates, want 1", n)
	}
	// A repeat across two calls is not a repeat: each call has its own set.
	if _, err := camp.Update(context.Background(), slices.Values(upd[:1])); err != nil {
		t.Errorf("a new call with the same id: %v", err)
	}
}

// A one-lead call answered with an empty 200, or with an OK naming another
// lead's njExternalLeadId, confirms nothing: the lead fails matching
// batch.ErrOutcomeUnknown, never succeeded, and is not sent again.
func TestUnconfirmingAnswersAreUnknown(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty body":        "",
		"another lead's id": `{"code":0,"message":"OK","njExternalLeadId":"someone-else"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			srv.FailNext(1, fakekit.Fault{Status: http.StatusOK, Body: body})
			c := newClient(t, srv, noojee.WithBatchSize(1))
			rep, _ := c.Campaign(target).Create(context.Background(), slices.Values(makeLeads(0, 1)))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Failed: 1})
			if o := rep.Outcomes[0]; !errors.Is(o.Err, batch.ErrOutcomeUnknown) || o.Attempts != 1 {
				t.Errorf("after %d sends: %v", o.Attempts, o.Err)
			}
		})
	}
}
