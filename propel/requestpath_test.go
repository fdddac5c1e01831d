package propel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"golang.org/x/oauth2"
)

// The request path's promises (issue 11), asserted against Propel: one
// owner for retries, secrets kept out of everything, the token replay
// counted, one connection under a 429 storm, local refusals.

// TestAlwaysBusyReachesTheServerExactlyThreeTimes: a chunk the server always answers 503 (or 429,
// or 500: the upserts are idempotent, so a 5xx is worth another try)
// reaches the server exactly MaxAttempts times. Propel documents no busy
// code of its own.
func TestAlwaysBusyReachesTheServerExactlyThreeTimes(t *testing.T) {
	t.Parallel()
	for _, f := range []fakekit.Fault{fakekit.Status(503), fakekit.RateLimited(0), fakekit.Status(500)} {
		t.Run(fmt.Sprint(f.Status), func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, propel.WithEngine(testkit.ThreeSends()))
			srv.FailNext(100, f)
			rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(5)))
			testkit.CheckRefusedRun(t, rep, err, 5)
			if !errors.Is(err, batch.ErrUnavailable) && !errors.Is(err, batch.ErrRateLimited) {
				t.Errorf("err %v, want a retryable class", err)
			}
			testkit.CheckRequests(t, rep, srv.Stats().Requests, 3)
			// a 500 may have been applied: its records may have been written
			if unknown := errors.Is(err, batch.ErrOutcomeUnknown); unknown != (f.Status == 500) {
				t.Errorf("status %d: matches ErrOutcomeUnknown %v", f.Status, unknown)
			}
		})
	}
}

// TestReportedRequestsMatchTheServer: a 401 mid-run fetches a new token and replays
// the request once; the replay is a request the server saw, and
// Report.Requests says so.
func TestReportedRequestsMatchTheServer(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(10), propel.WithEngine(batch.Config{Concurrency: 1}))
	srv.FailNext(1, fakekit.Fault{})
	srv.FailNext(1, propeltest.ExpireToken())
	in := customers(30)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	checkLandedOnce(t, srv, in, rep)
	st := srv.Stats()
	testkit.CheckRequests(t, rep, st.Requests, 4) // 3 chunks and 1 replay
	if st.TokenRequests != 2 {
		t.Errorf("%d token requests, want 2", st.TokenRequests)
	}
}

// TestRateLimitedRunKeepsOneConnection: a server answering 429 to every other
// request costs no connection: one worker keeps one.
func TestRateLimitedRunKeepsOneConnection(t *testing.T) {
	t.Parallel()
	hc, dials := testkit.CountingClient()
	// A record refused 429 rides in a later request, which may land on the
	// next 429 again: enough sends that the 10 refusals cannot exhaust one.
	srv, c := newFake(t, propel.WithHTTPClient(hc), propel.WithBatchSize(10), propel.WithEngine(batch.Config{Concurrency: 1, Retry: testkit.FastRetry(15)}))
	srv.RateLimitEveryOther(10, 0)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(100)))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckRequestsBetween(t, rep, srv.Stats().Requests, 20, 22) // 10 refused, 10 to 12 answered
	testkit.CheckOneConnection(t, dials)
}

// TestRepeatedKeyAndOversizeRecordFailLocally: a key repeated within one call, and a record over
// the request size limit, fail before anything is sent.
func TestRepeatedKeyAndOversizeRecordFailLocally(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithMaxRequestBytes(2048))
	big := propel.Customer{Source: "CRM", SourceID: "big", Language: "NL", LastName: strings.Repeat("x", 4096)}
	in := []propel.Customer{big, {Source: "CRM", SourceID: "dup", Language: "NL"}, {Source: "CRM", SourceID: "dup", Language: "NL", FirstName: "again"}}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 1, Failed: 2})
	if limit := testkit.CheckTooLarge(t, rep.Outcomes[0]); limit != 2048 {
		t.Errorf("oversize record: limit %d, want 2048", limit)
	}
	testkit.CheckLocal[*propel.Error](t, rep.Outcomes[2], batch.ErrDuplicate)
	if !errors.Is(err, batch.ErrDuplicate) {
		t.Errorf("run error %v, want it to match batch.ErrDuplicate", err)
	}
	if srv.Stats().Requests != 1 || len(srv.Customers()) != 1 {
		t.Fatalf("%d requests, %d stored; want only the first dup sent", srv.Stats().Requests, len(srv.Customers()))
	}
	// addresses: a code repeated in one call
	id := srv.AddCompany(map[string]any{"id": 7, "name": "ACME"})
	addr := propel.Address{Type: propel.AddressDelivery, Code: "A", Street: "Main", City: "Utrecht", Country: "NL"}
	rep, err = c.Companies().Addresses(propel.ByID(id)).Upsert(context.Background(), slices.Values([]propel.Address{addr, addr}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1})
	if !errors.Is(err, batch.ErrDuplicate) || srv.Stats().Requests != 2 {
		t.Fatalf("repeated code: %v after %d requests", err, srv.Stats().Requests)
	}
}

