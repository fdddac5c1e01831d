package pardot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"slices"
)

// connectedApp is the fake's connected app for the client credentials flow.
func connectedApp(srv *pardottest.Server) *clientcredentials.Config {
	return &clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
}

// expireAfter returns a progress hook that ends every Salesforce session
// once n records are done.
func expireAfter(srv *pardottest.Server, n int) pardot.Option {
	var once atomic.Bool
	return withProgress(func(p batch.Progress) {
		if p.Done >= n && once.CompareAndSwap(false, true) {
			srv.ExpireSessions()
		}
	})
}

// recordingTokens wraps a TokenFunc and keeps every token it handed out.
type recordingTokens struct {
	fetch pardot.TokenFunc
	mu    sync.Mutex
	seen  []string
}

func (r *recordingTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	tok, err := r.fetch(ctx)
	if err == nil {
		r.mu.Lock()
		r.seen = append(r.seen, tok.AccessToken)
		r.mu.Unlock()
	}
	return tok, err
}

// TestSessionEndedMidRunRecovers: Salesforce's token has no expires_in,
// so only Pardot's code 184 tells that the session ended. The client gets
// one new token (shared by every worker), replays each refused request
// once, counts the replays as requests, and every prospect lands once.
func TestSessionEndedMidRunRecovers(t *testing.T) {
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprintf("concurrency %d", workers), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			tokens := &recordingTokens{fetch: connectedApp(srv).Token}
			c := newClient(t, srv, pardot.WithTokenFunc(tokens.Token, pardottest.BusinessUnitID),
				pardot.WithConcurrency(workers), pardot.WithLogger(logger), expireAfter(srv, 50))
			ps := people(400)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(400, 400, 0, 0))
			st := srv.Stats()
			if st.TokensIssued != 2 || len(tokens.seen) != 2 {
				t.Errorf("tokens issued %d (func called %d times), want 2: the first and one shared renewal", st.TokensIssued, len(tokens.seen))
			}
			if rep.Requests != st.Requests {
				t.Errorf("report counts %d requests, the server saw %d", rep.Requests, st.Requests)
			}
			if workers == 1 && (rep.Requests != 9 || rep.Retries != 1) {
				t.Errorf("requests %d, retries %d; want 9 and 1 (8 chunks + one replay)", rep.Requests, rep.Retries)
			}
			checkLandedOnce(t, srv, rep, ps)
			for _, tok := range tokens.seen {
				if strings.Contains(logs.String(), tok) {
					t.Errorf("an access token leaked into the log:\n%s", logs.String())
				}
			}
			if !strings.Contains(logs.String(), "session refused") {
				t.Errorf("the renewal was not logged:\n%s", logs.String())
			}
		})
	}
}

// TestSessionEndedWithoutNewTokenStopsRun: when no new token comes (a
// TokenSource that caches, as oauth2.ReuseTokenSource does; a static
// token; a token endpoint that refuses) the request is not replayed and
// the run stops with the rest not attempted, instead of failing chunk
// after chunk.
func TestSessionEndedWithoutNewTokenStopsRun(t *testing.T) {
	for _, tc := range []struct {
		name     string
		auth     func(srv *pardottest.Server) pardot.Option
		requests int // batch requests the server sees
	}{
		{"caching TokenSource", func(srv *pardottest.Server) pardot.Option {
			return pardot.WithTokenSource(connectedApp(srv).TokenSource(context.Background()), pardottest.BusinessUnitID)
		}, 2},
		{"static token", func(*pardottest.Server) pardot.Option { return oauth() }, 2},
		{"token endpoint refuses the renewal", func(srv *pardottest.Server) pardot.Option {
			app := connectedApp(srv)
			var calls atomic.Int64
			return pardot.WithTokenFunc(func(ctx context.Context) (*oauth2.Token, error) {
				if calls.Add(1) > 1 {
					app.ClientSecret = "revoked" // the connected app's secret was rotated
				}
				return app.Token(ctx)
			}, pardottest.BusinessUnitID)
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, tc.auth(srv), pardot.WithConcurrency(1), expireAfter(srv, 50))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(400)))
			checkRun(t, rep, err, counts(400, 50, 0, 350))
			var pe *pardot.Error
			if !errors.Is(err, batch.ErrUnauthorized) || !errors.As(err, &pe) || !pe.StopRun() {
				t.Errorf("err %v: want a *pardot.Error matching ErrAuth that stops the run", err)
			}
			if st := srv.Stats(); st.Requests != tc.requests || rep.Requests != st.Requests {
				t.Errorf("server saw %d batch requests, report counts %d; want %d", st.Requests, rep.Requests, tc.requests)
			}
			if srv.Len() != 50 {
				t.Errorf("stored %d", srv.Len())
			}
		})
	}
}

