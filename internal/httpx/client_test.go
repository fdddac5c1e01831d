package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// server answers the n-th request (from 0) with handler(n, w, r) and counts them.
func server(t *testing.T, handler func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(count.Add(1)) - 1
		handler(n, w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func fastClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.RetryWaitMin = time.Millisecond
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 50 * time.Millisecond
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dropAfterReading reads the request fully, then closes the connection
// without answering: the request certainly reached the server.
func dropAfterReading(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestStatusRetries(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		idempotent   bool
		wantRequests int
		wantStatus   int
	}{
		{"503 is retried for a write", 503, false, 3, 200},
		{"429 is retried for a write", 429, false, 3, 200},
		{"502 is not replayed for a write", 502, false, 1, 502},
		{"504 is not replayed for a write", 504, false, 1, 504},
		{"502 is retried when idempotent", 502, true, 3, 200},
		{"500 is never retried here", 500, true, 1, 500},
		{"400 is not retried", 400, true, 1, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n < 2 {
					w.WriteHeader(tt.status)
					return
				}
				io.WriteString(w, "ok")
			})
			c := fastClient(t, Config{})
			resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("x"), Idempotent: tt.idempotent})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus || int(count.Load()) != tt.wantRequests || resp.Attempts != tt.wantRequests {
				t.Errorf("status %d after %d requests (attempts %d); want %d after %d", resp.StatusCode, count.Load(), resp.Attempts, tt.wantStatus, tt.wantRequests)
			}
		})
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	t.Run("short wait is made", func(t *testing.T) {
		var first time.Time
		var gap time.Duration
		srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 0 {
				first = time.Now()
				w.Header().Set("Retry-After", "0.08")
				w.WriteHeader(429)
				return
			}
			gap = time.Since(first)
		})
		c := fastClient(t, Config{RetryWaitMax: time.Second})
		resp, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		if gap < 80*time.Millisecond {
			t.Errorf("retried after %v, server asked 80ms", gap)
		}
	})
	t.Run("long wait is handed back", func(t *testing.T) {
		srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
		})
		c := fastClient(t, Config{})
		resp, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL})
		if err != nil || resp.StatusCode != 429 || count.Load() != 1 {
			t.Fatalf("resp %v err %v after %d requests; want the 429 back at once", resp, err, count.Load())
		}
		if resp.Header.Get("Retry-After") != "3600" {
			t.Error("Retry-After header lost")
		}
	})
}

func TestWriteThatMayHaveArrivedIsNotReplayed(t *testing.T) {
	srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) { dropAfterReading(w, r) })
	c := fastClient(t, Config{})
	_, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("create me")})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	var te *TransportError
	if !errors.As(err, &te) || te.Retryable() || !te.MaybeSent {
		t.Errorf("TransportError %+v: want MaybeSent and not retryable", te)
	}
	if count.Load() != 1 {
		t.Errorf("%d requests; a write that may have arrived must not be replayed", count.Load())
	}
}

func TestIdempotentRequestIsReplayedAfterDrop(t *testing.T) {
	srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			dropAfterReading(w, r)
			return
		}
		io.WriteString(w, "done")
	})
	c := fastClient(t, Config{})
	resp, err := c.Do(context.Background(), &Request{Method: "PUT", URL: srv.URL, Body: []byte("upsert"), Idempotent: true})
	if err != nil || string(resp.Body) != "done" || count.Load() != 2 {
		t.Fatalf("resp %v err %v requests %d", resp, err, count.Load())
	}
}

func TestRequestThatNeverArrivedIsRetriedThenReported(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c := fastClient(t, Config{RetryMax: 2})
	_, err = c.Do(context.Background(), &Request{Method: "POST", URL: "http://" + addr + "/x", Body: []byte("x")})
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TransportError", err)
	}
	if te.Attempts != 3 || te.MaybeSent || !te.Retryable() || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("TransportError %+v: want 3 attempts, never sent, retryable", te)
	}
}

func TestRetryOnResponseHook(t *testing.T) {
	srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.WriteHeader(400)
			io.WriteString(w, `{"code":109}`)
			return
		}
		io.WriteString(w, `{"code":0}`)
	})
	var seen []byte
	c := fastClient(t, Config{RetryOnResponse: func(status int, h http.Header, body []byte) bool {
		seen = body
		return status == 400 && bytes.Contains(body, []byte("109"))
	}})
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("{}")})
	if err != nil || string(resp.Body) != `{"code":0}` || count.Load() != 2 {
		t.Fatalf("resp %q err %v requests %d", resp.Body, err, count.Load())
	}
	if string(seen) != `{"code":109}` {
		t.Errorf("hook saw %q", seen)
	}
}

func TestBodyCap(t *testing.T) {
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("a"), 2048))
	})
	c := fastClient(t, Config{MaxBodyBytes: 1024})
	if _, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL}); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
	c = fastClient(t, Config{MaxBodyBytes: 2048})
	if resp, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL}); err != nil || len(resp.Body) != 2048 {
		t.Fatalf("body at the cap: %v", err)
	}
}

