package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// With MaxAttempts 3, a request the server always refuses (503, a burst
// 429, a 423 Locked, a 477) reaches it exactly 3 times: the engine is the
// one owner of retries, and the report counts what the server saw.
func TestAlwaysBusyReachesTheServerExactlyThreeTimes(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]fakekit.Fault{
		"503":                 fakekit.Status(http.StatusServiceUnavailable),
		"429 burst":           fakekit.RateLimited(time.Millisecond),
		"423 locked":          hubspottest.Locked(),
		"477 migration":       hubspottest.Migration(time.Millisecond),
		"207 per-record 429s": {}, // set through FailInputs below
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			if name == "207 per-record 429s" {
				srv.FailInputs(func(hubspottest.Input) *hubspottest.InputError {
					return &hubspottest.InputError{Category: string(CodeRateLimits), Message: "slow down"}
				})
			} else {
				srv.FailNext(1000, fault)
			}
			c := newClient(t, srv, WithEngine(testkit.ThreeSends()), WithLockedWait(time.Millisecond))
			rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(5, "busy")))
			testkit.CheckRefusedRun(t, rep, err, 5)
			testkit.CheckRequests(t, rep, srv.Stats().Requests, 3)
			if n := srv.Count("contacts"); n != 0 {
				t.Errorf("%d stored", n)
			}
		})
	}
}

// hubspotSecret is a token in the shape HubSpot issues, with characters
// that escape differently in a query, a path and JSON.
const hubspotSecret = "pat-na1-11111111-2222-3333-4444-555555555555+/=&\"x"

// Printing a client, a handle or an error shows no secret, with any verb
// and through slog.
func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	c, err := New(WithToken(hubspotSecret))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckPrinted(t, "api.hubapi.com", []string{hubspotSecret}, c, c.Objects("contacts"))
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: hubspotSecret})
	c2, err := New(WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	testkit.NoSecrets(t, "printed OAuth client", testkit.PrintEveryWay(c2), hubspotSecret)
}

// every verb of a handle, for the tests that try them all.
func everyVerb(o *Objects) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"create": testkit.Send(o.Create, contacts(3, "v")...),
		"update": testkit.Send(o.Update, UpdateInput{ID: "1", Properties: Properties{"a": "b"}}),
		"upsert": testkit.Send(o.Upsert, UpsertInput{ID: "a@example.com", IDProperty: "email", Properties: Properties{"a": "b"}}),
		"read": func(ctx context.Context) error {
			_, err := o.Read(ctx, slices.Values([]string{"1"}), ReadOptions{})
			return err
		},
		"archive": testkit.Send(o.Archive, "1"),
	}
}

// When every endpoint answers a 307 to another host, nothing reaches that
// host (no token, no body), every record fails without a secret in its
// error, and the log holds none either. Both credentials are tried.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	trap := testkit.NewTrap(t)
	front := trap.Front(t)
	for _, cred := range []Option{WithToken(hubspotSecret),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: hubspotSecret}))} {
		log, logs := testkit.LogBuffer()
		c, err := New(cred, WithBaseURL(front), WithEngine(testkit.ThreeSends()), WithEngine(batch.Config{Logger: log}))
		if err != nil {
			t.Fatal(err)
		}
		for verb, run := range everyVerb(c.Objects("contacts")) {
			err := run(context.Background())
			if err == nil {
				t.Fatalf("%s: a redirect was taken as success", verb)
			}
			var he *Error
			if !errors.As(err, &he) || he.HTTPStatus != http.StatusTemporaryRedirect || he.Retryable() {
				t.Errorf("%s: err %v", verb, err)
			}
			testkit.NoSecrets(t, verb+" error", testkit.ErrorText(err, he), hubspotSecret)
		}
		testkit.CheckLog(t, logs.String(), "307", hubspotSecret)
	}
	trap.CheckEmpty(t)
}

// echo answers every request with an error body that repeats the
// request's headers, query and body in every field HubSpot's error body
// has, under status.
func echo(status int, withBody bool) http.Handler {
	return testkit.Echo(func(w http.ResponseWriter, _ *http.Request, all string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(status)
		if !withBody {
			_, _ = io.WriteString(w, all) // not JSON: kept as a snippet
			return
		}
		b, _ := json.Marshal(map[string]any{"status": "error", "message": all, "category": "VALIDATION_ERROR",
			"correlationId": all, "subCategory": all, "context": map[string][]string{"ids": {all}},
			"errors": []map[string]string{{"message": all, "code": all, "in": all}}, "links": map[string]string{"doc": all}})
		_, _ = w.Write(b)
	})
}

