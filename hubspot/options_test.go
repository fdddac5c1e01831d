package hubspot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tok := WithToken("tok-123456")
	cases := []struct {
		name    string
		opts    []Option
		wantErr string
	}{
		{"no credentials", nil, "no credentials"},
		{"both credentials", []Option{tok, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))}, "exclusive"},
		{"empty token", []Option{WithToken(" ")}, "empty token"},
		{"token with newline", []Option{WithToken("a\nb")}, "token contains a control character"},
		{"nil token source", []Option{WithTokenSource(nil)}, "nil token source"},
		{"relative base URL", []Option{tok, WithBaseURL("api.hubapi.com")}, "absolute"},
		{"base URL with query", []Option{tok, WithBaseURL("https://x.test/?hapikey=secret")}, "query"},
		{"nil http client", []Option{tok, WithHTTPClient(nil)}, "nil *http.Client"},
		{"nil option", []Option{tok, nil}, "option 1 is nil"},
		{"batch size 0", []Option{tok, WithBatchSize(0)}, "not in 1..100"},
		// "Object API batch endpoints are limited to 100 inputs per request"
		{"batch size over HubSpot's 100", []Option{tok, WithBatchSize(101)}, "not in 1..100 (the vendor's documented limit)"},
		{"batch size at HubSpot's 100", []Option{tok, WithBatchSize(100)}, ""},
		{"concurrency -1", []Option{tok, WithEngine(batch.Config{Concurrency: -1})}, "not in 0..256"},
		{"concurrency too big", []Option{tok, WithEngine(batch.Config{Concurrency: 257})}, "not in 0..256"},
		{"concurrency at the cap", []Option{tok, WithEngine(batch.Config{Concurrency: 256})}, ""},
		{"negative retry", []Option{tok, WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: -1}})}, "negative"},
		{"bad keep", []Option{tok, WithEngine(batch.Config{Keep: batch.Keep(9)})}, "unknown"},
		{"zero timeout", []Option{tok, WithTimeout(0)}, "must be positive"},
		{"timeout and http.Client", []Option{tok, WithTimeout(time.Second), WithHTTPClient(&http.Client{})}, "WithTimeout and WithHTTPClient together"},
		{"tiny request size", []Option{tok, WithMaxRequestBytes(10)}, "below 1024"},
		{"negative locked wait", []Option{tok, WithLockedWait(-time.Second)}, "negative"},
		{"ok", []Option{tok, WithEngine(batch.Config{Keep: batch.KeepFailures, OnProgress: func(batch.Progress) {}}),
			WithBaseURL("https://api.hubapi.test/"), WithBatchSize(50), WithEngine(batch.Config{Concurrency: 8}),
			WithHTTPClient(&http.Client{Timeout: time.Second}), WithEngine(batch.Config{Logger: slog.New(slog.DiscardHandler)}), WithEngine(batch.Config{Limiter: BurstLimiter(100)}),
			WithAPIVersion("2026-03"), WithLockedWait(time.Second), WithMaxRequestBytes(1 << 20)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts...)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(WithToken("tok-123456"))
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.BaseURL != DefaultBaseURL || c.cfg.BatchSize != 100 || c.cfg.lockedWait != 2*time.Second || c.cfg.Engine.Concurrency != 1 ||
		c.cfg.MaxRequestBytes != DefaultMaxRequestBytes || c.cfg.objectsPath != "/crm/objects/2026-09" {
		t.Errorf("defaults: %+v", c.cfg)
	}
	if c.cfg.Engine.Retry != (batch.RetryPolicy{}) || c.cfg.Engine.Keep != batch.KeepAll {
		t.Errorf("engine defaults: %+v", c.cfg.Engine)
	}
	if rl := c.RateLimit(); rl.Max != -1 || rl.DailyRemaining != -1 || !rl.Seen.IsZero() {
		t.Errorf("RateLimit before any answer: %+v", rl)
	}
	a, b := c.nextTraceID(), c.nextTraceID()
	c2, _ := New(WithToken("tok-123456"))
	if a == b || a == c2.nextTraceID() {
		t.Errorf("trace ids repeat: %s %s", a, b)
	}
}

// countingSource hands out a new access token per call.
type countingSource struct{ n atomic.Int32 }

func (s *countingSource) Token() (*oauth2.Token, error) {
	s.n.Add(1)
	return &oauth2.Token{AccessToken: hubspottest.DefaultToken, Expiry: time.Now().Add(time.Hour)}, nil
}

func TestTokenSource(t *testing.T) {
	srv := newFake(t)
	src := &countingSource{}
	c, err := New(WithBaseURL(srv.BaseURL()), WithTokenSource(src), WithBatchSize(10))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(25, "ts")))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 25, Succeeded: 25, Failed: 0, NotAttempted: 0})
	if src.n.Load() != 3 {
		t.Errorf("token asked %d times, want once per request (3)", src.n.Load())
	}
}

// failingSource fails as its err says, counting its calls.
type failingSource struct {
	err   error
	calls atomic.Int32
}

func (f *failingSource) Token() (*oauth2.Token, error) {
	f.calls.Add(1)
	return nil, f.err
}

// A token endpoint refusing the grant stops the run with nothing sent;
// one that cannot be reached is asked again as the retry policy allows
// (vendorkit.TokenClass, the rule of every vendor). No secret of the
// endpoint's answer shows.
func TestTokenSourceFailureStopsRun(t *testing.T) {
	t.Parallel()
	refused := &oauth2.RetrieveError{Response: &http.Response{StatusCode: http.StatusBadRequest}, ErrorCode: "invalid_grant",
		Body: []byte(`{"error":"invalid_grant","refresh_token":"rt-very-secret"}`)}
	for _, tc := range []struct {
		name  string
		err   error
		stops bool
	}{
		{"refused grant stops the run", refused, true},
		{"unreachable endpoint is retried", errors.New("dial tcp: connection refused"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			src := &failingSource{err: tc.err}
			c, err := New(WithBaseURL(srv.BaseURL()), WithTokenSource(src), WithBatchSize(10),
				WithEngine(batch.Config{Concurrency: 1, Retry: testkit.FastRetry(3)}))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(25, "tf")))
			if tc.stops {
				checkStopped(t, rep, 25, 0, 0)
				if !errors.Is(err, batch.ErrUnauthorized) || src.calls.Load() != 1 {
					t.Errorf("err %v after %d calls, want ErrUnauthorized after 1", err, src.calls.Load())
				}
			} else {
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 25, Failed: 25})
				// Retried (more calls than the 3 first chunks), each record at
				// most 3 times (at most 9 calls, however retries are packed).
				if calls := src.calls.Load(); !errors.Is(err, batch.ErrUnavailable) || calls <= 3 || calls > 9 {
					t.Errorf("err %v after %d calls, want ErrUnavailable after 4 to 9", err, calls)
				}
				for _, o := range rep.Outcomes {
					if o.Attempts != 3 {
						t.Fatalf("record %d tried %d times, want 3", o.Index, o.Attempts)
					}
				}
			}
			if err == nil || strings.Contains(err.Error(), "rt-very-secret") || !strings.Contains(err.Error(), "getting a token") {
				t.Errorf("err = %v", err)
			}
			if srv.Stats().Requests != 0 {
				t.Error("a request went out without a token")
			}
		})
	}
}
