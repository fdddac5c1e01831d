package agiliron

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Format is a wire format: JSON or XML.
type Format uint8

// The two formats Agiliron speaks.
const (
	// JSON sends and asks for application/json (the default).
	JSON Format = iota + 1
	// XML sends and asks for application/xml.
	XML
)

// String returns "json" or "xml".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case XML:
		return "xml"
	default:
		return fmt.Sprintf("Format(%d)", uint8(f))
	}
}

// mediaType returns the MIME type of f.
func (f Format) mediaType() string {
	if f == XML {
		return "application/xml"
	}
	return "application/json"
}

// Defaults, each with its reason.
const (
	// DefaultBatchSize is how many records one request carries unless
	// WithBatchSize says otherwise. Agiliron documents no maximum; 100
	// keeps a request of full records (a lead is about 1 KB) near 100 KB.
	DefaultBatchSize = 100
	// maxBatchSize is the largest batch size WithBatchSize accepts: no
	// documented ceiling, so a bound that keeps one batch's wait sane.
	maxBatchSize = 5000
	// DefaultMaxRequestBytes is the most encoded bytes one request carries
	// unless WithMaxRequestBytes says otherwise. Agiliron documents no
	// request size limit (none of the pages cited in the package doc names
	// one), so this is a generous default only a pathological record
	// reaches: requests are filled up to it, and a record whose encoding
	// alone is larger fails before any request (*batch.TooLargeError).
	DefaultMaxRequestBytes = 8 << 20
	// defaultPollInterval is the longest wait between two BatchStatus polls.
	// Polls start after 100 ms and double up to this interval.
	defaultPollInterval = 5 * time.Second
	// defaultCallbackTimeout is how long a batch waits for its webhook
	// before polling BatchStatus.
	defaultCallbackTimeout = 2 * time.Minute
	// defaultResultTimeout is how long a batch waits, in all, for its final
	// result before its records are reported with an unknown outcome.
	defaultResultTimeout = 30 * time.Minute
)

// minRequestBytes is the smallest WithMaxRequestBytes: room for one small
// record and its envelope.
const minRequestBytes = 1024

// Option configures a Client; New reports a bad option (and a nil one) as
// an error.
type Option func(*config) error

type config struct {
	vendorkit.Common
	company         string
	pathStyle       PathStyle
	apiKey          string
	keyInQuery      bool
	reqFormat       Format
	respFormat      Format
	webhook         *WebhookHandler
	callbackURL     string
	pollInterval    time.Duration
	callbackTimeout time.Duration
	resultTimeout   time.Duration
	acceptedHook    func(Ack, int)
}

var companyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)

// PathStyle is the form of the API path under
// https://{company}.agiliron.net/agiliron/. Agiliron's pages write it two
// ways (see the package doc).
type PathStyle uint8

// The two path forms.
const (
	// PathPHP is api-40.php/{Resource}, as every prose page of Agiliron's
	// API docs builds the URL (add-lead-1, add-bulk-contacts-1,
	// add-bulk-accounts, read-batchstatus). The default.
	PathPHP PathStyle = iota + 1
	// PathWADL is api-40/{Resource}, as the WADL on the Update Bulk Leads
	// page (and the filter examples of the Read pages) write it.
	PathWADL
)

// segment returns the path under /agiliron/.
func (p PathStyle) segment() string {
	if p == PathWADL {
		return "api-40"
	}
	return "api-40.php"
}

// String returns "api-40.php" or "api-40".
func (p PathStyle) String() string {
	switch p {
	case 0, PathPHP:
		return "api-40.php"
	case PathWADL:
		return "api-40"
	}
	return fmt.Sprintf("PathStyle(%d)", uint8(p))
}

// WithBaseURL sets the full base URL instead of WithCompany, for example a
// fake's srv.BaseURL() or a proxy's. Resource names (Leads, Bulk-Leads,
// BatchStatus/{id} …) are appended to it.
func WithBaseURL(u string) Option { return func(c *config) error { return c.SetBaseURL(u) } }

// WithHTTPClient sets the *http.Client requests go through (copied, never
// changed; its transport is shared). Its own Timeout bounds each request
// (0: none; the context still bounds each call). It cannot be combined
// with WithTimeout: set the timeout on your *http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTimeout sets the per-request timeout (default 30 s). A batch's wait
// for its result is WithResultTimeout's.
func WithTimeout(d time.Duration) Option { return func(c *config) error { return c.SetTimeout(d, 0) } }

// WithBatchSize sets how many records one request carries; default
// DefaultBatchSize, at most 5,000 (Agiliron documents no limit).
func WithBatchSize(n int) Option { return func(c *config) error { return c.SetBatchSize(n) } }

// WithEngine sets the engine's configuration for every run: concurrency,
// limiter, retry policy and budget, what the report keeps, hooks, logger.
// Only its non-zero fields are set, so several WithEngine options add up
// and a zero field keeps the default (concurrency 1).
func WithEngine(cfg batch.Config) Option { return func(c *config) error { return c.SetEngine(cfg) } }

