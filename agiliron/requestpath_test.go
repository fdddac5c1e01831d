package agiliron_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// apiSecret and hookSecret are credentials with characters that escape
// differently in a query, a path, JSON and XML.
const (
	apiSecret  = "agi-key+/=&\"<x>-0123456789"
	hookSecret = "hook-secret-0123456789.~_-abc"
)

// newFakeClient points a client at srv in one line, plus opts.
func newFakeClient(t *testing.T, srv *agilirontest.Server, opts ...agiliron.Option) *agiliron.Client {
	t.Helper()
	c, err := agiliron.New(append([]agiliron.Option{agiliron.WithBaseURL(srv.BaseURL()),
		agiliron.WithAPIKey(agilirontest.APIKey), agiliron.WithPollInterval(time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// everyVerb runs each verb of each resource once with one valid record.
func everyVerb(c *agiliron.Client) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"leads create":    testkit.Send(c.Leads().Create, agiliron.Lead{LastName: "L", Company: "C"}),
		"leads update":    testkit.Send(c.Leads().Update, agiliron.Lead{LeadID: "1", LastName: "L", Company: "C"}),
		"contacts create": testkit.Send(c.Contacts().Create, agiliron.Contact{LastName: "L"}),
		"contacts update": testkit.Send(c.Contacts().Update, agiliron.Contact{ContactID: "2", LastName: "L"}),
		"accounts create": testkit.Send(c.Accounts().Create, agiliron.Account{AccountName: "A"}),
		"accounts update": testkit.Send(c.Accounts().Update, agiliron.Account{AccountID: "3", AccountName: "A"}),
		"batch status": func(ctx context.Context) error {
			_, err := c.BatchStatus(ctx, "b-1")
			return err
		},
	}
}

// With MaxAttempts 3, a request the server always refuses with 503 (or
// 429, Agiliron's throttle: it has no busy code of its own) reaches it
// exactly 3 times, for every verb: the engine is the one owner of retries,
// and the report counts what the server saw.
func TestAlwaysBusyReachesTheServerExactlyThreeTimes(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]fakekit.Fault{
		"503": fakekit.Status(http.StatusServiceUnavailable),
		"429": fakekit.RateLimited(time.Millisecond),
	} {
		for verb, run := range map[string]func(*agiliron.Client) (*batch.Report[agiliron.Result], error){
			"leads create": func(c *agiliron.Client) (*batch.Report[agiliron.Result], error) {
				return c.Leads().Create(context.Background(), slices.Values(newLeads(4)))
			},
			"contacts create": func(c *agiliron.Client) (*batch.Report[agiliron.Result], error) {
				return c.Contacts().Create(context.Background(), slices.Values(newContacts(4)))
			},
			"leads update": func(c *agiliron.Client) (*batch.Report[agiliron.Result], error) {
				in := newLeads(4)
				for i := range in {
					in[i].LeadID = fmt.Sprint(100 + i)
				}
				return c.Leads().Update(context.Background(), slices.Values(in))
			},
		} {
			t.Run(name+" "+verb, func(t *testing.T) {
				t.Parallel()
				srv := agilirontest.NewServer()
				t.Cleanup(srv.Close)
				srv.FailNext(1000, fault)
				rep, err := run(newFakeClient(t, srv, agiliron.WithEngine(testkit.ThreeSends())))
				testkit.CheckRefusedRun(t, rep, err, 4)
				testkit.CheckRequests(t, rep, srv.Stats().Writes, 3)
				if n := srv.Stats().Stored; n != 0 {
					t.Errorf("%d stored", n)
				}
			})
		}
	}
}

// Report.Requests equals the requests the server saw through a run with
// retried 429s and 503s (Agiliron has no re-login or token refresh, so
// no request is replayed outside the engine), and BatchStatus polls are
// reads, not counted as sends.
func TestReportedRequestsMatchTheServer(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	t.Cleanup(srv.Close)
	srv.FailNext(1, fakekit.RateLimited(time.Millisecond))
	srv.FailNext(1, fakekit.Status(http.StatusServiceUnavailable))
	srv.FailStatusNext(2, fakekit.Status(http.StatusServiceUnavailable))
	c := newFakeClient(t, srv, agiliron.WithBatchSize(5))
	rep, err := c.Contacts().Create(context.Background(), slices.Values(newContacts(10)))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10})
	st := srv.Stats()
	testkit.CheckRequests(t, rep, st.Writes, 4) // 2 refused, 2 batches
	if st.Batches != 2 {
		t.Errorf("server %+v; want 2 batches", st)
	}
}

