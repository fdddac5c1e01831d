package pardot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"golang.org/x/oauth2"
	"slices"
)

func TestExpiredKeyMidRunReLogsInOnce(t *testing.T) {
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprintf("concurrency %d", workers), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			var once atomic.Bool
			c := newClient(t, srv, legacy(), pardot.WithConcurrency(workers),
				withProgress(func(p batch.Progress) {
					if p.Done >= 50 && once.CompareAndSwap(false, true) {
						srv.ExpireAPIKeys()
					}
				}))
			ps := people(400)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(400, 400, 0, 0))
			if st := srv.Stats(); st.Logins != 2 {
				t.Errorf("logins = %d, want 2 (initial and one shared after expiry)", st.Logins)
			}
			if got := srv.Stats().Requests; rep.Requests != got {
				t.Errorf("report counts %d requests, the server saw %d", rep.Requests, got)
			}
			if workers == 1 && (rep.Requests != 9 || rep.Retries != 1) {
				t.Errorf("requests %d, retries %d; want 9 and 1 (8 chunks + one replay)", rep.Requests, rep.Retries)
			}
			if srv.Len() != 400 {
				t.Errorf("stored %d", srv.Len())
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestInvalidKeyTwiceStopsRun: code 1 earns exactly one fresh login (or
// token); when that gives back the refused credential (a login within the
// key's hour returns the same api_key; a static token stays the same) the
// request is not replayed and the run stops.
func TestInvalidKeyTwiceStopsRun(t *testing.T) {
	for _, tc := range []struct {
		name         string
		auth         pardot.Option
		logins, reqs int
	}{
		{"legacy: one re-login, same key, no replay", legacy(), 2, 1},
		{"oauth: same static token, no replay", oauth(), 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.FailNext(3, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
			c := newClient(t, srv, tc.auth, pardot.WithConcurrency(1))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkRun(t, rep, err, counts(120, 0, 0, 120))
			var pe *pardot.Error
			if !errors.Is(err, batch.ErrUnauthorized) || !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAPIKey {
				t.Errorf("err %v: want code 1 matching ErrAuth", err)
			}
			if st := srv.Stats(); st.Logins != tc.logins || st.Requests != tc.reqs {
				t.Errorf("logins %d, batch requests %d; want %d and %d", st.Logins, st.Requests, tc.logins, tc.reqs)
			}
			if rep.Requests != 1 || rep.Retries != 0 {
				t.Errorf("engine requests %d, retries %d; want 1 and 0 (no replay)", rep.Requests, rep.Retries)
			}
			if srv.Len() != 0 {
				t.Errorf("stored %d", srv.Len())
			}
		})
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A wrong password: login fails and stops the run.
	c := newClient(t, srv, pardot.WithLegacyLogin(pardottest.Email, "s3cret-Passw0rd", pardottest.UserKey), pardot.WithLogger(logger))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 0, 0, 3))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeLoginFailed {
		t.Errorf("err = %v, want code 15", err)
	}
	// A good login whose key then fails twice, with logging.
	c = newClient(t, srv, legacy(), pardot.WithLogger(logger))
	if _, err := c.Prospects().Create(context.Background(), slices.Values(people(1))); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(2, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
	srv.ExpireAPIKeys()
	_, err2 := c.Prospects().Create(context.Background(), slices.Values(people(2)))
	// An OAuth client through a refused request and a server error.
	srv.FailNext(1, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
	_, err3 := newClient(t, srv, oauth(), pardot.WithLogger(logger)).Prospects().Create(context.Background(), slices.Values(people(2)))
	srv.FailNext(1, fakekit.Status(500))
	_, err4 := newClient(t, srv, oauth(), pardot.WithLogger(logger)).Prospects().Upsert(context.Background(), slices.Values(people(2)))
	if err3 == nil || err4 != nil {
		t.Errorf("OAuth runs: %v, %v; want a code 1 failure, then a retried success", err3, err4)
	}
	text := logs.String() + fmt.Sprint(err) + fmt.Sprint(err2) + fmt.Sprint(err3) + fmt.Sprintf("%+v %#v", pe, pe)
	for _, secret := range []string{"s3cret-Passw0rd", pardottest.Password, pardottest.UserKey, pardottest.AccessToken} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %q leaked:\n%s", secret, text)
		}
	}
	if k := regexp.MustCompile(`[0-9a-f]{32}`).FindString(text); k != "" {
		t.Errorf("an api key (%s) leaked:\n%s", k, text)
	}
	if !strings.Contains(logs.String(), "httpx: response") {
		t.Errorf("logger saw no request lines; the test proves nothing:\n%s", logs.String())
	}
}

func TestOAuthHeadersChecked(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, pardot.WithToken(pardottest.AccessToken, "0Uv000000000009ZZZ"))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 0, 0, 3))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAuthMechanism {
		t.Errorf("err %v, want code 126 for a wrong business unit", err)
	}
}

// flakyTokens fails its first n calls with err, then hands out the fake's
// access token.
type flakyTokens struct {
	n   atomic.Int64
	err error
}

func (f *flakyTokens) Token() (*oauth2.Token, error) {
	if f.n.Add(-1) >= 0 {
		return nil, f.err
	}
	return &oauth2.Token{AccessToken: pardottest.AccessToken, TokenType: "Bearer"}, nil
}

// TestOAuthTokenSourceFailures: a token endpoint that is down is tried
// again; one that refuses the credentials stops the run, nothing sent.
func TestOAuthTokenSourceFailures(t *testing.T) {
	refused := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}
	for _, tc := range []struct {
		name         string
		err          error
		ok, notTried int
	}{
		{"network error is retried", errors.New("dial tcp: connection refused"), 120, 0},
		{"refused grant stops the run", refused, 0, 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			ts := &flakyTokens{err: tc.err}
			ts.n.Store(2)
			c := newClient(t, srv, pardot.WithTokenSource(ts, pardottest.BusinessUnitID), pardot.WithConcurrency(1))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkRun(t, rep, err, counts(120, tc.ok, 0, tc.notTried))
			if srv.Len() != tc.ok || (tc.ok == 0 && srv.Stats().Requests != 0) {
				t.Errorf("stored %d after %d requests, want %d", srv.Len(), srv.Stats().Requests, tc.ok)
			}
		})
	}
}
