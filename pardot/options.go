package pardot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"golang.org/x/oauth2"
)

// Hosts.
const (
	// DefaultBaseURL serves production and training accounts.
	DefaultBaseURL = "https://pi.pardot.com"
	// DemoBaseURL serves demo, developer and sandbox accounts.
	DemoBaseURL = "https://pi.demo.pardot.com"
)

// MaxBatchSize is Pardot's limit of prospects per batch request (code 70
// beyond), and the default batch size.
const MaxBatchSize = 50

// DefaultConcurrency is Pardot's limit of requests in flight per account
// (code 66 beyond), and the default concurrency.
const DefaultConcurrency = 5

// DefaultMaxRequestBytes is the default cap on one request's form body.
// Pardot documents no size limit for the batch endpoints (only the 50
// prospects); 8 MiB is the default post_max_size of PHP, on which Pardot's
// API runs, and far above what 50 prospects of standard fields need.
// Change it with WithMaxRequestBytes.
const DefaultMaxRequestBytes = 8 << 20

// Option configures a Client in New. A nil Option is an error.
type Option func(*config) error

// Format is the wire format of the prospects document and of Pardot's
// answers.
type Format uint8

const (
	// JSON is the default format of this package.
	JSON Format = iota + 1
	// XML is Pardot's own default.
	XML
)

// String returns "json" or "xml", the value of the format parameter.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case XML:
		return "xml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// TokenFunc gets a new Salesforce access token each time it is called,
// for example a clientcredentials.Config's Token method. See WithTokenFunc.
type TokenFunc func(ctx context.Context) (*oauth2.Token, error)

type config struct {
	vendorkit.Common
	version int
	format  Format

	staticToken  string             // WithToken
	tokenSource  oauth2.TokenSource // WithTokenSource (and WithToken)
	tokenFunc    TokenFunc          // WithTokenFunc
	businessUnit string
	legacy       *legacyCreds // WithLegacyLogin
	authKinds    int

	importThreshold int                                              // WithImportThreshold; 0: never
	importWait      func(ctx context.Context, d time.Duration) error // tests' wait; nil: sleepContext
	importFileBytes int                                              // tests' batch file size; 0: MaxImportBatchBytes
}

type legacyCreds struct {
	email, password, userKey string
}

// WithBaseURL sets the API host (default DefaultBaseURL; DemoBaseURL for
// sandboxes; a pardottest server's BaseURL() in tests).
func WithBaseURL(u string) Option { return func(c *config) error { return c.SetBaseURL(u) } }

// WithHTTPClient sets the *http.Client requests go through (copied, never
// changed; its transport is shared). Its own Timeout bounds each request
// (0: none; the context still bounds each call). It cannot be combined
// with WithTimeout: set the timeout on your *http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTimeout sets the per-request timeout (default 30 s).
func WithTimeout(d time.Duration) Option { return func(c *config) error { return c.SetTimeout(d, 0) } }

// WithBatchSize sets the prospects per request, 1 to 50 (default 50,
// Pardot's limit).
func WithBatchSize(n int) Option { return func(c *config) error { return c.SetBatchSize(n) } }

// WithEngine sets the engine's configuration for every run: concurrency,
// limiter, retry policy and budget, what the report keeps, hooks, logger.
// Only its non-zero fields are set, so several WithEngine options add up
// and a zero field keeps the default (DefaultConcurrency: 5).
func WithEngine(cfg batch.Config) Option { return func(c *config) error { return c.SetEngine(cfg) } }

// WithAPIVersion selects API version "3" (the default; prospects keyed by
// id or email) or "4" (a flat array; required for accounts that allow
// several prospects per email, which answer version 3 with code 88).
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if v != "3" && v != "4" {
			return fmt.Errorf("pardot: WithAPIVersion: %q is not \"3\" or \"4\"", v)
		}
		c.version = int(v[0] - '0')
		return nil
	}
}

// WithFormat sets the format of the prospects document and of Pardot's
// answers (default JSON). The two never need to differ: the decoder reads
// either, whatever was asked for (Pardot answers some failures in XML).
func WithFormat(f Format) Option {
	return func(c *config) error {
		if f != JSON && f != XML {
			return fmt.Errorf("pardot: WithFormat: unknown format %v", f)
		}
		c.format = f
		return nil
	}
}

// WithMaxRequestBytes caps one request's form body (default
// DefaultMaxRequestBytes): requests are filled up to it, and a prospect
// that alone would exceed it is failed before sending.
func WithMaxRequestBytes(n int) Option {
	return func(c *config) error { return c.SetMaxRequestBytes(n, minRequestBytes) }
}

// WithImportThreshold sends a Create, Update or Upsert call of more than
// n prospects through the Import API v5 instead of the batch endpoints
// (default 0: never; see the package doc, "Imports", for what differs).
// The first n+1 prospects are read before the path is chosen, so n also
// bounds what a call holds in memory before it starts. A client built
// with the deprecated WithLegacyLogin always uses the batch endpoints.
func WithImportThreshold(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("pardot: WithImportThreshold: %d is negative", n)
		}
		c.importThreshold = n
		return nil
	}
}