// rotatedSecrets are the static token and every token rotating hands out.
var rotatedSecrets = []string{hubspotSecret, "oauth-access-1-SECRET", "oauth-access-2-SECRET", "oauth-access-3-SECRET"}

// rotating is an OAuth token source handing out a new access token on
// every call, the third of them over and over.
type rotating struct{ n atomic.Int32 }

func (r *rotating) Token() (*oauth2.Token, error) {
	i := min(int(r.n.Add(1)), 3)
	return &oauth2.Token{AccessToken: rotatedSecrets[i], TokenType: "Bearer"}, nil
}

// An error body that echoes the request (its Authorization header
// included) leaves no secret in the errors, the report's error or the
// debug log.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		json   bool
	}{{400, true}, {401, true}, {429, true}, {500, true}, {502, false}} {
		srv := testkit.Serve(t, echo(tc.status, tc.json))
		log, logs := testkit.LogBuffer()
		cred := WithToken(hubspotSecret)
		if tc.status == 401 { // an OAuth source: its tokens are learned at run time
			cred = WithTokenSource(&rotating{})
		}
		c, err := New(cred, WithBaseURL(srv), WithEngine(testkit.ThreeSends()), WithEngine(batch.Config{Logger: log}))
		if err != nil {
			t.Fatal(err)
		}
		for verb, run := range everyVerb(c.Objects("contacts")) {
			err := run(context.Background())
			if err == nil {
				t.Fatalf("%d %s: no error", tc.status, verb)
			}
			var he *Error
			if !errors.As(err, &he) {
				t.Fatalf("%d %s: %v", tc.status, verb, err)
			}
			testkit.NoSecrets(t, fmt.Sprintf("%d %s error", tc.status, verb), testkit.ErrorText(err, he), rotatedSecrets...)
			if tc.json && !strings.Contains(he.Message, "Bearer") {
				t.Errorf("%d %s: the echo did not reach the message (%q): the check proves nothing", tc.status, verb, he.Message)
			}
		}
		testkit.NoSecrets(t, fmt.Sprintf("%d log", tc.status), logs.String(), rotatedSecrets...)
	}
}

// Every request the server saw is counted in Report.Requests: the refused
// ones and the isolation rounds of an all-or-nothing 400 included. (HubSpot
// has no re-login nor token refresh to replay: a token source gives each
// request its token.)
func TestReportedRequestsMatchTheServer(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetAllOrNothing(true)
	srv.FailNext(1, fakekit.Status(http.StatusServiceUnavailable))
	srv.FailNext(1, fakekit.RateLimited(time.Millisecond))
	c := newClient(t, srv, WithBatchSize(4), WithEngine(batch.Config{Concurrency: 1}))
	in := contacts(8, "req")
	in[5].Properties["email"] = "broken"
	rep, _ := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 8, Succeeded: 7, Failed: 1})
	// 2 refused, 2 chunks, the bad chunk's isolation 2+2 → 1+1: 2 + 2 + 4 = 8.
	testkit.CheckRequests(t, rep, srv.Stats().Requests, 8)
	landedOnce(t, srv, "contacts", in, rep, 0)
}

// A run whose server answers 429 to every other request keeps one
// connection: nothing closes the transport's idle connections.
func TestRateLimitedRunKeepsOneConnection(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RateLimitEveryOther(10, time.Millisecond)
	hc, dials := testkit.CountingClient()
	c := newClient(t, srv, WithHTTPClient(hc), WithEngine(batch.Config{Retry: testkit.FastRetry(30)}),
		WithEngine(batch.Config{Concurrency: 1}), WithBatchSize(10))
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(100, "conn")))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 100, Succeeded: 100})
	st := srv.Stats()
	testkit.CheckRequestsBetween(t, rep, st.Requests, 20, st.Requests)
	if st.Faults != 20 {
		t.Errorf("%d requests faulted, want 20", st.Faults)
	}
	testkit.CheckOneConnection(t, dials)
}

