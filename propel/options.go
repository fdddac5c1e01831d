package propel

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/engineopt"
	"golang.org/x/oauth2"
)

// DefaultBaseURL is the Propel REST v2 API.
const DefaultBaseURL = "https://api.helice.cloud/v2"

// DefaultBatchSize is the number of records sent in one bulk request unless
// WithBatchSize says otherwise. Propel documents no maximum; 100 keeps a
// request small (tens of kilobytes), makes isolating a rejected record cheap
// (at most seven halvings), and is well inside what bulk importers send.
const DefaultBatchSize = 100

// MaxBatchSize is the largest batch size WithBatchSize accepts.
const MaxBatchSize = 10000

// DefaultConcurrency is the number of requests in flight at once unless
// WithConcurrency says otherwise. Propel documents no rate limit; two keeps
// a steady pace without hammering a shared account.
const DefaultConcurrency = 2

// Option configures a Client; see New.
type Option func(*config) error

// config is what the options set.
type config struct {
	baseURL      string
	tokenURL     string
	clientID     string
	clientSecret string
	tokenSource  oauth2.TokenSource
	httpClient   *http.Client
	batchSize    int
	directives   []Directive
	// now is the clock tokens expire by (time.Now; tests set their own).
	now func() time.Time
	// engine holds the settings shared with every vendor: concurrency,
	// limiter, retry policy and budget, keep, hooks, logger.
	engine engineopt.Settings
}

func defaultConfig() config {
	return config{
		baseURL:   DefaultBaseURL,
		now:       time.Now,
		batchSize: DefaultBatchSize,
		engine:    engineopt.Settings{Concurrency: DefaultConcurrency},
	}
}

// WithBaseURL sets the API's base URL (default DefaultBaseURL), for example
// a propeltest.Server's BaseURL(). The token endpoint is derived from it
// (scheme and host + "/oauth2/token") unless WithTokenURL is given.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		if err := checkURL(u); err != nil {
			return fmt.Errorf("propel: WithBaseURL: %w", err)
		}
		c.baseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithTokenURL sets the OAuth token endpoint used by WithClientCredentials
// (default: the base URL's scheme and host + "/oauth2/token").
func WithTokenURL(u string) Option {
	return func(c *config) error {
		if err := checkURL(u); err != nil {
			return fmt.Errorf("propel: WithTokenURL: %w", err)
		}
		c.tokenURL = u
		return nil
	}
}

// WithClientCredentials authenticates with an API key's client id and
// secret (Backoffice > Admin > API Key Management) through the OAuth 2.0
// client-credentials flow. The secret never appears in an error or a log.
func WithClientCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if strings.TrimSpace(clientID) == "" || strings.TrimSpace(clientSecret) == "" {
			return errors.New("propel: WithClientCredentials: client id and secret must not be empty")
		}
		c.clientID, c.clientSecret = clientID, clientSecret
		return nil
	}
}

// WithTokenSource authenticates with tokens from ts instead of client
// credentials. The client caches each token until TokenRenewBefore ahead
// of its expiry; on a 401 it asks ts once more, so ts should mint a fresh
// token when asked (a source that caches on its own cannot recover from a
// token revoked early).
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("propel: WithTokenSource: nil token source")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithHTTPClient sets the *http.Client requests go through (its Timeout
// bounds one attempt). Default: a client with a 30 s timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("propel: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger sets the logger for request, retry and isolation lines (debug
// level, secrets redacted). Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.engine.Logger = l
		return nil
	}
}

// WithLimiter paces requests (a *rate.Limiter fits); it is waited on before
// every bulk request, retries included.
func WithLimiter(l batch.Limiter) Option {
	return func(c *config) error {
		c.engine.Limiter = l
		return nil
	}
}

// WithRetryPolicy sets how often and how long the engine retries (default
// batch.DefaultRetryPolicy). Its BaseDelay and MaxDelay also bound the
// transport-level retry waits.
func WithRetryPolicy(p batch.RetryPolicy) Option {
	return func(c *config) error {
		if err := c.engine.SetRetry(p); err != nil {
			return fmt.Errorf("propel: WithRetryPolicy: %w", err)
		}
		return nil
	}
}

// WithConcurrency sets the most requests in flight at once (default
// DefaultConcurrency).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if err := c.engine.SetConcurrency(n); err != nil {
			return fmt.Errorf("propel: WithConcurrency: %w", err)
		}
		return nil
	}
}

// WithBatchSize sets the most records in one bulk request (default
// DefaultBatchSize, at most MaxBatchSize).
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxBatchSize {
			return fmt.Errorf("propel: WithBatchSize: %d is outside 1..%d", n, MaxBatchSize)
		}
		c.batchSize = n
		return nil
	}
}

// WithProgress sets a hook called after each request finishes.
func WithProgress(f func(batch.Progress)) Option {
	return func(c *config) error {
		c.engine.Progress = f
		return nil
	}
}

// WithOutcomeHook sets a hook called once per record as it reaches its
// final state.
func WithOutcomeHook(f func(index int, key string, status batch.Status, err error)) Option {
	return func(c *config) error {
		c.engine.Outcome = f
		return nil
	}
}

// WithKeep says which outcomes a report holds (default batch.KeepAll).
func WithKeep(k batch.Keep) Option {
	return func(c *config) error {
		if err := c.engine.SetKeep(k); err != nil {
			return fmt.Errorf("propel: WithKeep: %w", err)
		}
		return nil
	}
}

// checkURL accepts an absolute http or https URL without a query.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("want an absolute http(s) URL")
	}
	if u.RawQuery != "" || u.User != nil {
		return errors.New("the URL must carry no query and no user info")
	}
	return nil
}

// tokenURLFor derives the token endpoint from the base URL.
func tokenURLFor(base string) string {
	u, _ := url.Parse(base)
	return u.Scheme + "://" + u.Host + "/oauth2/token"
}

// transportWaits derives httpx's retry waits from the retry policy.
func transportWaits(p batch.RetryPolicy) (time.Duration, time.Duration) {
	lo, hi := p.BaseDelay, p.MaxDelay
	if lo <= 0 {
		return 0, 0 // httpx defaults
	}
	if hi <= 0 || hi > 5*time.Second {
		hi = 5 * time.Second
	}
	return lo, max(lo, hi)
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
