package pardot

import (
	"context"
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

// Hosts.
const (
	// DefaultBaseURL serves production and training accounts.
	DefaultBaseURL = "https://pi.pardot.com"
	// DemoBaseURL serves demo, developer and sandbox accounts.
	DemoBaseURL = "https://pi.demo.pardot.com"
)

// MaxBatchSize is Pardot's limit of prospects per batch request.
const MaxBatchSize = 50

// DefaultConcurrency is Pardot's limit of concurrent requests per account.
const DefaultConcurrency = 5

// Option configures a Client in New.
type Option func(*config) error

type config struct {
	baseURL      string
	httpClient   *http.Client
	engine       engineopt.Settings
	batchSize    int
	version      int
	reqFormat    Format
	respFormat   Format
	tokenSource  oauth2.TokenSource
	tokenFunc    TokenFunc
	businessUnit string
	legacy       *legacyCreds
	authKinds    int

	transportRetries            int
	transportWait, transportMax time.Duration
}

type legacyCreds struct {
	email, password, userKey string
}

// WithBaseURL sets the API host (default DefaultBaseURL; DemoBaseURL for
// sandboxes), for example a pardottest server's URL.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("pardot: WithBaseURL: %q is not an http(s) URL", u)
		}
		if p.User != nil || p.RawQuery != "" {
			return errors.New("pardot: WithBaseURL: the URL must not carry credentials or a query")
		}
		c.baseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithHTTPClient sets the *http.Client used for every request.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("pardot: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger sets the logger for request, retry and login lines (redacted).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.engine.Logger = l; return nil }
}

// WithLimiter sets a client-side rate limiter waited on before each request.
func WithLimiter(l batch.Limiter) Option {
	return func(c *config) error { c.engine.Limiter = l; return nil }
}

// WithRetryPolicy sets the retry policy for codes 62/66 and other
// transient failures.
func WithRetryPolicy(p batch.RetryPolicy) Option {
	return func(c *config) error {
		if err := c.engine.SetRetry(p); err != nil {
			return fmt.Errorf("pardot: WithRetryPolicy: %w", err)
		}
		return nil
	}
}

// WithConcurrency sets how many requests may be in flight (default 5,
// Pardot's limit per account; more earns code 66 answers, which are retried).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if err := c.engine.SetConcurrency(n); err != nil {
			return fmt.Errorf("pardot: WithConcurrency: %w", err)
		}
		return nil
	}
}

// WithBatchSize sets the prospects per request, 1 to 50 (default 50).
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxBatchSize {
			return fmt.Errorf("pardot: WithBatchSize(%d): must be 1 to %d", n, MaxBatchSize)
		}
		c.batchSize = n
		return nil
	}
}

// WithProgress sets a hook called as requests finish.
func WithProgress(f func(batch.Progress)) Option {
	return func(c *config) error { c.engine.Progress = f; return nil }
}

// WithOutcomeHook sets a hook called once per record as its outcome is final.
func WithOutcomeHook(f func(index int, key string, status batch.Status, err error)) Option {
	return func(c *config) error { c.engine.Outcome = f; return nil }
}

// WithKeep sets which per-record outcomes the report keeps.
func WithKeep(k batch.Keep) Option {
	return func(c *config) error {
		if err := c.engine.SetKeep(k); err != nil {
			return fmt.Errorf("pardot: WithKeep: %w", err)
		}
		return nil
	}
}

// WithVersion selects API version 3 (the default; keyed map) or 4 (flat
// array; required for accounts that allow several prospects per email).
func WithVersion(v int) Option {
	return func(c *config) error {
		if v != 3 && v != 4 {
			return fmt.Errorf("pardot: WithVersion(%d): must be 3 or 4", v)
		}
		c.version = v
		return nil
	}
}

// WithRequestFormat sets the format of the prospects document (default JSON).
func WithRequestFormat(f Format) Option {
	return func(c *config) error {
		if f != JSON && f != XML {
			return fmt.Errorf("pardot: WithRequestFormat: unknown format %v", f)
		}
		c.reqFormat = f
		return nil
	}
}

// WithResponseFormat sets the format Pardot answers in (default JSON). The
// decoder reads either, whatever was asked for.
func WithResponseFormat(f Format) Option {
	return func(c *config) error {
		if f != JSON && f != XML {
			return fmt.Errorf("pardot: WithResponseFormat: unknown format %v", f)
		}
		c.respFormat = f
		return nil
	}
}

