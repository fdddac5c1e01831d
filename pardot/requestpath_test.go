package pardot_test

// The request path's asserting tests (issue 11): retries have one owner,
// no secret leaks (printing, redirects, echoing bodies), a replay is
// counted, a storm of 429s keeps one connection, and bad records are
// refused locally.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"golang.org/x/oauth2/clientcredentials"
)

// threeSends is the engine setting of the measure: a record is
// sent at most three times.
var threeSends = pardot.WithEngine(batch.Config{Concurrency: 1, Retry: testkit.FastRetry(3)})

// allSecrets are every credential the fake knows.
var allSecrets = []string{pardottest.Password, pardottest.UserKey, pardottest.AccessToken, pardottest.ClientSecret}

// TestAlwaysBusyReachesTheServerExactlyThreeTimes: a chunk the server
// always refuses as busy (503, or Pardot's 66 and 62) reaches the server
// exactly RetryPolicy.MaxAttempts times: nothing under the engine retries.
func TestAlwaysBusyReachesTheServerExactlyThreeTimes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault fakekit.Fault
		class error
	}{
		{"503", fakekit.Status(http.StatusServiceUnavailable), batch.ErrUnavailable},
		{"503 with Retry-After", fakekit.Fault{Status: 503, RetryAfter: time.Millisecond}, batch.ErrUnavailable},
		{"429", fakekit.RateLimited(time.Millisecond), batch.ErrRateLimited},
		{"code 66", pardottest.ErrorCode(66), batch.ErrRateLimited},
		{"code 62", pardottest.ErrorCode(62), batch.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.FailNext(100, tc.fault)
			for _, auth := range []pardot.Option{oauth(), legacy()} {
				before := srv.Stats().Requests
				c := newClient(t, srv, auth, threeSends)
				rep, err := c.Prospects().Create(context.Background(), slices.Values(people(10)))
				checkRun(t, rep, err, counts(10, 0, 10, 0))
				testkit.CheckRequests(t, rep, srv.Stats().Requests-before, 3)
				if !errors.Is(err, tc.class) {
					t.Errorf("err %v does not match %v", err, tc.class)
				}
			}
		})
	}
}

// TestClientPrintsNoSecret prints a client of each credential kind, before
// and after a run (which learns an api_key or a token), every way.
func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	app := clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
	for _, auth := range []pardot.Option{legacy(), oauth(), pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID),
		pardot.WithTokenSource(app.TokenSource(context.Background()), pardottest.BusinessUnitID)} {
		c := newClient(t, srv, auth)
		text := testkit.CheckPrinted(t, srv.BaseURL(), allSecrets, c)
		if _, err := c.Prospects().Upsert(context.Background(), slices.Values(people(2))); err != nil {
			t.Fatal(err)
		}
		text += testkit.CheckPrinted(t, srv.BaseURL(), allSecrets, c, *c)
		if strings.Contains(text, "0123456789abcdef") {
			t.Errorf("printed:\n%s", text)
		}
	}
}

// TestCrossHostRedirectCarriesNothing: every endpoint (the login, the
// token endpoint, the batch endpoints) answers 307 to a server on another
// host. Nothing reaches it, and no error or log line holds a secret.
func TestCrossHostRedirectCarriesNothing(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	trap := testkit.NewTrap(t)
	front := trap.Front(t)
	// loginOnly answers the login itself (so a key is learned) and
	// redirects the batch endpoints.
	loginOnly := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/login") {
			srv.Config.Handler.ServeHTTP(w, r)
			return
		}
		trap.RedirectTo().ServeHTTP(w, r)
	}))
	app := clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: front + "/services/oauth2/token"}
	for _, tc := range []struct {
		name string
		base string
		auth pardot.Option
		via  bool // the request goes through httpx (and its log)
	}{
		{"legacy login redirected", front, legacy(), true},
		{"batch redirected after a legacy login", loginOnly, legacy(), true},
		{"token endpoint redirected", front, pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID), false},
		{"batch redirected with a token", front, oauth(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := testkit.LogBuffer()
			c, err := pardot.New(pardot.WithBaseURL(tc.base), tc.auth, pardot.WithEngine(batch.Config{Logger: log}), threeSends)
			if err != nil {
				t.Fatal(err)
			}
			for _, run := range []func(context.Context, []pardot.Prospect) (*batch.Report[pardot.Result], error){
				func(ctx context.Context, ps []pardot.Prospect) (*batch.Report[pardot.Result], error) {
					return c.Prospects().Create(ctx, slices.Values(ps))
				},
				func(ctx context.Context, ps []pardot.Prospect) (*batch.Report[pardot.Result], error) {
					return c.Prospects().Upsert(ctx, slices.Values(ps))
				},
			} {
				rep, err := run(context.Background(), people(3))
				if err == nil || rep.Succeeded != 0 {
					t.Fatalf("a redirected run succeeded: %+v", rep)
				}
				testkit.NoSecrets(t, "the run's error", testkit.ErrorText(err, rep.Err())+testkit.OutcomeErrors(rep), allSecrets...)
			}
			trap.CheckEmpty(t)
			proof := "httpx: response" // a request line, when the request goes through httpx
			if !tc.via {
				proof = ""
			}
			testkit.CheckLog(t, logs.String(), proof, allSecrets...)
		})
	}
}

