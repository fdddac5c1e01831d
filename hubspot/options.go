package hubspot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/engineopt"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// DefaultBaseURL is HubSpot's API host.
const DefaultBaseURL = "https://api.hubapi.com"

// DefaultBatchSize is the most inputs sent in one request unless
// WithBatchSize says otherwise.
const DefaultBatchSize = MaxBatchSize

// MaxBatchSize is the largest value WithBatchSize accepts: "Object API
// batch endpoints are limited to 100 inputs per request" (HubSpot, Using
// Object APIs, Limits).
const MaxBatchSize = 100

// MaxHistoryBatchSize is the most ids a batch read sends when it asks for
// ReadOptions.PropertiesWithHistory: HubSpot refuses more with "The maximum
// number of inputs supported in a batch request for property histories is
// 50".
const MaxHistoryBatchSize = 50

// DefaultAPIVersion is the CRM objects API a Client speaks unless
// WithAPIVersion says otherwise: the date version 2026-09, generally
// available since 2026-09-08 (/crm/objects/2026-09/…).
const DefaultAPIVersion = "2026-09"

// LegacyAPIVersion names the /crm/v3/objects/… paths, which HubSpot's
// reference lists under "legacy".
const LegacyAPIVersion = "v3"

// DefaultLockedWait is the least wait before retrying after a 423 Locked
// (HubSpot's lock lasts 2 s).
const DefaultLockedWait = 2 * time.Second

// Option configures a Client; New reports a bad option as an error.
type Option func(*config) error

// config is what the options set.
type config struct {
	engine      engineopt.Settings
	baseURL     string
	objectsPath string // "/crm/objects/YYYY-MM" or "/crm/v3/objects"
	httpClient  *http.Client
	batchSize   int
	token       string
	tokenSource oauth2.TokenSource
	timeout     time.Duration
	lockedWait  time.Duration
}

func defaultConfig() config {
	return config{
		engine: engineopt.Settings{
			Concurrency: 1,
			Retry:       batch.DefaultRetryPolicy(),
		},
		baseURL:     DefaultBaseURL,
		objectsPath: objectsPath(DefaultAPIVersion),
		batchSize:   DefaultBatchSize,
		lockedWait:  DefaultLockedWait,
	}
}

// WithToken authenticates with a static private-app (or OAuth access)
// token, sent as "Authorization: Bearer <token>".
func WithToken(token string) Option {
	return func(c *config) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("hubspot: WithToken: empty token")
		}
		if strings.ContainsAny(token, "\r\n") {
			return errors.New("hubspot: WithToken: token contains a line break")
		}
		c.token = token
		return nil
	}
}

// WithTokenSource authenticates with OAuth tokens from ts (refreshed as it
// decides), sent as "Authorization: Bearer <access token>".
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("hubspot: WithTokenSource: nil token source")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithBaseURL sets the API root; default https://api.hubapi.com.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("hubspot: WithBaseURL: want an absolute http(s) URL, got %q", httpx.RedactString(u))
		}
		if p.RawQuery != "" || p.User != nil {
			return errors.New("hubspot: WithBaseURL: the URL must not carry a query or user info")
		}
		c.baseURL = strings.TrimRight(p.String(), "/")
		return nil
	}
}

// WithAPIVersion chooses the CRM objects API: a date version such as
// "2026-09" (the default, [DefaultAPIVersion]: /crm/objects/2026-09/…) or
// "2026-03", or "v3" ([LegacyAPIVersion]: /crm/v3/objects/…, which
// HubSpot's reference now files under legacy). The batch endpoints and
// their bodies are the same in all of them; what differs is what HubSpot
// enforces. From 2026-09 on, the portal's admin-configured validation
// rules (conditional required properties, the required fields of the
// Create Record form, user-level association permissions) apply to every
// create, update and upsert: a write those rules refuse fails with
// [ErrValidation] (a 400, or its input's error in a 207), where v3 and
// 2026-03 would have written it. Choose "v3" or "2026-03" only to keep
// the older behaviour until the integration sends what the rules require.
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if v != LegacyAPIVersion && !datedVersion.MatchString(v) {
			return fmt.Errorf("hubspot: WithAPIVersion: want %q or a date version like %q, got %q", LegacyAPIVersion, DefaultAPIVersion, v)
		}
		c.objectsPath = objectsPath(v)
		return nil
	}
}

// objectsPath is the path prefix of the objects API of version v (one
// WithAPIVersion accepts).
func objectsPath(v string) string {
	if v == LegacyAPIVersion {
		return "/crm/v3/objects"
	}
	return "/crm/objects/" + v
}

// datedVersion matches HubSpot's date versions (YYYY-MM).
var datedVersion = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])$`)

// WithHTTPClient sends requests through hc (its Transport and Timeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("hubspot: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds one request attempt; default 30 s. It applies to the
// client New builds; with WithHTTPClient, that client's own Timeout rules.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("hubspot: WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithLogger receives retry, isolation and request lines (debug level),
// never a token. Default: discarded.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.engine.Logger = l
		return nil
	}
}

// WithLimiter paces requests, retries included. Share one limiter between
// every client that uses the same HubSpot account; see BurstLimiter.
func WithLimiter(l batch.Limiter) Option {
	return func(c *config) error {
		c.engine.Limiter = l
		return nil
	}
}

// WithRetryPolicy sets attempts and backoff; zero fields keep
// batch.DefaultRetryPolicy's values.
func WithRetryPolicy(p batch.RetryPolicy) Option {
	return func(c *config) error {
		if err := c.engine.SetRetry(p); err != nil {
			return fmt.Errorf("hubspot: WithRetryPolicy: %w", err)
		}
		return nil
	}
}

// WithConcurrency sets how many requests may be in flight at once
// (default 1; at most 256).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if err := c.engine.SetConcurrency(n); err != nil {
			return fmt.Errorf("hubspot: WithConcurrency: %w", err)
		}
		return nil
	}
}

// WithBatchSize sets the most inputs per request (default and most
// [MaxBatchSize], 100: HubSpot's object batch endpoints take no more). A
// batch read that asks for property histories sends at most
// [MaxHistoryBatchSize] (50) ids whatever the batch size.
func WithBatchSize(n int) Option {
	return func(c *config) error {
		switch {
		case n < 1:
			return fmt.Errorf("hubspot: WithBatchSize: %d is not positive", n)
		case n > MaxBatchSize:
			return fmt.Errorf("hubspot: WithBatchSize: %d is more than the %d inputs HubSpot's object batch endpoints take per request", n, MaxBatchSize)
		}
		c.batchSize = n
		return nil
	}
}

// WithProgress is called after each request's records are settled.
func WithProgress(f func(batch.Progress)) Option {
	return func(c *config) error {
		c.engine.Progress = f
		return nil
	}
}

// WithOutcomeHook is called once per record as it reaches its final state.
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
			return fmt.Errorf("hubspot: WithKeep: %w", err)
		}
		return nil
	}
}

// WithLockedWait sets the least wait after a 423 Locked (default 2 s, as
// HubSpot's lock lasts). Lower it only against a fake server.
func WithLockedWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("hubspot: WithLockedWait: negative wait")
		}
		c.lockedWait = d
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