// Printing a client, its resources, a webhook handler or an option shows
// no secret, with any verb and through slog.
func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	h, err := agiliron.NewWebhookHandler(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, inQuery := range []bool{false, true} {
		opts := []agiliron.Option{agiliron.WithCompany("acme"), agiliron.WithAPIKey(apiSecret),
			agiliron.WithWebhook(h, "https://hooks.example.com/agiliron")}
		if inQuery {
			opts = append(opts, agiliron.WithAPIKeyInQuery())
		}
		c, err := agiliron.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		testkit.CheckPrinted(t, "acme.agiliron.net", []string{apiSecret, hookSecret}, c, *c, c.Leads(), c.Contacts(), c.Accounts(), h)
	}
}

// When every endpoint (BatchStatus included) answers a 307 to another
// host, nothing reaches that host (no apiKey header, no key or webhook
// secret in a query, no body posted again), every record fails without a
// secret in its error, and the debug log holds none either.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	trap := testkit.NewTrap(t)
	front := trap.Front(t)
	h, err := agiliron.NewWebhookHandler(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, inQuery := range []bool{false, true} {
		log, logs := testkit.LogBuffer()
		opts := []agiliron.Option{agiliron.WithBaseURL(front + "/agiliron/api-40.php"), agiliron.WithAPIKey(apiSecret),
			agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"), agiliron.WithEngine(testkit.ThreeSends()), agiliron.WithEngine(batch.Config{Logger: log})}
		if inQuery {
			opts = append(opts, agiliron.WithAPIKeyInQuery())
		}
		c, err := agiliron.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		for verb, run := range everyVerb(c) {
			err := run(context.Background())
			var ae *agiliron.Error
			if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTemporaryRedirect || ae.Retryable() {
				t.Errorf("%s: err %v", verb, err)
			}
			testkit.NoSecrets(t, verb+" error", testkit.ErrorText(err, ae), apiSecret, hookSecret)
		}
		testkit.CheckLog(t, logs.String(), "307", apiSecret, hookSecret)
	}
	trap.CheckEmpty(t)
}

// echo answers every request with an error body that repeats the
// request's headers, query and body, under status, in Agiliron's error
// shape (JSON or XML) or as plain text.
func echo(status int, shape string) http.Handler {
	return testkit.Echo(func(w http.ResponseWriter, _ *http.Request, all string) {
		w.Header().Set("Retry-After", "0")
		switch shape {
		case "json":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			s, _ := jsonString(all)
			_, _ = io.WriteString(w, `{"Error":{"Message":`+s+`}}`)
		case "mcm":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			s, _ := jsonString(all)
			_, _ = io.WriteString(w, `{"MCM":{"parameters":{"results":{"message":{"status":"Error","error_message":`+s+`}}}}}`)
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, all)
		}
	})
}

