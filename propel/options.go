package propel

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"golang.org/x/oauth2"
)

// DefaultBaseURL is the Propel REST v2 API.
const DefaultBaseURL = "https://api.helice.cloud/v2"

// DefaultBatchSize is the number of records sent in one bulk request unless
// WithBatchSize says otherwise. Propel documents no maximum; 100 keeps a
// request small (tens of kilobytes), makes isolating a rejected record
// cheap (at most seven halvings), and is well inside what bulk importers
// send.
const DefaultBatchSize = 100

// maxBatchSize is the largest batch size WithBatchSize accepts: Propel
// documents no cap, and ten thousand records keep a request near the
// request size limit at typical record sizes.
const maxBatchSize = 10000

// defaultConcurrency is the number of requests in flight unless
// WithEngine(batch.Config{Concurrency: n}) says otherwise. Propel documents no rate
// limit; two keeps a steady pace without hammering a shared account.
const defaultConcurrency = 2

// DefaultMaxRequestBytes is the request size limit unless
// WithMaxRequestBytes says otherwise: the encoded records of one request
// add up to at most this, and a record larger than it on its own is failed
// before anything is sent. Propeller documents no request size limit
// (docs.propeller-commerce.com, rest-v2 bulk pages and core concepts); 10
// MiB is the common default of the API gateways in front of such APIs and
// far above any real customer, contact or company.
const DefaultMaxRequestBytes = 10 << 20

// minRequestBytes is the smallest WithMaxRequestBytes: room for one small record.
const minRequestBytes = 1024

// minTimeout is the shortest per-request timeout accepted: a full bulk
// request of DefaultBatchSize records is answered in seconds.
const minTimeout = time.Second

// Option configures a Client; see New. A nil Option is an error.
type Option func(*config) error

// config is what the options set.
type config struct {
	vendorkit.Common
	tokenURL     string
	clientID     string
	clientSecret string
	tokenSource  oauth2.TokenSource
	directives   []Directive
	// now is the clock tokens expire by (time.Now; tests set their own).
	now func() time.Time
}

func defaultConfig() *config {
	c := &config{now: time.Now}
	c.Vendor, c.BaseURL = "propel", DefaultBaseURL
	c.BatchSize, c.MaxBatchSize = DefaultBatchSize, maxBatchSize
	c.MaxRequestBytes = DefaultMaxRequestBytes
	c.Engine.Concurrency = defaultConcurrency
	return c
}

// WithBaseURL sets the API's base URL (default DefaultBaseURL), for example
// a propeltest.Server's BaseURL(). The token endpoint is derived from it
// (scheme and host + "/oauth2/token") unless WithTokenURL is given.
func WithBaseURL(u string) Option { return func(c *config) error { return c.SetBaseURL(u) } }

// WithHTTPClient sets the *http.Client requests go through (copied, never
// changed; its transport is shared). Its own Timeout bounds each request
// (0: none; the context still bounds each call). It cannot be combined
// with WithTimeout: set the timeout on your *http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTimeout bounds one request (default 30 s, at least 1 s).
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetTimeout(d, minTimeout) }
}

// WithBatchSize sets the most records in one bulk request (default
// DefaultBatchSize, at most 10000).
func WithBatchSize(n int) Option { return func(c *config) error { return c.SetBatchSize(n) } }

// WithEngine sets the engine's configuration for every run: concurrency,
// limiter, retry policy and budget, what the report keeps, hooks, logger.
// Only its non-zero fields are set, so several WithEngine options add up
// and a zero field keeps the default (concurrency 2).
func WithEngine(cfg batch.Config) Option { return func(c *config) error { return c.SetEngine(cfg) } }

// WithTokenURL sets the OAuth token endpoint used by WithClientCredentials
// (default: the base URL's scheme and host + "/oauth2/token").
func WithTokenURL(u string) Option {
	return func(c *config) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" || p.User != nil {
			return errors.New("propel: WithTokenURL: want an absolute http(s) URL without query or user info")
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
		if err := c.CheckCredential("WithClientCredentials", "client id", clientID); err != nil {
			return err
		}
		if err := c.CheckCredential("WithClientCredentials", "client secret", clientSecret); err != nil {
			return err
		}
		c.clientID, c.clientSecret = clientID, clientSecret
		return nil
	}
}

// WithTokenSource authenticates with tokens from ts instead of client
// credentials. The client caches each token until TokenRenewBefore ahead
// of its expiry; on a 401 it asks ts once more, so ts should mint a fresh
// token when asked (a source that caches on its own cannot recover from a
// token revoked early). Every token ts gives is redacted from errors and
// logs.
// A failure of ts is classed as in every crmbatch client: a token endpoint
// refusing the credentials (an *oauth2.RetrieveError with a 4xx other
// than 408 and 429) stops the run; any other failure is tried again as the
// retry policy allows. A call to ts that hangs is abandoned when the run's
// context ends.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("propel: WithTokenSource: nil token source")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithMaxRequestBytes sets the request size limit (default
// DefaultMaxRequestBytes): the records of one request add up to at most n
// encoded bytes, and a larger record is failed before sending.
func WithMaxRequestBytes(n int) Option {
	return func(c *config) error { return c.SetMaxRequestBytes(n, minRequestBytes) }
}

// tokenURLFor derives the token endpoint from the base URL.
func tokenURLFor(base string) string {
	u, _ := url.Parse(base)
	return u.Scheme + "://" + u.Host + "/oauth2/token"
}
