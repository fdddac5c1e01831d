package noojee

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/engineopt"
)

// Defaults and limits.
const (
	// MinTimeout is the shortest per-request HTTP timeout New accepts: the
	// server may hold a call in its queue for up to a minute before it
	// answers, and Noojee requires clients to wait longer than 60 s.
	MinTimeout = 61 * time.Second
	// DefaultTimeout is the per-request HTTP timeout unless WithTimeout or
	// WithHTTPClient says otherwise.
	DefaultTimeout = 90 * time.Second
	// DefaultConcurrency is the default number of calls in flight. The
	// server runs (hardware threads / 2) calls at once and answers 109 when
	// its queue backs up, so keep it low.
	DefaultConcurrency = 2
	// DefaultBatchSize is the default number of leads per insertLeadsFast
	// call (after a fallback to insertLeadFast each call carries one).
	DefaultBatchSize = 100
	// MaxBatchSize is the most leads WithBatchSize allows per insertLeadsFast call.
	MaxBatchSize = 1000
	// DefaultExceptionRetries is how many times a lead answered 103
	// (EXCEPTION) is sent again by default, see WithExceptionRetries.
	DefaultExceptionRetries = 2
	// apiPath is the CampaignAPI's path under the server.
	apiPath = "/servicemanager/rest/CampaignAPI"
)

// DefaultRetryPolicy is the patient policy used for code 109
// (TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS) unless WithRetryPolicy says
// otherwise: several minutes in all. A lead is sent up to 10 times;
// before each retry the client waits a random time (full jitter) below a
// ceiling that doubles from 2 s and is capped at 60 s, so the nine waits add
// up to at most 302 s (about 2½ minutes on average). On top of that the
// server may hold each busy call in its queue for up to a minute before it
// answers 109, so a lead is given up on after roughly 5 to 15 minutes of a
// server that stays busy. A Retry-After of up to 5 min is honoured. The
// same policy bounds 103 retries, which WithExceptionRetries keeps fewer.
func DefaultRetryPolicy() batch.RetryPolicy {
	return batch.RetryPolicy{MaxAttempts: 10, BaseDelay: 2 * time.Second, MaxDelay: 60 * time.Second, MaxRetryAfter: 5 * time.Minute}
}

// config is what the options set.
type config struct {
	baseURL    string
	apiKey     string
	httpClient *http.Client
	timeout    time.Duration
	batchSize  int
	excRetries int

	// engine holds the settings the batch engine takes (concurrency,
	// limiter, retry policy and budget, keep, hooks, logger).
	engine engineopt.Settings

	// transport retries inside httpx (tests shorten the waits).
	transportRetryMax                  int
	transportWaitMin, transportWaitMax time.Duration
}

// Option configures a Client; New reports a bad option as an error.
type Option func(*config) error

// WithHost sets the Noojee server's host name (and optional port), e.g.
// "pbx.example.com". Requests go to
// https://{host}/servicemanager/rest/CampaignAPI/. An "https://" prefix is
// accepted; any other scheme, a path or a query is refused. Required unless
// WithBaseURL is given.
func WithHost(host string) Option {
	return func(c *config) error {
		h := strings.TrimSpace(host)
		if rest, ok := strings.CutPrefix(h, "https://"); ok {
			h = strings.TrimSuffix(rest, "/")
		}
		if h == "" || strings.ContainsAny(h, "/?#@ ") || strings.Contains(h, "://") {
			return fmt.Errorf("noojee: WithHost wants a host name such as \"pbx.example.com\" (https is implied), got %q", host)
		}
		c.baseURL = "https://" + h + apiPath
		return nil
	}
}

// WithBaseURL sets the server's base URL instead of WithHost, for fakes and
// proxies: "https://pbx.example.com" or, for a server on this machine only,
// "http://127.0.0.1:8080" (plain http is refused for other hosts, since the
// apiKey travels in the query). The CampaignAPI path is appended unless the
// URL already ends in it.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimSpace(base))
		if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("noojee: WithBaseURL wants an absolute URL such as https://pbx.example.com, got %q", base)
		}
		switch u.Scheme {
		case "https":
		case "http":
			if !isLoopback(u.Hostname()) {
				return fmt.Errorf("noojee: WithBaseURL: plain http is allowed only for a loopback host (the apiKey is sent in the query), got %q", u.Host)
			}
		default:
			return fmt.Errorf("noojee: WithBaseURL: scheme must be https, got %q", u.Scheme)
		}
		p := strings.TrimSuffix(u.Path, "/")
		if !strings.HasSuffix(p, "/CampaignAPI") {
			p += apiPath
		}
		c.baseURL = u.Scheme + "://" + u.Host + p
		return nil
	}
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithAPIKey sets the apiKey issued by Noojee Support. Required. It is sent
// in the query string (the only place the CampaignAPI reads it) and
// redacted from every error, log line and printed Client or Campaign.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("noojee: WithAPIKey: the apiKey is empty")
		}
		c.apiKey = key
		return nil
	}
}

