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
	"net/url"
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

// TestNoStatusIsRetried: every answer goes back to the vendor on the first
// try, whatever its status; status retries are the engine's.
func TestNoStatusIsRetried(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504, 400, 401} {
		for _, idempotent := range []bool{false, true} {
			srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(status)
			})
			c := fastClient(t, Config{})
			resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("x"), Idempotent: idempotent})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != status || count.Load() != 1 || resp.Attempts != 1 {
				t.Errorf("%d (idempotent %v): status %d after %d requests; want it handed back after 1", status, idempotent, resp.StatusCode, count.Load())
			}
			if resp.RetryAfter != 7*time.Second {
				t.Errorf("%d: RetryAfter = %v, want 7s", status, resp.RetryAfter)
			}
		}
	}
}

// TestThrottlingKeepsTheConnection: a burst of 429s and 503s is answered on
// one kept-alive connection; nothing closes the transport's idle ones.
func TestThrottlingKeepsTheConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader([]int{429, 503, 200}[len(r.URL.Query().Get("n"))%3])
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := fastClient(t, Config{})
	for i := range 60 {
		resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "?n=" + strings.Repeat("x", i), Body: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		_ = resp
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 60 requests answered 429/503/200 one after another; want 1", n)
	}
}

func TestWriteThatMayHaveArrivedIsNotReplayed(t *testing.T) {
	for _, idempotent := range []bool{false, true} {
		srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) { dropAfterReading(w, r) })
		c := fastClient(t, Config{})
		_, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte("create me"), Idempotent: idempotent})
		var te *TransportError
		if !errors.As(err, &te) || !te.MaybeSent {
			t.Fatalf("err = %v, want a *TransportError that may have been sent", err)
		}
		if te.OutcomeUnknown() == idempotent || te.Retryable() != idempotent {
			t.Errorf("idempotent %v: OutcomeUnknown %v Retryable %v", idempotent, te.OutcomeUnknown(), te.Retryable())
		}
		if count.Load() != 1 {
			t.Errorf("%d requests; a request that may have arrived is never replayed here", count.Load())
		}
	}
}

func TestRequestThatNeverArrivedIsRetriedThenReported(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c := fastClient(t, Config{DialRetries: 2})
	_, err = c.Do(context.Background(), &Request{Method: "POST", URL: "http://" + addr + "/x", Body: []byte("x")})
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TransportError", err)
	}
	if te.Attempts != 3 || te.MaybeSent || !te.Retryable() || te.OutcomeUnknown() {
		t.Errorf("TransportError %+v: want 3 attempts, never sent, retryable", te)
	}
}

// TestRedirects: a same-host redirect is followed; a redirect to another
// host is handed back unfollowed, so the other host sees nothing of ours.
func TestRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) })
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
		case "/other":
			http.Redirect(w, r, other.URL+"/steal?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
		case "/final":
			io.Copy(w, r.Body)
		}
	})
	c := fastClient(t, Config{})
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/same", Body: []byte("body")})
	if err != nil || resp.StatusCode != 200 || string(resp.Body) != "body" {
		t.Fatalf("same host: %v %v", resp, err)
	}
	resp, err = c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/other?api_key=k-123456", Header: http.Header{"Apikey": {"k-123456"}}, Body: []byte("password=p")})
	if err != nil || resp.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("other host: %v %v; want the 307 back", resp, err)
	}
	if elsewhere.Load() != 0 {
		t.Error("the request followed a redirect to another host")
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

func TestContextCancelEndsTheCall(t *testing.T) {
	release := make(chan struct{})
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := fastClient(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, &Request{Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
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
		password = "hunter2/se cret+&="
	)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) { dropAfterReading(w, r) })
	c := fastClient(t, Config{Logger: logger, Secrets: NewSecrets(password, apiKey)})
	var errs []string
	for _, idem := range []bool{false, true} {
		_, err := c.Do(context.Background(), &Request{
			Method: "POST",
			URL:    srv.URL + "/api?apiKey=" + apiKey + "&user_key=" + userKey + "&fTemplateId=7",
			Header: http.Header{"Authorization": {"Bearer " + token}},
			Body:   []byte("password=" + url.QueryEscape(password)), Idempotent: idem,
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

	_, err = c.Do(context.Background(), &Request{Method: "GET", URL: "http://127.0.0.1:1/p/" + url.PathEscape(password) + "?q=" + url.QueryEscape(password)})
	errs = append(errs, err.Error())

	all := logs.String() + strings.Join(errs, "\n")
	if logs.Len() == 0 {
		t.Fatal("nothing was logged: the test proves nothing")
	}
	if !strings.Contains(all, "fTemplateId=7") {
		t.Error("non-secret parameters were lost from the logs")
	}
	for _, s := range []string{apiKey, userKey, token, password, url.QueryEscape(password), url.PathEscape(password)} {
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
	var te *TransportError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &te) || !te.OutcomeUnknown() {
		t.Errorf("err = %v; want DeadlineExceeded and a TransportError whose outcome is unknown", err)
	}
}

// TestStreamedBodyAndOwnTimeout: a body opened by BodyFrom reaches the
// server whole with its Content-Length, and a request's own Timeout
// replaces a client timeout too short for it.
func TestStreamedBodyAndOwnTimeout(t *testing.T) {
	type seen struct {
		body   string
		length int64
	}
	second := make(chan seen, 1)
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if n == 1 {
			second <- seen{string(b), r.ContentLength}
		}
		time.Sleep(100 * time.Millisecond) // longer than the client's timeout
	})
	c := fastClient(t, Config{Timeout: 20 * time.Millisecond})
	const payload = "head,file contents,tail"
	req := &Request{Method: "POST", URL: srv.URL, ContentLength: int64(len(payload)),
		BodyFrom: func() (io.Reader, error) { return strings.NewReader(payload), nil }}
	if _, err := c.Do(context.Background(), req); err == nil {
		t.Fatal("the client's 20 ms timeout did not apply")
	}
	req.Timeout = 10 * time.Second
	resp, err := c.Do(context.Background(), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("with its own timeout: %v %v", resp, err)
	}
	if got := <-second; got.body != payload || got.length != int64(len(payload)) {
		t.Errorf("server read %q (Content-Length %d), want %q (%d)", got.body, got.length, payload, len(payload))
	}
}