// echoKey is the api_key the echoing server hands out.
const echoKey = "feedfacefeedfacefeedfacefeedface"

// echo quotes the request (testkit.Quote) in a form a JSON string can
// hold as it is.
func echo(r *http.Request) string {
	return strings.NewReplacer(`"`, `'`, `\`, `/`).Replace(testkit.Quote(r))
}

// TestEchoedSecretsAreScrubbed: a server that writes each request's
// headers, query and body back into its error body (a global failure, a
// per-prospect error, a non-Pardot 500) gets no secret into an error
// string, Report.Err or a debug-level log line.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		login  bool // the login succeeds with echoKey
		quoted bool // the error quotes the server's text
		batch  func(w http.ResponseWriter, r *http.Request)
	}{
		{"login refused, echoing", false, true, nil},
		{"global failure echoing", true, true, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"@attributes":{"stat":"fail","version":1,"err_code":999},"err":"%s"}`, echo(r))
		}},
		{"per-prospect errors echoing", true, true, func(w http.ResponseWriter, r *http.Request) {
			e := echo(r)
			fmt.Fprintf(w, `{"@attributes":{"stat":"ok","version":1},"errors":{"0":"%s","1":"%s","2":"%s"}}`, e, e, e)
		}},
		{"unmatched key echoing", true, true, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"@attributes":{"stat":"ok","version":1},"errors":{"%s":"x"}}`, echo(r))
		}},
		{"500 echoing", true, false, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, echo(r), http.StatusInternalServerError)
		}},
		{"unreadable 200 echoing", true, false, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "<html>%s", echo(r))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/api/login") {
					if tc.login {
						fmt.Fprintf(w, `{"@attributes":{"stat":"ok","version":1},"api_key":"%s"}`, echoKey)
						return
					}
					fmt.Fprintf(w, `{"@attributes":{"stat":"fail","version":1,"err_code":15},"err":"%s"}`, echo(r))
					return
				}
				tc.batch(w, r)
			}))
			auths := []pardot.Option{legacy(), oauth()}
			if tc.batch == nil {
				auths = auths[:1] // only the legacy client logs in
			}
			for _, auth := range auths {
				log, logs := testkit.LogBuffer()
				c, err := pardot.New(pardot.WithBaseURL(srv), auth, pardot.WithEngine(batch.Config{Logger: log}), threeSends)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := c.Prospects().Upsert(context.Background(), slices.Values(people(3)))
				if err == nil {
					t.Fatal("the run succeeded")
				}
				text := testkit.ErrorText(err, rep.Err()) + testkit.OutcomeErrors(rep) + logs.String()
				testkit.NoSecrets(t, "errors and log", text, append(allSecrets, echoKey)...)
				if tc.quoted && !strings.Contains(text, "REDACTED") {
					t.Errorf("nothing was redacted; the echo did not happen:\n%s", text)
				}
			}
		})
	}
}

// TestReportedRequestsMatchTheServer: the replay after a new login (code 1) or
// a renewed token (code 184) is in Report.Requests, which equals the batch
// requests the server saw.
func TestReportedRequestsMatchTheServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		auth   func(*pardottest.Server) pardot.Option
		expire func(*pardottest.Server)
	}{
		{"legacy re-login", func(*pardottest.Server) pardot.Option { return legacy() }, (*pardottest.Server).ExpireAPIKeys},
		{"token renewal", func(s *pardottest.Server) pardot.Option {
			app := clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: s.TokenURL()}
			return pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID)
		}, (*pardottest.Server).ExpireSessions},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, tc.auth(srv), pardot.WithEngine(batch.Config{Concurrency: 1}), pardot.WithBatchSize(10))
			var expired bool
			ps := people(50)
			seq := func(yield func(pardot.Prospect) bool) {
				for i, p := range ps {
					if i == 25 && !expired { // mid-run: the session ends
						expired = true
						tc.expire(srv)
					}
					if !yield(p) {
						return
					}
				}
			}
			rep, err := c.Prospects().Create(context.Background(), seq)
			checkRun(t, rep, err, counts(50, 50, 0, 0))
			testkit.CheckRequests(t, rep, srv.Stats().Requests, 6) // 5 chunks and one replay
			if rep.Retries != 1 {
				t.Errorf("retries %d, want 1 (the replay)", rep.Retries)
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestRateLimitedRunKeepsOneConnection: a server answering 429 to every
// other request (Retry-After tiny) is served over one connection: a 429
// never closes the idle connections.
func TestRateLimitedRunKeepsOneConnection(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.RateLimitEveryOther(20, time.Millisecond)
	hc, dials := testkit.CountingClient()
	// A record refused 429 rides in a later request, which may land on the
	// next 429 again: enough sends that the 20 refusals cannot exhaust one.
	sends := pardot.WithEngine(batch.Config{Concurrency: 1, Retry: testkit.FastRetry(25)})
	c := newClient(t, srv, oauth(), pardot.WithHTTPClient(hc), pardot.WithBatchSize(10), sends)
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(200)))
	checkRun(t, rep, err, counts(200, 200, 0, 0))
	testkit.CheckRequestsBetween(t, rep, srv.Stats().Requests, 40, 42) // 20 refused, 20 to 22 answered
	testkit.CheckOneConnection(t, dials)
}

// TestRepeatedKeyAndOversizeRecordFailLocally: a repeated identifier and a prospect over
// the request size limit fail Local, with a *pardot.Error of class
// Duplicate or Invalid, and are never sent.
func TestRepeatedKeyAndOversizeRecordFailLocally(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, oauth(), pardot.WithMaxRequestBytes(64<<10))
	ps := people(4)
	ps[1].Email = strings.ToUpper(ps[0].Email) // the same email, another case
	ps[2].Notes = strings.Repeat("x", 64<<10)  // over the request limit alone
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(4, 2, 2, 0))
	for i, class := range map[int]error{1: batch.ErrDuplicate, 2: batch.ErrInvalid} {
		o, _ := rep.Outcome(i)
		testkit.CheckLocal[*pardot.Error](t, o, class)
	}
	if st := srv.Stats(); st.Requests != 1 || st.BatchProspects != 2 {
		t.Errorf("server: %d requests, %d prospects; want 1 and 2 (nothing of the refused sent)", st.Requests, st.BatchProspects)
	}
	// Only refused records: no request at all.
	rep, err = c.Prospects().Create(context.Background(), slices.Values(ps[2:3]))
	checkRun(t, rep, err, counts(1, 0, 1, 0))
	if rep.Requests != 0 || srv.Stats().Requests != 1 {
		t.Errorf("an oversize prospect alone was sent: %d requests", rep.Requests)
	}
}

// TestRequestsStayUnderTheSizeLimit: prospects that fit alone but not 50
// together are spread over requests that each stay under the limit.
func TestRequestsStayUnderTheSizeLimit(t *testing.T) {
	t.Parallel()
	var biggest int
	srv := pardottest.NewServer()
	defer srv.Close()
	sizer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > int64(biggest) {
			biggest = int(r.ContentLength)
		}
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer sizer.Close()
	c, err := pardot.New(pardot.WithBaseURL(sizer.URL), oauth(), pardot.WithMaxRequestBytes(16<<10), pardot.WithEngine(batch.Config{Concurrency: 1}))
	if err != nil {
		t.Fatal(err)
	}
	ps := people(50)
	for i := range ps {
		ps[i].Comments = strings.Repeat("é ", 300) // 2.4 KB once escaped
	}
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(50, 50, 0, 0))
	if biggest > 16<<10 || biggest < 12<<10 || rep.Requests < 8 {
		t.Errorf("biggest body %d bytes in %d requests; want full requests under 16 KiB", biggest, rep.Requests)
	}
}

// A create whose 2xx answer cannot be read may have been written: its
// records match both batch.ErrOutcomeUnknown and batch.ErrMalformedResponse,
// as in every vendor, and are not sent again.
func TestUnreadableCreateAnswerIsUnknownAndMalformed(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(1, fakekit.Malformed())
	c := newClient(t, srv, oauth(), pardot.WithBatchSize(5))
	rep, _ := c.Prospects().Create(context.Background(), slices.Values(people(5)))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Failed: 5})
	for _, o := range rep.Outcomes {
		if !errors.Is(o.Err, batch.ErrOutcomeUnknown) || !errors.Is(o.Err, batch.ErrMalformedResponse) || o.Attempts != 1 {
			t.Fatalf("record %d after %d sends: %v", o.Index, o.Attempts, o.Err)
		}
	}
}