// An answer that echoes the request (its apiKey header, its query with
// the key and the callback URL's secret, its body) leaves no secret in the
// errors, the report's error or the debug log.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	h, err := agiliron.NewWebhookHandler(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status int
		shape  string
	}{{400, "json"}, {401, "json"}, {429, "json"}, {500, "text"}, {502, "text"}, {200, "mcm"}} {
		for _, inQuery := range []bool{false, true} {
			srv := testkit.Serve(t, echo(tc.status, tc.shape))
			log, logs := testkit.LogBuffer()
			opts := []agiliron.Option{agiliron.WithBaseURL(srv), agiliron.WithAPIKey(apiSecret),
				agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"), agiliron.WithEngine(testkit.ThreeSends()), agiliron.WithEngine(batch.Config{Logger: log})}
			if inQuery {
				opts = append(opts, agiliron.WithAPIKeyInQuery())
			}
			c, err := agiliron.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%d %s query=%v", tc.status, tc.shape, inQuery)
			for verb, run := range everyVerb(c) {
				if tc.shape == "mcm" && verb == "batch status" {
					continue // an MCM refusal answers a write
				}
				err := run(context.Background())
				var ae *agiliron.Error
				if !errors.As(err, &ae) {
					t.Fatalf("%s %s: %v", name, verb, err)
				}
				testkit.NoSecrets(t, name+" "+verb+" error", testkit.ErrorText(err, ae), apiSecret, hookSecret)
				if !strings.Contains(ae.Message, "agiliron/api") && !strings.Contains(ae.Message, "/Bulk-") &&
					!strings.Contains(ae.Message, "/Leads") && !strings.Contains(ae.Message, "BatchStatus") {
					t.Errorf("%s %s: the echo did not reach the message (%q): the check proves nothing", name, verb, ae.Message)
				}
			}
			testkit.NoSecrets(t, name+" log", logs.String(), apiSecret, hookSecret)
		}
	}
}

// A run whose server answers 429 to every other request keeps one
// connection: nothing closes the transport's idle connections.
func TestRateLimitedRunKeepsOneConnection(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	t.Cleanup(srv.Close)
	srv.RateLimitEveryOther(10, time.Millisecond)
	hc, dials := testkit.CountingClient()
	// A lead refused 429 rides in a later request, which may land on the
	// next 429 again: enough sends that the 10 refusals cannot exhaust one.
	c := newFakeClient(t, srv, agiliron.WithHTTPClient(hc), agiliron.WithBatchSize(1), agiliron.WithEngine(batch.Config{
		Concurrency: 1, Retry: testkit.FastRetry(15)}))
	rep, err := c.Leads().Create(context.Background(), slices.Values(newLeads(10)))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10})
	testkit.CheckRequests(t, rep, srv.Stats().Writes, 20)
	testkit.CheckOneConnection(t, dials)
}

// A LeadId repeated within one Update call and a record over the request
// size limit fail locally, before any request; the rest go in.
func TestRepeatedKeyAndOversizeRecordFailLocally(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	t.Cleanup(srv.Close)
	c := newFakeClient(t, srv, agiliron.WithMaxRequestBytes(4096))
	in := newLeads(5)
	for i := range in {
		in[i].LeadID = putLead(srv, agiliron.Lead{LastName: "Old", Company: "Old Co"})
	}
	in[3].LeadID = in[1].LeadID                   // repeated within the call
	in[4].Description = strings.Repeat("x", 5000) // over the limit
	rep, err := c.Leads().Update(context.Background(), slices.Values(in))
	if err == nil {
		t.Fatal("no error")
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 3, Failed: 2})
	testkit.CheckLocal[*agiliron.Error](t, rep.Outcomes[3], batch.ErrDuplicate)
	if ae, _ := errors.AsType[*agiliron.Error](rep.Outcomes[3].Err); ae == nil || ae.ID != in[1].LeadID {
		t.Errorf("repeated id: the error names %+v, want id %s", ae, in[1].LeadID)
	}
	if limit := testkit.CheckTooLarge(t, rep.Outcomes[4]); limit != 4096 {
		t.Errorf("oversize record: limit %d, want 4096", limit)
	}
	if got, _ := storedLead(srv, in[4].LeadID); got.LastName != "Old" || srv.Writes(in[4].LeadID) != 0 {
		t.Errorf("the oversize lead was written: %+v", got)
	}
	if srv.Writes(in[1].LeadID) != 1 {
		t.Errorf("the repeated id was written %d times, want 1", srv.Writes(in[1].LeadID))
	}
	// A create has no id to repeat: the same lead twice is sent twice.
	rep, err = c.Leads().Create(context.Background(), slices.Values([]agiliron.Lead{newLeads(1)[0], newLeads(1)[0]}))
	if err != nil || rep.Succeeded != 2 {
		t.Errorf("create: %+v %v", rep, err)
	}
}