// TokenFunc gets a new Salesforce access token each time it is called,
// for example a clientcredentials.Config's Token method, or a closure
// around oauth2.Config.PasswordCredentialsToken or a refresh-token
// exchange. See WithOAuthTokenFunc.
type TokenFunc func(ctx context.Context) (*oauth2.Token, error)

// WithOAuthTokenFunc authenticates with Salesforce OAuth, the way
// Salesforce documents for Account Engagement: each request carries
// "Authorization: Bearer <token>" and the "Pardot-Business-Unit-Id"
// header (the business unit's id: "0Uv" then letters and digits, 15 or 18
// characters in all). The client keeps the token fetch returns, shared by
// every worker, until Pardot refuses it as an ended session (code 184, or
// 1) or its Expiry passes; it then calls fetch once for a new token and
// replays the refused request once. Salesforce's token answer carries no
// expires_in, so a session that ends mid-run is noticed only through that
// refusal. If fetch gives back the refused token, or is refused itself
// (a 4xx from the token endpoint), the run stops with the rest not
// attempted; a token endpoint that is down is tried again later.
func WithOAuthTokenFunc(fetch TokenFunc, businessUnitID string) Option {
	return oauthOption(fetch == nil, "WithOAuthTokenFunc: nil TokenFunc", businessUnitID,
		func(c *config) { c.tokenFunc = fetch })
}

// WithOAuth authenticates with Salesforce OAuth through a TokenSource
// asked on every request; see WithOAuthTokenFunc for the headers. When
// Pardot refuses the token as an ended session (code 184, or 1), ts is
// asked once more and the request replayed once with the new token. Most
// TokenSources cache: oauth2.ReuseTokenSource (what oauth2.Config and
// clientcredentials.Config hand out) keeps a token without expiry for
// ever, and Salesforce's tokens have none, so such a source gives back
// the refused token and the run stops with the rest not attempted. To
// recover from an ended session, give WithOAuthTokenFunc a function that
// gets a new token.
func WithOAuth(ts oauth2.TokenSource, businessUnitID string) Option {
	return oauthOption(ts == nil, "WithOAuth: nil TokenSource", businessUnitID,
		func(c *config) { c.tokenSource = ts })
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

// WithToken authenticates with a fixed Salesforce access token; see
// WithOAuthTokenFunc. A session that ends stops the run (code 184).
func WithToken(accessToken, businessUnitID string) Option {
	return func(c *config) error {
		if accessToken == "" {
			return errors.New("pardot: WithToken: empty access token")
		}
		return WithOAuth(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}), businessUnitID)(c)
	}
}

// WithLegacyLogin authenticates as a Pardot-only user: POST
// /api/login/version/3 with email, password and user_key returns an
// api_key (valid about an hour) sent as "Authorization: Pardot
// api_key=…, user_key=…". An expired key (code 1) triggers one fresh login
// and one replay of the request.
//
// Deprecated: Salesforce retired Pardot's own user authentication on
// 2021-02-15 (help article 000381447): users sign in through Salesforce
// single sign-on, and the API takes Salesforce OAuth. Use
// WithOAuthTokenFunc; this option remains for accounts that still have a
// Pardot-only API user.
func WithLegacyLogin(email, password, userKey string) Option {
	return func(c *config) error {
		if email == "" || password == "" || userKey == "" {
			return errors.New("pardot: WithLegacyLogin: email, password and user key are all required")
		}
		c.legacy = &legacyCreds{email: email, password: password, userKey: userKey}
		c.authKinds++
		return nil
	}
}

// WithTransportRetries tunes the HTTP-level retries (dial failures, 429,
// 503, and 5xx on idempotent requests): at most n retries (negative: none)
// waiting between minWait and maxWait. Defaults: 3, 200 ms, 5 s.
func WithTransportRetries(n int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("pardot: WithTransportRetries: bad waits %v..%v", minWait, maxWait)
		}
		c.transportRetries, c.transportWait, c.transportMax = n, minWait, maxWait
		if n == 0 {
			c.transportRetries = -1
		}
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

// WithRetryBudget caps the retries of every run of this client, and of
// every other client given the same budget, so a sick server is not
// hammered by every worker at once (see batch.RetryBudget).
func WithRetryBudget(b *batch.RetryBudget) Option {
	return func(c *config) error { c.engine.Budget = b; return nil }
}