// TestSessionRefusedAfterRenewalStopsRun: a new token earns one replay;
// a second 184 (for instance "Invalid scope": the connected app lacks
// pardot_api) stops the run.
func TestSessionRefusedAfterRenewalStopsRun(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(3, pardottest.ErrorCode(code(pardot.CodeInvalidAccessToken)))
	c := newClient(t, srv, pardot.WithTokenFunc(connectedApp(srv).Token, pardottest.BusinessUnitID), pardot.WithConcurrency(1))
	rep, err := c.Prospects().Upsert(context.Background(), slices.Values(people(120)))
	checkRun(t, rep, err, counts(120, 0, 0, 120))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAccessToken || !pe.StopRun() {
		t.Errorf("err %v: want code 184 stopping the run", err)
	}
	if st := srv.Stats(); st.Requests != 2 || st.TokensIssued != 2 || rep.Requests != 2 || rep.Retries != 1 {
		t.Errorf("server: %d requests, %d tokens; report: %d requests, %d retries; want 2, 2, 2, 1",
			st.Requests, st.TokensIssued, rep.Requests, rep.Retries)
	}
}

// TestRetiredLegacyLogin: Pardot's own login was retired on 2021-02-15.
// A client that still uses it warns once in the log, and a refused login
// (the usual reason now: the user must sign in through Salesforce) stops
// the run, nothing sent, with an error that points to Salesforce OAuth.
func TestRetiredLegacyLogin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(*pardottest.Server)
		option pardot.Option
	}{
		{"retired for the account", (*pardottest.Server).RetireLegacyLogin, legacy()},
		{"refused credentials", func(*pardottest.Server) {}, pardot.WithLegacyLogin(pardottest.Email, "wrong", pardottest.UserKey)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			tc.setup(srv)
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			c := newClient(t, srv, tc.option, pardot.WithLogger(logger), pardot.WithConcurrency(1))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkRun(t, rep, err, counts(120, 0, 0, 120))
			var pe *pardot.Error
			if !errors.As(err, &pe) || pe.Code != pardot.CodeLoginFailed || !errors.Is(err, batch.ErrUnauthorized) {
				t.Fatalf("err %v: want code 15 matching ErrAuth", err)
			}
			if !strings.Contains(pe.Message, "retired on 2021-02-15") || !strings.Contains(pe.Message, "WithTokenFunc") {
				t.Errorf("message %q does not point to Salesforce OAuth", pe.Message)
			}
			if n := strings.Count(logs.String(), "level=WARN msg=\"pardot: WithLegacyLogin is deprecated"); n != 1 {
				t.Errorf("%d deprecation warnings, want 1:\n%s", n, logs.String())
			}
			if st := srv.Stats(); st.Requests != 0 {
				t.Errorf("%d batch requests sent", st.Requests)
			}
		})
	}
}

// TestTokenFuncTokenKeptUntilExpiry: a token without Expiry (Salesforce's)
// or with one ahead is fetched once for the whole run; one already past
// its Expiry is fetched again for each request.
func TestTokenFuncTokenKeptUntilExpiry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		expiry time.Time
		tokens int
	}{
		{"no expiry", time.Time{}, 1},
		{"expiry ahead", time.Now().Add(time.Hour), 1},
		{"expired", time.Now().Add(-time.Hour), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			app := connectedApp(srv)
			fetch := func(ctx context.Context) (*oauth2.Token, error) {
				tok, err := app.Token(ctx)
				if err == nil {
					tok.Expiry = tc.expiry
				}
				return tok, err
			}
			c := newClient(t, srv, pardot.WithTokenFunc(fetch, pardottest.BusinessUnitID), pardot.WithConcurrency(1))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkRun(t, rep, err, counts(120, 120, 0, 0))
			if st := srv.Stats(); st.TokensIssued != tc.tokens || st.Requests != 3 {
				t.Errorf("tokens issued %d for %d requests, want %d for 3", st.TokensIssued, st.Requests, tc.tokens)
			}
		})
	}
}