// WithPathStyle picks the API path form WithCompany builds: PathPHP (the
// default, https://{company}.agiliron.net/agiliron/api-40.php/) or
// PathWADL (…/agiliron/api-40/). It needs WithCompany.
func WithPathStyle(p PathStyle) Option {
	return func(c *config) error {
		if p != PathPHP && p != PathWADL {
			return fmt.Errorf("agiliron: WithPathStyle: unknown path style %v", p)
		}
		c.pathStyle = p
		return nil
	}
}

// WithCompany sets the Agiliron company (account) name; the base URL is
// then https://{company}.agiliron.net/agiliron/api-40.php/, as Agiliron's
// prose pages build it (WithPathStyle(PathWADL) gives …/api-40/).
func WithCompany(name string) Option {
	return func(c *config) error {
		if !companyPattern.MatchString(name) {
			return fmt.Errorf("agiliron: WithCompany: %q is not a valid company name (letters, digits and '-')", name)
		}
		c.company = name
		return nil
	}
}

// WithAPIKey sets the API key, sent in the apiKey header (required).
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if err := c.CheckCredential("WithAPIKey", "API key", key); err != nil {
			return err
		}
		c.apiKey = key
		return nil
	}
}

// WithAPIKeyInQuery sends the API key as the key query parameter instead
// of the apiKey header. Prefer the header: a URL is more often logged. The
// key is still redacted from every log line and error this package writes.
func WithAPIKeyInQuery() Option {
	return func(c *config) error { c.keyInQuery = true; return nil }
}

// WithFormat sets the request body format and, unless WithResponseFormat
// says otherwise, the response format (Accept). Default JSON.
func WithFormat(f Format) Option {
	return func(c *config) error {
		if f != JSON && f != XML {
			return fmt.Errorf("agiliron: WithFormat: unknown format %v", f)
		}
		c.reqFormat = f
		return nil
	}
}

// WithResponseFormat sets the format asked for in the Accept header.
// Responses are decoded by their Content-Type whatever is asked for.
func WithResponseFormat(f Format) Option {
	return func(c *config) error {
		if f != JSON && f != XML {
			return fmt.Errorf("agiliron: WithResponseFormat: unknown format %v", f)
		}
		c.respFormat = f
		return nil
	}
}

// WithMaxRequestBytes sets the most encoded bytes one request carries
// (default DefaultMaxRequestBytes; Agiliron documents no limit). Requests
// are filled up to it; a record whose encoding alone is larger fails
// before any request, matching *batch.TooLargeError.
func WithMaxRequestBytes(n int) Option {
	return func(c *config) error { return c.SetMaxRequestBytes(n, minRequestBytes) }
}

// WithWebhook makes every Bulk-* request ask Agiliron to call back when the
// batch is done. callbackURL is where h is served, as Agiliron can reach it
// (https://hooks.example.com/agiliron); the client adds a ref and h's
// secret to it. h must run in the same process as the client; results that
// do not come in time are fetched from BatchStatus (see
// WithCallbackTimeout). Without a webhook the client polls BatchStatus.
func WithWebhook(h *WebhookHandler, callbackURL string) Option {
	return func(c *config) error {
		if h == nil || h.secret == "" {
			return errors.New("agiliron: WithWebhook: the handler must come from NewWebhookHandler")
		}
		u, err := url.Parse(callbackURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("agiliron: WithWebhook: the callback URL is not an absolute http(s) URL")
		}
		q := u.Query()
		if q.Has(refParam) || q.Has(secretParam) {
			return fmt.Errorf("agiliron: WithWebhook: the callback URL must not carry %q or %q", refParam, secretParam)
		}
		c.webhook, c.callbackURL = h, callbackURL
		return nil
	}
}

// WithPollInterval sets the longest wait between two BatchStatus polls
// (polls start after 100 ms, or d if shorter, and double). Default
// 5 s.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error { return positive("WithPollInterval", d, &c.pollInterval) }
}

// WithCallbackTimeout sets how long a batch waits for its webhook before
// it starts polling BatchStatus. Default 2 min.
func WithCallbackTimeout(d time.Duration) Option {
	return func(c *config) error { return positive("WithCallbackTimeout", d, &c.callbackTimeout) }
}

// WithResultTimeout sets how long a batch waits in all for its final
// result; past it the batch's records fail matching
// batch.ErrOutcomeUnknown (the batch id is in the error, for WaitBatch
// later). Default 30 min.
func WithResultTimeout(d time.Duration) Option {
	return func(c *config) error { return positive("WithResultTimeout", d, &c.resultTimeout) }
}

// WithAcceptedHook sets a hook called when Agiliron acknowledges a Bulk-*
// batch (its records are then accepted, awaiting their final result),
// with the acknowledgement and the number of records in the batch. Add
// Lead (Leads().Create) has no acknowledgement and does not call it. With a
// concurrency above 1 it may be called from several goroutines at once.
func WithAcceptedHook(f func(ack Ack, records int)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("agiliron: WithAcceptedHook: nil hook")
		}
		c.acceptedHook = f
		return nil
	}
}

// positive sets *dst to d, a wait that must be positive.
func positive(option string, d time.Duration, dst *time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("agiliron: %s: %v is not positive", option, d)
	}
	*dst = d
	return nil
}
