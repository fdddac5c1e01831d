// Package httpx is the one HTTP stack every crmbatch vendor uses, built on
// go-retryablehttp. It has one job: send a request and hand back the whole
// response, whatever its status. It retries only what provably never reached
// the server (DNS, dial, TLS, a connection refused before the request was
// written); every status-based retry (429, 503, 5xx, a vendor's busy code) is
// the batch engine's, so that RetryPolicy.MaxAttempts is the number of times
// a record is sent. It caps response bodies, parses Retry-After, never
// follows a redirect to another host (so no credential travels there), never
// closes the process's idle connections, and scrubs every error and log line
// through the client's Secrets registry.
package httpx

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is crmbatch's version, sent in the User-Agent.
const Version = "0.2.0"

// UserAgent is sent on every request.
const UserAgent = "crmbatch/" + Version + " (+Go)"

// DefaultMaxBodyBytes caps a response body unless Config says otherwise.
const DefaultMaxBodyBytes = 32 << 20

// maxRedirects is how many same-host redirects a request follows.
const maxRedirects = 10

// Config configures a Client. Zero fields take the defaults shown.
type Config struct {
	// HTTPClient is copied (never changed) when set, and its own Timeout
	// bounds each attempt (0: none; the context still bounds each call);
	// a Timeout shorter than MinTimeout is an error from New. Unset: a new
	// client with Timeout.
	HTTPClient *http.Client
	// Timeout of a single attempt; default 30 s.
	Timeout time.Duration
	// MinTimeout is the vendor's floor for the per-attempt timeout (Noojee
	// needs more than 60 s). A shorter Timeout is an error from New.
	MinTimeout time.Duration
	// DialRetries is how many more times a request that never reached the
	// server (DNS, dial, TLS, refused before it was written) is tried;
	// default 2, negative none. Nothing that may have reached the server is
	// ever retried here.
	DialRetries int
	// MaxBodyBytes caps a response body; default 32 MiB.
	MaxBodyBytes int64
	// Logger receives request lines at debug level, redacted; nil discards.
	Logger *slog.Logger
	// Secrets is the client's registry of secret values, scrubbed from
	// every log line and error; nil scrubs only secret-named parameters.
	Secrets *Secrets
}

// Client sends requests. It is safe for concurrent use.
type Client struct {
	rc      *retryablehttp.Client
	cfg     Config
	maxBody int64
	secrets *Secrets
}

// Request is one HTTP request.
type Request struct {
	Method string
	// URL is absolute. Secrets must not be put in it unless a vendor
	// requires it; they are redacted from logs and errors all the same.
	URL    string
	Header http.Header
	Body   []byte
	// BodyFrom, when set instead of Body, opens the body anew for each
	// attempt: a large upload read from a file as it is sent, never held in
	// memory. ContentLength is its size in bytes.
	BodyFrom      func() (io.Reader, error)
	ContentLength int64
	// Timeout, when > 0, bounds this request instead of the client's
	// timeout (an upload whose size sets how long it may take).
	Timeout time.Duration
	// Idempotent marks a request that is safe to send again even if it may
	// have reached the server (a read, an update or upsert by key, a write
	// with an idempotency handle). httpx itself never replays such a
	// request; the flag travels on a TransportError so the engine can.
	Idempotent bool
}

// Response is a fully read response. Any status is returned as a Response;
// the vendor decides what it means.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// RetryAfter is the server's Retry-After (seconds or an HTTP date), 0
	// when absent or malformed.
	RetryAfter time.Duration
	// Attempts is how many times the request was tried (dial retries
	// included: only the last one reached the server).
	Attempts int
}

// New builds a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
		if cfg.MinTimeout > cfg.Timeout {
			cfg.Timeout = cfg.MinTimeout + 30*time.Second
		}
	}
	if cfg.MinTimeout > 0 && cfg.Timeout < cfg.MinTimeout {
		return nil, fmt.Errorf("httpx: timeout %v is shorter than the vendor's minimum %v", cfg.Timeout, cfg.MinTimeout)
	}
	if cfg.DialRetries == 0 {
		cfg.DialRetries = 2
	} else if cfg.DialRetries < 0 {
		cfg.DialRetries = 0
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var hc http.Client
	if cfg.HTTPClient == nil {
		hc = http.Client{Timeout: cfg.Timeout}
	} else {
		if cfg.MinTimeout > 0 && cfg.HTTPClient.Timeout != 0 && cfg.HTTPClient.Timeout < cfg.MinTimeout {
			return nil, fmt.Errorf("httpx: the http.Client's timeout %v is shorter than the vendor's minimum %v", cfg.HTTPClient.Timeout, cfg.MinTimeout)
		}
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = sameHostOnly(hc.CheckRedirect)
	c := &Client{cfg: cfg, maxBody: cfg.MaxBodyBytes, secrets: cfg.Secrets}
	c.rc = c.retrying(&hc)
	return c, nil
}

// retrying wraps hc in the go-retryablehttp client with httpx's policy.
func (c *Client) retrying(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         &slogAdapter{log: c.cfg.Logger, secrets: c.secrets},
		RetryWaitMin:   50 * time.Millisecond,
		RetryWaitMax:   time.Second,
		RetryMax:       c.cfg.DialRetries,
		CheckRetry:     checkRetry,
		Backoff:        retryablehttp.DefaultBackoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: requestHook,
	}
}