// WithHTTPClient sets the *http.Client requests go through. Its Timeout must
// be 0 (none; the context still bounds each call) or at least MinTimeout,
// else New fails. It cannot be combined with WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("noojee: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout sets the per-request HTTP timeout (default DefaultTimeout).
// The vendor requires more than 60 s: anything under MinTimeout is refused.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < MinTimeout {
			return fmt.Errorf("noojee: WithTimeout(%v): Noojee can take up to a minute to answer and requires a timeout above 60 s; use at least %v", d, MinTimeout)
		}
		c.timeout = d
		return nil
	}
}

// WithLogger sends request, retry and isolation lines (debug level,
// apiKey redacted) to l, and one Warn line when the server turns out to
// have no insertLeadsFast (see Campaign.InsertLeads).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.engine.Logger = l
		return nil
	}
}

// WithLimiter paces every call, retries included (a *rate.Limiter fits).
// Share one between clients that use the same server.
func WithLimiter(l batch.Limiter) Option {
	return func(c *config) error {
		c.engine.Limiter = l
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy; zero fields keep
// DefaultRetryPolicy's values. MaxAttempts bounds every send of a lead, 109
// and 103 retries alike (1 turns retries off); WithExceptionRetries bounds
// 103 retries further.
func WithRetryPolicy(p batch.RetryPolicy) Option {
	return func(c *config) error {
		if err := c.engine.SetRetry(p); err != nil {
			return fmt.Errorf("noojee: WithRetryPolicy: %w", err)
		}
		r, d := &c.engine.Retry, DefaultRetryPolicy()
		if r.MaxAttempts == 0 {
			r.MaxAttempts = d.MaxAttempts
		}
		if r.BaseDelay == 0 {
			r.BaseDelay = d.BaseDelay
		}
		if r.MaxDelay == 0 {
			r.MaxDelay = d.MaxDelay
		}
		if r.MaxRetryAfter == 0 {
			r.MaxRetryAfter = d.MaxRetryAfter
		}
		return nil
	}
}

// WithExceptionRetries sets how many times a lead answered 103 (EXCEPTION,
// "call Noojee Support") is sent again (default DefaultExceptionRetries; 0
// turns 103 retries off). Each lead counts its own 103 answers, so retries
// after 109 do not use them up; the retry policy's MaxAttempts still
// bounds every send.
func WithExceptionRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("noojee: WithExceptionRetries(%d): negative", n)
		}
		c.excRetries = n
		return nil
	}
}

// WithConcurrency sets how many calls are in flight at once (default
// DefaultConcurrency). The server answers 109 when busy, so keep it low.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if err := c.engine.SetConcurrency(n); err != nil {
			return fmt.Errorf("noojee: WithConcurrency: %w", err)
		}
		return nil
	}
}

// WithBatchSize sets how many leads one insertLeadsFast call carries
// (default DefaultBatchSize, at most MaxBatchSize). The per-lead calls
// always carry one, as do InsertLeads's calls once the server has answered
// insertLeadsFast with HTTP 404.
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxBatchSize {
			return fmt.Errorf("noojee: WithBatchSize(%d): want 1 to %d", n, MaxBatchSize)
		}
		c.batchSize = n
		return nil
	}
}

// WithProgress calls f after each call finishes (serialized; keep it quick).
func WithProgress(f func(batch.Progress)) Option {
	return func(c *config) error {
		c.engine.Progress = f
		return nil
	}
}

// WithOutcomeHook calls f once per lead as it reaches its final state; key
// is the lead's njExternalLeadId (serialized; keep it quick).
func WithOutcomeHook(f func(index int, key string, status batch.Status, err error)) Option {
	return func(c *config) error {
		c.engine.Outcome = f
		return nil
	}
}

// WithKeep says which outcomes reports hold (default batch.KeepAll).
func WithKeep(k batch.Keep) Option {
	return func(c *config) error {
		if err := c.engine.SetKeep(k); err != nil {
			return fmt.Errorf("noojee: WithKeep: %w", err)
		}
		return nil
	}
}

// WithTransportRetry tunes the retries made below the engine, for calls
// that certainly did not reach the server (connection refused, HTTP 429 or
// 503): at most max retries (default 3; -1 none) with exponential waits
// between waitMin and waitMax (defaults 200 ms and 5 s). Tests against the
// fake use millisecond waits.
func WithTransportRetry(max int, waitMin, waitMax time.Duration) Option {
	return func(c *config) error {
		if max < -1 || waitMin < 0 || waitMax < waitMin {
			return fmt.Errorf("noojee: WithTransportRetry(%d, %v, %v): want max >= -1 and 0 <= waitMin <= waitMax", max, waitMin, waitMax)
		}
		c.transportRetryMax, c.transportWaitMin, c.transportWaitMax = max, waitMin, waitMax
		return nil
	}
}

// WithRetryBudget caps the retries of every run of this client, and of
// every other client given the same budget, so a sick server is not
// hammered by every worker at once (see batch.RetryBudget).
func WithRetryBudget(b *batch.RetryBudget) Option {
	return func(c *config) error {
		c.engine.Budget = b
		return nil
	}
}
