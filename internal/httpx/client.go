// Package httpx is the one HTTP stack every crmbatch vendor uses: a
// go-retryablehttp client with a retry policy that never replays a write
// that may have reached the server (unless the vendor marks it safe),
// Retry-After honoured and capped, the last response handed back instead of
// a bare "giving up" error, response bodies capped, secrets redacted from
// every log line and error, and a User-Agent.
package httpx

import (
	"bytes"
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

	"github.com/crmbatch/crmbatch/batch"
)

// Version is crmbatch's version, sent in the User-Agent.
const Version = "0.1.0"

// UserAgent is sent on every request.
const UserAgent = "crmbatch/" + Version + " (+Go)"

// DefaultMaxBodyBytes caps a response body unless Config says otherwise.
const DefaultMaxBodyBytes = 32 << 20

// Config configures a Client. Zero fields take the defaults shown.
type Config struct {
	// HTTPClient is used as is when set (its Timeout raised to MinTimeout
	// if shorter); else a new one with Timeout.
	HTTPClient *http.Client
	// Timeout of a single attempt; default 30 s.
	Timeout time.Duration
	// MinTimeout is the vendor's floor for the per-attempt timeout (Noojee
	// needs more than 60 s). A shorter Timeout is an error from New.
	MinTimeout time.Duration
	// RetryMax is the most transport retries per request; default 3.
	// Negative turns them off.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the backoff between transport
	// retries; defaults 200 ms and 5 s. A Retry-After longer than
	// RetryWaitMax is not waited out here: the response is handed back for
	// the batch engine to decide.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxBodyBytes caps a response body; default 32 MiB.
	MaxBodyBytes int64
	// Logger receives request and retry lines, redacted; nil discards.
	Logger *slog.Logger
	// RetryOnResponse lets a vendor ask for a transport retry after reading
	// a response (say, a busy code in a 400 body). It is consulted only for
	// statuses >= 400 that httpx would not retry itself; the vendor answers
	// true only where the body proves nothing was written.
	RetryOnResponse func(status int, header http.Header, body []byte) bool
	// Secrets are literal values (keys, passwords) scrubbed from every log
	// line and error in addition to the secret-named parameters.
	Secrets []string
}

// Client sends requests. It is safe for concurrent use.
type Client struct {
	rc      *retryablehttp.Client
	cfg     Config
	maxBody int64
	secrets []string
}

// Request is one HTTP request.
type Request struct {
	Method string
	// URL is absolute. Secrets must not be put in it unless a vendor
	// requires it; they are redacted from logs and errors all the same.
	URL    string
	Header http.Header
	Body   []byte
	// Idempotent marks a request that is safe to send again even if it may
	// have reached the server (a read, an update or upsert by key, a write
	// with an idempotency handle). Other requests are retried only when
	// they certainly did not reach the server (dial failures, 429, 503).
	Idempotent bool
}

// Response is a fully read response. Any status is returned as a Response;
// the vendor decides what it means.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Attempts is how many times the request was sent.
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
	if cfg.RetryMax == 0 {
		cfg.RetryMax = 3
	} else if cfg.RetryMax < 0 {
		cfg.RetryMax = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 200 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 5 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	} else if cfg.MinTimeout > 0 && hc.Timeout != 0 && hc.Timeout < cfg.MinTimeout {
		return nil, fmt.Errorf("httpx: the http.Client's timeout %v is shorter than the vendor's minimum %v", hc.Timeout, cfg.MinTimeout)
	}
	c := &Client{cfg: cfg, maxBody: cfg.MaxBodyBytes, secrets: cfg.Secrets}
	c.rc = &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         &slogAdapter{log: cfg.Logger, secrets: cfg.Secrets},
		RetryWaitMin:   cfg.RetryWaitMin,
		RetryWaitMax:   cfg.RetryWaitMax,
		RetryMax:       cfg.RetryMax,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: requestHook,
	}
	return c, nil
}

// HTTPClient returns the underlying *http.Client (for gock.InterceptClient).
func (c *Client) HTTPClient() *http.Client { return c.rc.HTTPClient }

// Redact scrubs s of secrets, including the literal secrets this client was
// configured with.
func (c *Client) Redact(s string) string { return RedactString(s, c.secrets...) }

// callState is one Do call's bookkeeping, carried in the request context.
type callState struct {
	idempotent bool
	wrote      atomic.Bool // the current attempt wrote its request
	attempts   atomic.Int32
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

// Do sends req, retrying what is safe to retry, and returns the response
// fully read (any status), or an error: a *TransportError when no response
// came, ErrBodyTooLarge, or the context's error.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	st := &callState{idempotent: req.Idempotent}
	ctx = context.WithValue(ctx, stateKey{}, st)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { st.wrote.Store(true) },
	})
	var body any
	if req.Body != nil {
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
	resp, err := c.rc.Do(rreq)
	attempts := int(st.attempts.Load())
	batch.AddTransportRetries(ctx, attempts-1)
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
	data, err := readCapped(resp.Body, c.maxBody)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			return nil, fmt.Errorf("httpx: %s %s: %w (%d bytes)", req.Method, c.Redact(RedactURL(rreq.URL)), ErrBodyTooLarge, c.maxBody)
		}
		return nil, &TransportError{
			Method: req.Method, URL: c.Redact(RedactURL(rreq.URL)), Attempts: attempts,
			MaybeSent: true, Idempotent: req.Idempotent,
			Err: &redactedError{msg: "reading response body: " + c.Redact(err.Error()), err: err},
		}
	}
	if c.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "httpx: response",
			slog.String("method", req.Method), slog.String("url", c.Redact(RedactURL(rreq.URL))),
			slog.Int("status", resp.StatusCode), slog.Int("attempts", attempts))
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data, Attempts: attempts}, nil
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
func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, ErrBodyTooLarge
	}
	return data, nil
}

// checkRetry is the retry policy handed to go-retryablehttp.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateOf(ctx)
	idempotent := st != nil && st.idempotent
	if err != nil {
		if permanentTransportError(err) {
			return false, err
		}
		if !idempotent && st != nil && st.wrote.Load() {
			return false, err // may have reached the server: never replay a write
		}
		return true, err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		// The server refused the request without acting on it.
		if ra, ok := retryAfter(resp.Header); ok && ra > c.cfg.RetryWaitMax {
			return false, nil // a long wait is the engine's to make, not ours
		}
		return true, nil
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent, nil
	}
	if c.cfg.RetryOnResponse != nil && resp.StatusCode >= 400 {
		data, rerr := readCapped(resp.Body, c.maxBody)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		if rerr != nil {
			return false, nil
		}
		return c.cfg.RetryOnResponse(resp.StatusCode, resp.Header, data), nil
	}
	return false, nil
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

// backoff waits Retry-After when the server gave one (it is at most
// RetryWaitMax here, see checkRetry), else exponential from RetryWaitMin.
func (c *Client) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := retryAfter(resp.Header); ok {
			return ra
		}
	}
	return retryablehttp.DefaultBackoff(min, max, attempt, nil)
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