// sameHostOnly wraps a CheckRedirect so that a redirect to another host (or
// scheme, or port) is not followed: the redirect response itself is handed
// back, and no header, query value or body of ours travels there. A
// same-host redirect is followed, up to maxRedirects, then next decides.
func sameHostOnly(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// HTTPClient returns the underlying *http.Client (for gock.InterceptClient).
func (c *Client) HTTPClient() *http.Client { return c.rc.HTTPClient }

// Redact scrubs s of the client's registered secrets and of the values of
// secret-named parameters.
func (c *Client) Redact(s string) string { return c.secrets.Redact(s) }

// RedactError is Secrets.RedactError with the client's secrets.
func (c *Client) RedactError(err error) error { return c.secrets.RedactError(err) }

// Secrets returns the client's registry (nil when none was configured).
func (c *Client) Secrets() *Secrets { return c.secrets }

// callState is one Do call's bookkeeping, carried in the request context.
type callState struct {
	wrote    atomic.Bool // the current attempt wrote its request
	attempts atomic.Int32
}

type stateKey struct{}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(stateKey{}).(*callState)
	return s
}

// requestHook runs before every attempt.
func requestHook(_ retryablehttp.Logger, req *http.Request, _ int) {
	if s := stateOf(req.Context()); s != nil {
		s.wrote.Store(false)
		s.attempts.Add(1)
	}
}

// Do sends req, retrying only what never reached the server, and returns
// the response fully read (any status), or an error: a *TransportError when
// no usable response came (its MaybeSent says whether the server may have
// acted on the request; a body over the cap is one, matching
// ErrBodyTooLarge), wrapped with the context's error when ctx ended first.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	st := &callState{}
	ctx = context.WithValue(ctx, stateKey{}, st)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { st.wrote.Store(true) },
	})
	var body any
	switch {
	case req.BodyFrom != nil:
		body = retryablehttp.ReaderFunc(req.BodyFrom)
	case req.Body != nil:
		body = req.Body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, &redactedError{msg: "httpx: bad request: " + c.Redact(err.Error()), err: errors.Unwrap(err)}
	}
	for k, v := range req.Header {
		rreq.Header[k] = v
	}
	rreq.Header.Set("User-Agent", UserAgent)
	if req.BodyFrom != nil && req.ContentLength > 0 {
		rreq.ContentLength = req.ContentLength
	}
	rc := c.rc
	if req.Timeout > 0 {
		hc := *c.rc.HTTPClient
		hc.Timeout = req.Timeout
		rc = c.retrying(&hc)
	}
	resp, err := rc.Do(rreq)
	attempts := int(st.attempts.Load())
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		te := &TransportError{
			Method: req.Method, URL: c.Redact(RedactURL(rreq.URL)), Attempts: attempts,
			MaybeSent: st.wrote.Load(), Idempotent: req.Idempotent,
			Err: &redactedError{msg: c.Redact(unwrapURLError(err).Error()), err: unwrapURLError(err)},
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			// Keep both: the caller branches on the context error, and on
			// ErrOutcomeUnknown when the request had been written.
			return nil, fmt.Errorf("%w: %w", ctxErr, te)
		}
		return nil, te
	}
	defer resp.Body.Close()
	data, err := readCapped(resp.Body, resp.ContentLength, c.maxBody)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			err = fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, c.maxBody)
		}
		// The server answered, so it may have acted on the request.
		return nil, &TransportError{
			Method: req.Method, URL: c.Redact(RedactURL(rreq.URL)), Attempts: attempts,
			MaybeSent: true, Idempotent: req.Idempotent,
			Status: resp.StatusCode,
			Err:    &redactedError{msg: "reading response body: " + c.Redact(err.Error()), err: err},
		}
	}
	if c.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "httpx: response",
			slog.String("method", req.Method), slog.String("url", c.Redact(RedactURL(rreq.URL))),
			slog.Int("status", resp.StatusCode), slog.Int("attempts", attempts))
	}
	wait, _ := retryAfter(resp.Header)
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data, RetryAfter: wait, Attempts: attempts}, nil
}

// unwrapURLError drops net/http's *url.Error wrapper, whose message repeats
// the URL unredacted.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// readCapped reads r fully, failing with ErrBodyTooLarge past max bytes.
func readCapped(r io.Reader, size, max int64) ([]byte, error) {
	if size > max {
		return nil, ErrBodyTooLarge
	}
	if size < 0 {
		size = 511 // unknown: io.ReadAll's own start
	}
	// One buffer of the announced size and a byte more (to read the end
	// without growing), instead of io.ReadAll's doublings; a body longer
	// than announced still grows it, up to max.
	r = io.LimitReader(r, max+1)
	buf := make([]byte, 0, size+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > max {
		return nil, ErrBodyTooLarge
	}
	return buf, nil
}

// checkRetry is the retry policy handed to go-retryablehttp: retry only a
// request that got no response and was never written (dial, DNS, TLS,
// refused). Every response, whatever its status, goes back to the vendor;
// the engine decides whether to send again. Because no response is ever
// retried, go-retryablehttp never reaches its give-up path, which would close
// every idle connection of the shared transport.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err == nil {
		return false, nil
	}
	if permanentTransportError(err) {
		return false, err
	}
	if st := stateOf(ctx); st != nil && st.wrote.Load() {
		return false, err // may have reached the server: the engine's to decide
	}
	return true, err
}

// permanentTransportError reports errors that a retry cannot cure.
func permanentTransportError(err error) bool {
	var certErr *x509.UnknownAuthorityError
	if errors.As(err, &certErr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "stopped after") || strings.Contains(msg, "unsupported protocol scheme")
}

// retryAfter parses a Retry-After header given in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	return ParseRetryAfter(h.Get("Retry-After"), time.Now())
}

// ParseRetryAfter parses a Retry-After value (seconds, possibly fractional,
// or an HTTP date relative to now). It reports false when v is empty or
// malformed; negative waits become 0.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs != secs {
			return 0, true
		}
		if secs > 1e9 {
			secs = 1e9
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
