package noojee

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// Defaults and limits, each from what Noojee documents.
const (
	// MinTimeout is the shortest per-request HTTP timeout New accepts: the
	// server may hold a call in its queue for up to a minute before it
	// answers, and Noojee requires clients to wait longer than 60 s.
	MinTimeout = 61 * time.Second
	// DefaultTimeout is the per-request HTTP timeout unless WithTimeout or
	// WithHTTPClient says otherwise: the minute of queueing plus time to
	// do the work.
	DefaultTimeout = 90 * time.Second
	// DefaultConcurrency is the default number of calls in flight. The
	// server runs (hardware threads / 2) calls at once and answers 109 when
	// its queue backs up, so the default stays at 2, the least such a
	// server runs (a 4-thread machine).
	DefaultConcurrency = 2
	// DefaultBatchSize is the default number of leads per insertLeadsFast
	// call (after a fallback to insertLeadFast each call carries one):
	// Noojee documents no limit; 100 keeps an answer's summary short.
	DefaultBatchSize = 100
	// MaxBatchSize is the most leads WithBatchSize allows per
	// insertLeadsFast call.
	MaxBatchSize = 1000
	// DefaultMaxRequestBytes is the most bytes one call's JSON body may
	// hold, unless WithMaxRequestBytes says otherwise. Noojee documents no
	// request size limit; 4 MiB is far above any real lead (a lead over it
	// fails locally and is never sent) and bounds what one call sends.
	DefaultMaxRequestBytes = 4 << 20
	// apiPath is the CampaignAPI's path under the server.
	apiPath = "/servicemanager/rest/CampaignAPI"
)

// minRequestBytes is the smallest WithMaxRequestBytes: room for one small lead.
const minRequestBytes = 64

// defaultRetry is the patient policy the client starts with: a lead is
// sent up to 10 times, the waits between sends drawn at random (full
// jitter) below a ceiling that doubles from 2 s to 60 s, and a server's
// Retry-After (or 109's documented 2 minutes) honoured up to 5 min. Noojee
// answers 109 after a call has queued a minute, so a busy server is given
// minutes, not seconds.
// A WithEngine whose Retry is non-zero replaces it whole.
var defaultRetry = batch.RetryPolicy{MaxAttempts: 10, BaseDelay: 2 * time.Second, MaxDelay: 60 * time.Second, MaxRetryAfter: 5 * time.Minute}

// Option configures a Client; New reports a bad or nil option as an error.
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
		c.BaseURL = "https://" + h + apiPath
		return nil
	}
}

// WithBaseURL sets the server's base URL instead of WithHost, for fakes and
// proxies: "https://pbx.example.com" or, for a server on this machine only,
// "http://127.0.0.1:8080" (plain http is refused for other hosts, since the
// apiKey travels in the query). The CampaignAPI path is appended unless the
// URL already ends in it. A fake: WithBaseURL(srv.BaseURL()).
func WithBaseURL(base string) Option {
	return func(c *config) error {
		if err := c.SetBaseURL(strings.TrimSpace(base)); err != nil {
			return err
		}
		u, _ := url.Parse(c.BaseURL)
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return fmt.Errorf("noojee: WithBaseURL: plain http is allowed only for a loopback host (the apiKey is sent in the query), got %q", u.Host)
		}
		if u.Fragment != "" {
			return fmt.Errorf("noojee: WithBaseURL: the URL must not carry a fragment")
		}
		if !strings.HasSuffix(u.Path, "/CampaignAPI") {
			c.BaseURL += apiPath
		}
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
// in the query string (the only place the CampaignAPI reads it), registered
// with the client's secrets in every spelling, and never printed.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if err := c.CheckCredential("WithAPIKey", "apiKey", key); err != nil {
			return err
		}
		c.apiKey = key
		return nil
	}
}

// WithHTTPClient sets the *http.Client requests go through (copied, never
// changed; its transport is shared). Its own Timeout bounds each request
// (0: none; the context still bounds each call),
// and it must be 0 or at least MinTimeout. It cannot be combined
// with WithTimeout: set the timeout on your *http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTimeout sets the per-request HTTP timeout (default DefaultTimeout).
// Noojee requires more than 60 s: anything under MinTimeout is refused.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetTimeout(d, MinTimeout) }
}

// WithBatchSize sets how many leads one insertLeadsFast call carries
// (default DefaultBatchSize, 1 to MaxBatchSize). Updates and the per-lead
// fallback always carry one.
func WithBatchSize(n int) Option { return func(c *config) error { return c.SetBatchSize(n) } }

// WithEngine sets the engine's configuration for every run: concurrency,
// limiter, retry policy and budget, what the report keeps, hooks, logger.
// Only its non-zero fields are set, so several WithEngine options add up
// and a zero field keeps the default (DefaultConcurrency: 2, and the patient retry
// policy the package doc describes; a non-zero Retry replaces that policy
// whole).
func WithEngine(cfg batch.Config) Option { return func(c *config) error { return c.SetEngine(cfg) } }

// WithMaxRequestBytes sets the most bytes one call's JSON body may hold
// (default DefaultMaxRequestBytes). A lead whose own body is larger fails
// locally, unsent; bulk calls are cut to stay under it.
func WithMaxRequestBytes(n int) Option {
	return func(c *config) error { return c.SetMaxRequestBytes(n, minRequestBytes) }
}