// A key repeated within one call, a caller trace id repeated, and a record
// over the request size limit fail before sending; the rest go in.
func TestRepeatedKeyAndOversizeRecordFailLocally(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv, WithMaxRequestBytes(4096))
	in := contacts(6, "loc")
	in[2].Properties["email"] = strings.ToUpper(in[0].Properties["email"]) // the same email: HubSpot compares without case
	in[3].Properties["notes"] = strings.Repeat("x", 5000)
	in[4].ObjectWriteTraceID = "row-4"
	in[5].ObjectWriteTraceID = "row-4"
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 6, Succeeded: 3, Failed: 3})
	for _, i := range []int{2, 5} {
		testkit.CheckLocal[*Error](t, rep.Outcomes[i], batch.ErrDuplicate)
	}
	if limit := testkit.CheckTooLarge(t, rep.Outcomes[3]); limit >= 4096 {
		t.Errorf("record 3: limit %d, want under 4096 (the request's own bytes left out)", limit)
	}
	if st := srv.Stats(); st.Inputs != 3 || st.Requests != 1 {
		t.Errorf("sent %+v; want the 3 good records in 1 request", st)
	}
	if rep.Outcomes[0].Key != in[0].Properties["email"] || rep.Outcomes[4].Key != "row-4" || rep.Outcomes[1].Key != in[1].Properties["email"] {
		t.Errorf("keys: %q %q %q", rep.Outcomes[0].Key, rep.Outcomes[1].Key, rep.Outcomes[4].Key)
	}
	var he *Error
	if !errors.As(err, &he) {
		t.Errorf("the report's error does not open to a *hubspot.Error: %v", err)
	}
	// Keys repeat here by design, so the records are checked by email.
	for _, i := range []int{0, 1, 4} {
		if o, ok := srv.Find("contacts", "email", in[i].Properties["email"]); !ok || o.Writes != 1 {
			t.Errorf("record %d: stored %v, %d writes", i, ok, o.Writes)
		}
	}
	if n := srv.Count("contacts"); n != 3 {
		t.Errorf("%d contacts stored, want 3", n)
	}
}

// KeyBy keys creates by a custom unique property, and refuses a value
// repeated in the call.
func TestKeyByCustomProperty(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetUniqueProperty("p_cars", "vin")
	c := newClient(t, srv)
	rep, _ := c.Objects("p_cars").KeyBy("vin").Create(context.Background(), slices.Values([]CreateInput{
		{Properties: Properties{"vin": "V1"}}, {Properties: Properties{"vin": "V2"}}, {Properties: Properties{"vin": "v1"}},
	}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1})
	if got := []string{rep.Outcomes[0].Key, rep.Outcomes[1].Key}; !slices.Equal(got, []string{"V1", "V2"}) {
		t.Errorf("keys %q", got)
	}
	if !errors.Is(rep.Outcomes[2].Err, batch.ErrDuplicate) || srv.Stats().Inputs != 2 {
		t.Errorf("record 2: %v; %d inputs sent", rep.Outcomes[2].Err, srv.Stats().Inputs)
	}
	rep, _ = c.Objects("p_cars").Create(context.Background(), slices.Values([]CreateInput{{Properties: Properties{"vin": "V3"}}}))
	if rep.Outcomes[0].Key != "" {
		t.Errorf("a type without a key property keyed a create by %q", rep.Outcomes[0].Key)
	}
}

// Creates without a key (a type with no key property, no trace id set)
// still share requests: 250 deals go in 3.
func TestCreatesWithoutKeysShareRequests(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	in := make([]CreateInput, 250)
	for i := range in {
		in[i] = CreateInput{Properties: Properties{"dealname": fmt.Sprint("D", i)}}
	}
	rep, err := c.Objects("deals").Create(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 250, Succeeded: 250})
	if rep.Requests != 3 || srv.Count("deals") != 250 {
		t.Errorf("%d requests, %d deals stored; want 3 and 250", rep.Requests, srv.Count("deals"))
	}
}

// A create whose 2xx answer cannot be read may have been written: its
// records match both batch.ErrOutcomeUnknown and batch.ErrMalformedResponse,
// as in every vendor, and are not sent again.
func TestUnreadableCreateAnswerIsUnknownAndMalformed(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.FailNext(1, fakekit.Malformed())
	c := newClient(t, srv, WithBatchSize(5))
	rep, _ := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(5, "m")))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Failed: 5})
	for _, o := range rep.Outcomes {
		if !errors.Is(o.Err, batch.ErrOutcomeUnknown) || !errors.Is(o.Err, batch.ErrMalformedResponse) || o.Attempts != 1 {
			t.Fatalf("record %d after %d sends: %v", o.Index, o.Attempts, o.Err)
		}
	}
}
