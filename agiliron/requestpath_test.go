package agiliron_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

// threeAttempts is the policy of the first figure.
var threeAttempts = batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}}

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
	lead := agiliron.Lead{LeadID: "1", LastName: "L", Company: "C"}
	contact := agiliron.Contact{ContactID: "2", LastName: "L"}
	account := agiliron.Account{AccountID: "3", AccountName: "A"}
	return map[string]func(context.Context) error{
		"leads create": func(ctx context.Context) error {
			l := lead
			l.LeadID = ""
			_, err := c.Leads().Create(ctx, slices.Values([]agiliron.Lead{l}))
			return err
		},
		"leads update": func(ctx context.Context) error {
			_, err := c.Leads().Update(ctx, slices.Values([]agiliron.Lead{lead}))
			return err
		},
		"contacts create": func(ctx context.Context) error {
			x := contact
			x.ContactID = ""
			_, err := c.Contacts().Create(ctx, slices.Values([]agiliron.Contact{x}))
			return err
		},
		"contacts update": func(ctx context.Context) error {
			_, err := c.Contacts().Update(ctx, slices.Values([]agiliron.Contact{contact}))
			return err
		},
		"accounts create": func(ctx context.Context) error {
			x := account
			x.AccountID = ""
			_, err := c.Accounts().Create(ctx, slices.Values([]agiliron.Account{x}))
			return err
		},
		"accounts update": func(ctx context.Context) error {
			_, err := c.Accounts().Update(ctx, slices.Values([]agiliron.Account{account}))
			return err
		},
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
				rep, err := run(newFakeClient(t, srv, agiliron.WithEngine(threeAttempts)))
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 4, Failed: 4})
				if got := srv.Stats().Writes; got != 3 || rep.Requests != got {
					t.Errorf("the server saw %d requests, the report %d; want 3", got, rep.Requests)
				}
				if err == nil || srv.Stats().Stored != 0 {
					t.Errorf("err %v, %d stored", err, srv.Stats().Stored)
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
	if st := srv.Stats(); rep.Requests != 4 || st.Writes != 4 || st.Batches != 2 {
		t.Errorf("report %d requests, server %+v; want 4 writes (2 refused, 2 batches)", rep.Requests, st)
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
		out := testkit.PrintEveryWay(c) + testkit.PrintEveryWay(*c) + testkit.PrintEveryWay(c.Leads()) +
			testkit.PrintEveryWay(c.Contacts()) + testkit.PrintEveryWay(c.Accounts()) + testkit.PrintEveryWay(h)
		testkit.NoSecrets(t, "printed values", out, apiSecret, hookSecret)
		if !strings.Contains(out, "acme.agiliron.net") {
			t.Errorf("the client does not print its base URL:\n%s", out)
		}
	}
}

// When every endpoint (BatchStatus included) answers a 307 to another
// host, nothing reaches that host (no apiKey header, no key or webhook
// secret in a query, no body posted again), every record fails without a
// secret in its error, and the debug log holds none either.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	trap := testkit.NewTrap(t)
	front := httptest.NewServer(trap.RedirectTo())
	t.Cleanup(front.Close)
	h, err := agiliron.NewWebhookHandler(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, inQuery := range []bool{false, true} {
		log, logs := testkit.LogBuffer()
		opts := []agiliron.Option{agiliron.WithBaseURL(front.URL + "/agiliron/api-40.php"), agiliron.WithAPIKey(apiSecret),
			agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"), agiliron.WithEngine(threeAttempts), agiliron.WithEngine(batch.Config{Logger: log})}
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
			testkit.NoSecrets(t, verb+" error", fmt.Sprintf("%v\n%+v\n%#v", err, ae, ae), apiSecret, hookSecret)
		}
		if !strings.Contains(logs.String(), "307") {
			t.Errorf("no debug line logged the redirect: the log check proves nothing:\n%s", logs)
		}
		testkit.NoSecrets(t, "log", logs.String(), apiSecret, hookSecret)
	}
	if got := trap.Requests(); len(got) != 0 {
		t.Errorf("the other host received %d requests:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
}

// echo answers every request with an error body that repeats the
// request's headers, query and body, under status, in Agiliron's error
// shape (JSON or XML) or as plain text.
func echo(status int, shape string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		all := fmt.Sprintf("%s %s?%s %v %s", r.Method, r.URL.Path, r.URL.RawQuery, r.Header, body)
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
			srv := httptest.NewServer(echo(tc.status, tc.shape))
			t.Cleanup(srv.Close)
			log, logs := testkit.LogBuffer()
			opts := []agiliron.Option{agiliron.WithBaseURL(srv.URL), agiliron.WithAPIKey(apiSecret),
				agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"), agiliron.WithEngine(threeAttempts), agiliron.WithEngine(batch.Config{Logger: log})}
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
				testkit.NoSecrets(t, name+" "+verb+" error", fmt.Sprintf("%v\n%+v\n%#v", err, ae, ae), apiSecret, hookSecret)
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
	for range 10 {
		srv.FailNext(1, fakekit.RateLimited(time.Millisecond))
		srv.FailNext(1, fakekit.Fault{}) // answered normally
	}
	hc, dials := testkit.CountingClient()
	// A lead refused 429 rides in a later request, which may land on the
	// next 429 again: enough sends that the 10 refusals cannot exhaust one.
	c := newFakeClient(t, srv, agiliron.WithHTTPClient(hc), agiliron.WithBatchSize(1), agiliron.WithEngine(batch.Config{
		Concurrency: 1, Retry: batch.RetryPolicy{MaxAttempts: 15, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}}))
	rep, err := c.Leads().Create(context.Background(), slices.Values(newLeads(10)))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10})
	if rep.Requests != 20 || srv.Stats().Writes != 20 {
		t.Errorf("requests: report %d, server %d; want 20", rep.Requests, srv.Stats().Writes)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections opened, want 1", n)
	}
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
	var ae *agiliron.Error
	if o := rep.Outcomes[3]; !errors.As(o.Err, &ae) || !ae.Local || !errors.Is(o.Err, batch.ErrDuplicate) || o.Attempts != 0 || ae.ID != in[1].LeadID {
		t.Errorf("repeated id: %+v", o)
	}
	var tooLarge *batch.TooLargeError
	if o := rep.Outcomes[4]; !errors.As(o.Err, &tooLarge) || tooLarge.Limit != 4096 || o.Attempts != 0 {
		t.Errorf("oversize record: %+v", o)
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