// TestClientPrintsNoSecret: the client, holding its secret and a token
// learned in a run, prints neither in any verb nor through slog.
func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	const secret, token = "client-secret-value-1", "access-token-value-1"
	api := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			fmt.Fprintf(w, `{"access_token":%q,"expires_in":1800,"token_type":"Bearer"}`, token)
			return
		}
		fmt.Fprint(w, `{"data":[{"action":"create","id":1,"key":"A","lookupKey":"sourceId","success":true}],"total":1}`)
	}))
	c, err := propel.New(propel.WithBaseURL(api+"/v2"), propel.WithClientCredentials("client-id", secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]propel.Customer{{Source: "S", SourceID: "A"}})); err != nil {
		t.Fatal(err)
	}
	testkit.CheckPrinted(t, api, []string{secret, token}, c)
	testkit.NoSecrets(t, "printed token source", testkit.PrintEveryWay(propel.TokenSourceFunc(nil)), secret, token)
}

// TestCrossHostRedirectCarriesNothing: every endpoint, the token endpoint
// included, answers a 307 to another host: the trap receives nothing, and
// no error or log line holds a secret.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	const secret, token = "client-secret-value-2", "access-token-value-2"
	for _, auth := range []string{"client credentials", "token source"} {
		t.Run(auth, func(t *testing.T) {
			t.Parallel()
			trap := testkit.NewTrap(t)
			api := trap.Front(t)
			logger, logs := testkit.LogBuffer()
			opt := propel.WithClientCredentials("client-id", secret)
			if auth == "token source" {
				opt = propel.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
			}
			c, err := propel.New(propel.WithBaseURL(api+"/v2"), opt, propel.WithEngine(batch.Config{Logger: logger}), propel.WithEngine(testkit.ThreeSends()))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(3)))
			if err == nil || rep.Succeeded != 0 || !rep.Balanced() {
				t.Fatalf("rep %+v err %v", rep, err)
			}
			trap.CheckEmpty(t)
			testkit.NoSecrets(t, "error", err.Error(), secret, token)
			testkit.NoSecrets(t, "log", logs.String(), secret, token)
		})
	}
}

// echo answers every request with an error body that quotes the request:
// its headers, query and body.
func echo(status int) http.Handler {
	return testkit.Echo(func(w http.ResponseWriter, r *http.Request, quoted string) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"code":"%s","status":%d,"type":%q,"messages":[%q],"moreInfo":%q}}`,
			strings.ReplaceAll(string(body), `"`, ""), status, quoted, quoted, quoted)
	})
}

// TestEchoedSecretsAreScrubbed: a server that writes the request back into
// its error body (the token endpoint with the client secret, the bulk
// endpoint with the bearer token) leaks no secret into the errors,
// Report.Err or a debug log.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	const secret, token = "client-secret-value-3", "access-token-value-3"
	tests := []struct {
		name   string
		status int
		opt    propel.Option
	}{
		{"token endpoint echoes the secret", 401, propel.WithClientCredentials("client-id", secret)},
		{"token endpoint echoes the secret, 400", 400, propel.WithClientCredentials("client-id", secret)},
		{"bulk endpoint echoes the token", 400, propel.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))},
		{"bulk endpoint echoes the token, 503", 503, propel.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := testkit.Serve(t, echo(tt.status))
			logger, logs := testkit.LogBuffer()
			c, err := propel.New(propel.WithBaseURL(api+"/v2"), tt.opt, propel.WithEngine(batch.Config{Logger: logger}), propel.WithEngine(testkit.ThreeSends()))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(2)))
			if err == nil || rep.Succeeded != 0 || !rep.Balanced() {
				t.Fatalf("rep %+v err %v", rep, err)
			}
			all := testkit.OutcomeErrors(rep)
			testkit.NoSecrets(t, "Report.Err", rep.Err().Error(), secret, token)
			testkit.NoSecrets(t, "record errors", all, secret, token)
			testkit.NoSecrets(t, "log", logs.String(), secret, token)
			var pe *propel.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err %v is not a *propel.Error", err)
			}
			testkit.NoSecrets(t, "error fields", fmt.Sprintf("%q %q %q %q", pe.Messages, pe.Type, pe.MoreInfo, pe.Message), secret, token)
			if !strings.Contains(all, "REDACTED") {
				t.Errorf("the echo was not redacted but dropped? %s", all)
			}
		})
	}
}

// TestFakeOneLineSetup: the fake's BaseURL, or its URL, points a client at
// it in one line.
func TestFakeOneLineSetup(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	for _, base := range []string{srv.BaseURL(), srv.URL} {
		c, err := propel.New(propel.WithBaseURL(base), propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(3))); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
	}
	creates := 0
	for _, rec := range srv.Customers() {
		creates += rec.Creates
	}
	if creates != 3 {
		t.Fatalf("%d creates, want 3", creates)
	}
}