// WithTokenFunc authenticates with Salesforce OAuth, the way Salesforce
// documents for Account Engagement, and is the option to choose: each
// request carries "Authorization: Bearer <token>" and
// "Pardot-Business-Unit-Id" (the business unit's id: "0Uv", 15 or 18
// letters and digits). The client keeps the token fetch returns, shared by
// every worker, until its Expiry passes or Pardot refuses it as an ended
// session (code 184, or 1); it then calls fetch once and replays the
// refused request once. Salesforce's token answer carries no expires_in,
// so a session that ends mid-run is noticed only through that refusal. If
// fetch gives back the refused token, or is refused itself (a 4xx from the
// token endpoint), the run stops with the rest not attempted; a token
// endpoint that is down is tried again as the retry policy allows. fetch
// gets a context carrying the client's *http.Client as oauth2.HTTPClient
// (unless the run's context already has one), so an oauth2 or
// clientcredentials Token method reaches the token endpoint through the
// client's transport and never follows a redirect to another host with
// the client secret.
func WithTokenFunc(fetch TokenFunc, businessUnitID string) Option {
	return oauthOption(fetch == nil, "WithTokenFunc: nil TokenFunc", businessUnitID,
		func(c *config) { c.tokenFunc = fetch })
}

// WithTokenSource authenticates with Salesforce OAuth through a
// TokenSource asked on every request; see WithTokenFunc for the headers.
// When Pardot refuses its token as an ended session, ts is asked once more
// and the request replayed once. Most TokenSources cache for ever a token
// without expiry (oauth2.ReuseTokenSource, which oauth2.Config and
// clientcredentials.Config hand out), and Salesforce's tokens have none,
// so with such a source an ended session stops the run: to recover from
// one, use WithTokenFunc. The source fetches with the client it was built
// with (clientcredentials.Config.TokenSource(ctx) takes it from ctx): give
// it one that does not follow redirects to another host.
func WithTokenSource(ts oauth2.TokenSource, businessUnitID string) Option {
	return oauthOption(ts == nil, "WithTokenSource: nil TokenSource", businessUnitID,
		func(c *config) { c.tokenSource = ts })
}

// WithToken authenticates with a fixed Salesforce access token; see
// WithTokenFunc. A session that ends stops the run (code 184).
func WithToken(accessToken, businessUnitID string) Option {
	return func(c *config) error {
		if err := c.CheckCredential("WithToken", "access token", accessToken); err != nil {
			return err
		}
		c.staticToken = accessToken
		return WithTokenSource(vendorkit.StaticToken(accessToken), businessUnitID)(c)
	}
}

// oauthOption checks an OAuth option's arguments (missing: its token
// argument is nil, reported as problem) and records it with set.
func oauthOption(missing bool, problem, businessUnitID string, set func(*config)) Option {
	return func(c *config) error {
		if missing {
			return errors.New("pardot: " + problem)
		}
		if err := checkBusinessUnit(businessUnitID); err != nil {
			return err
		}
		set(c)
		c.businessUnit = businessUnitID
		c.authKinds++
		return nil
	}
}

// WithLegacyLogin authenticates as a Pardot-only user: POST
// /api/login/version/3 with email, password and user_key returns an
// api_key (valid about an hour) sent as "Authorization: Pardot
// api_key=…, user_key=…". An expired key (code 1) earns one new login and
// one replay of the request.
//
// Deprecated: Salesforce retired Pardot's own user authentication on
// 2021-02-15 (help article 000381447): users sign in through Salesforce
// single sign-on, and the API takes Salesforce OAuth. Use WithTokenFunc;
// this option remains for accounts that still have a Pardot-only API user.
func WithLegacyLogin(email, password, userKey string) Option {
	return func(c *config) error {
		for _, v := range [][2]string{{"email", email}, {"password", password}, {"user key", userKey}} {
			if err := c.CheckCredential("WithLegacyLogin", v[0], v[1]); err != nil {
				return err
			}
		}
		c.legacy = &legacyCreds{email: email, password: password, userKey: userKey}
		c.authKinds++
		return nil
	}
}

// checkBusinessUnit checks the shape of a Pardot business unit id.
func checkBusinessUnit(id string) error {
	if !strings.HasPrefix(id, "0Uv") || (len(id) != 15 && len(id) != 18) {
		return fmt.Errorf("pardot: business unit id %q must start with 0Uv and have 15 or 18 characters", id)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("pardot: business unit id %q must be alphanumeric", id)
		}
	}
	return nil
}

// minRequestBytes is the smallest WithMaxRequestBytes: room for the form's
// envelope and one prospect of a few fields.
const minRequestBytes = 1024