func TestHeadersAndUserAgent(t *testing.T) {
	var got http.Header
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() })
	c := fastClient(t, Config{})
	_, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL, Header: http.Header{"Accept": {"application/xml"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("User-Agent") != "crmbatch/"+Version+" (+Go)" || got.Get("Accept") != "application/xml" {
		t.Errorf("headers %v", got)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c, err := New(Config{RetryMax: 50, RetryWaitMin: time.Second, RetryWaitMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Do(ctx, &Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 900*time.Millisecond {
		t.Errorf("took %v after the deadline", el)
	}
}

func TestMinTimeout(t *testing.T) {
	if _, err := New(Config{Timeout: 30 * time.Second, MinTimeout: 61 * time.Second}); err == nil {
		t.Error("a timeout under the vendor minimum was accepted")
	}
	if _, err := New(Config{HTTPClient: &http.Client{Timeout: time.Second}, MinTimeout: 61 * time.Second}); err == nil {
		t.Error("an http.Client timeout under the vendor minimum was accepted")
	}
	c, err := New(Config{MinTimeout: 61 * time.Second})
	if err != nil || c.HTTPClient().Timeout <= 61*time.Second {
		t.Errorf("default timeout with a minimum: %v %v", c.HTTPClient().Timeout, err)
	}
}

// TestSecretsNeverLogged drives every path that logs or errors (retries,
// a refused connection, a dropped write) with secrets in the query, the
// headers and the body, and checks that none reaches a log line or an
// error string.
func TestSecretsNeverLogged(t *testing.T) {
	const (
		apiKey   = "AK-7f3c9e1b2d4a"
		userKey  = "UK-0a1b2c3d4e5f"
		token    = "tok-9988776655"
		password = "hunter2-secret"
	)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n%2 == 0 {
			w.WriteHeader(503)
			return
		}
		dropAfterReading(w, r)
	})
	c := fastClient(t, Config{Logger: logger, Secrets: []string{password}})
	var errs []string
	for _, idem := range []bool{false, true} {
		_, err := c.Do(context.Background(), &Request{
			Method: "POST",
			URL:    srv.URL + "/api?apiKey=" + apiKey + "&user_key=" + userKey + "&fTemplateId=7",
			Header: http.Header{"Authorization": {"Bearer " + token}},
			Body:   []byte("password=" + password), Idempotent: idem,
		})
		if err == nil {
			t.Fatal("want an error")
		}
		errs = append(errs, err.Error())
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err := c.Do(context.Background(), &Request{Method: "GET", URL: "http://" + addr + "/x?key=" + apiKey + "&token=" + token})
	errs = append(errs, err.Error())
	_, err = c.Do(context.Background(), &Request{Method: "GET", URL: "http://[::1:bad/x?api_key=" + apiKey})
	errs = append(errs, err.Error())

	all := logs.String() + strings.Join(errs, "\n")
	if logs.Len() == 0 {
		t.Fatal("nothing was logged: the test proves nothing")
	}
	if !strings.Contains(all, "fTemplateId=7") {
		t.Error("non-secret parameters were lost from the logs")
	}
	for _, s := range []string{apiKey, userKey, token, password} {
		if strings.Contains(all, s) {
			t.Errorf("secret %q leaked:\n%s", s, all)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"10", 10 * time.Second, true},
		{" 1.5 ", 1500 * time.Millisecond, true},
		{"-3", 0, true},
		{"Sun, 22 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sun, 22 Nov 2026 11:00:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h/x?apiKey=abc&fCampaignId=3", "https://h/x?apiKey=REDACTED&fCampaignId=3"},
		{"POST https://h/x?key=abc&b=1: dial tcp", "POST https://h/x?key=REDACTED&b=1: dial tcp"},
		{"Authorization: Pardot api_key=k1, user_key=u2", "Authorization: Pardot REDACTED, user_key=REDACTED"},
		{"Authorization: Bearer eyJhbGci", "Authorization: Bearer REDACTED"},
		{`{"client_secret":"s3cr3t","client_id":"app"}`, `{"client_secret":"REDACTED","client_id":"app"}`},
		{"password=pw&email=a@b.c", "password=REDACTED&email=a@b.c"},
		{"nothing secret here: monkey=1", "nothing secret here: monkey=1"},
	}
	for _, tt := range tests {
		if got := RedactString(tt.in); got != tt.want {
			t.Errorf("RedactString(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := RedactString("value is LITERAL-SECRET", "LITERAL-SECRET"); got != "value is REDACTED" {
		t.Errorf("literal secret: %q", got)
	}
	h := RedactHeader(http.Header{"Authorization": {"Bearer x"}, "Apikey": {"k"}, "Accept": {"a"}})
	want := http.Header{"Authorization": {Redacted}, "Apikey": {Redacted}, "Accept": {"a"}}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("RedactHeader (-want +got):\n%s", diff)
	}
}

func TestCancelledWriteInFlightIsOutcomeUnknown(t *testing.T) {
	release := make(chan struct{})
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-release
	})
	defer close(release)
	c := fastClient(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, &Request{Method: "POST", URL: srv.URL, Body: []byte("create")})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v; want both DeadlineExceeded and ErrOutcomeUnknown", err)
	}
}
