package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// DefaultBaseURL is HubSpot's API host.
const DefaultBaseURL = "https://api.hubapi.com"

// MaxBatchSize is the most inputs one request carries, and the default:
// "Object API batch endpoints are limited to 100 inputs per request"
// (HubSpot, Using Object APIs, Limits). WithBatchSize refuses more.
const MaxBatchSize = 100

// MaxHistoryBatchSize is the most ids a batch read sends when it asks for
// ReadOptions.PropertiesWithHistory: HubSpot refuses more with "The maximum
// number of inputs supported in a batch request for property histories is
// 50".
const MaxHistoryBatchSize = 50

// DefaultMaxRequestBytes is the most encoded bytes one request carries
// unless WithMaxRequestBytes says otherwise. HubSpot documents no request
// size limit for the objects batch endpoints (only inputs per request), so
// this is a generous default that only a pathological record reaches: a
// record bigger than it fails alone, before any request, and the others go
// in.
const DefaultMaxRequestBytes = 8 << 20

// minRequestBytes is the smallest WithMaxRequestBytes: room for the envelope and one small record.
const minRequestBytes = 1024

// DefaultAPIVersion is the CRM objects API a Client speaks unless
// WithAPIVersion says otherwise: the date version 2026-09, generally
// available since 2026-09-08 (/crm/objects/2026-09/…).
const DefaultAPIVersion = "2026-09"

// LegacyAPIVersion names the /crm/v3/objects/… paths, which HubSpot's
// reference lists under "legacy".
const LegacyAPIVersion = "v3"

// DefaultLockedWait is the least wait before sending again after a 423
// Locked (HubSpot's lock lasts 2 s).
const DefaultLockedWait = 2 * time.Second

// Option configures a Client; New reports a bad option (or a nil one) as
// an error.
type Option func(*config) error

// config is what the options set.
type config struct {
	vendorkit.Common
	objectsPath string // "/crm/objects/YYYY-MM" or "/crm/v3/objects"
	token       string
	tokenSource oauth2.TokenSource
	lockedWait  time.Duration
	imports     ImportConfig
}

// defaultConfig holds the defaults. Concurrency 1: HubSpot's limits are per
// account, shared by every integration (a burst of 100 to 190 requests per
// 10 s, a daily quota), and it answers 423 Locked to writes that touch the
// same records too fast; one request in flight carrying 100 inputs already
// moves about 100 records a second. Raise it with WithEngine(batch.Config{Concurrency: n}) and pace
// it with WithEngine(batch.Config{Limiter: BurstLimiter(n)}).
func defaultConfig() config {
	return config{
		Common: vendorkit.Common{Vendor: vendor, BaseURL: DefaultBaseURL, BatchSize: MaxBatchSize, MaxBatchSize: MaxBatchSize,
			MaxRequestBytes: DefaultMaxRequestBytes, Engine: batch.Config{Concurrency: 1}},
		objectsPath: objectsPath(DefaultAPIVersion),
		lockedWait:  DefaultLockedWait,
	}
}

// WithBaseURL sets the API root; default https://api.hubapi.com. For the
// fake: WithBaseURL(srv.BaseURL()).
func WithBaseURL(u string) Option { return func(c *config) error { return c.SetBaseURL(u) } }

// WithHTTPClient sets the *http.Client requests go through (copied, never
// changed; its transport is shared). Its own Timeout bounds each request
// (0: none; the context still bounds each call). It cannot be combined
// with WithTimeout: set the timeout on your *http.Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTimeout bounds one request; default 30 s.
func WithTimeout(d time.Duration) Option { return func(c *config) error { return c.SetTimeout(d, 0) } }

// WithBatchSize sets the most inputs per request, 1 to MaxBatchSize (the
// default, 100: HubSpot's object batch endpoints take no more). A batch
// read that asks for property histories sends at most MaxHistoryBatchSize
// (50) ids whatever the batch size.
func WithBatchSize(n int) Option { return func(c *config) error { return c.SetBatchSize(n) } }

// WithEngine sets the engine's configuration for every run: concurrency,
// limiter, retry policy and budget, what the report keeps, hooks, logger.
// Only its non-zero fields are set, so several WithEngine options add up
// and a zero field keeps the default (concurrency 1).
func WithEngine(cfg batch.Config) Option { return func(c *config) error { return c.SetEngine(cfg) } }

// WithToken authenticates with a static private-app (or OAuth access)
// token, sent as "Authorization: Bearer <token>".
func WithToken(token string) Option {
	return func(c *config) error {
		if err := c.CheckCredential("WithToken", "token", token); err != nil {
			return err
		}
		c.token = token
		return nil
	}
}

// WithTokenSource authenticates with OAuth tokens from ts (refreshed as it
// decides), sent as "Authorization: Bearer <access token>". Each access
// token is registered as a secret the moment it is obtained.
// A failure of ts is classed as in every crmbatch client: a token endpoint
// refusing the credentials (an *oauth2.RetrieveError with a 4xx other
// than 408 and 429) stops the run; any other failure is tried again as the
// retry policy allows. A call to ts that hangs is abandoned when the run's
// context ends.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("hubspot: WithTokenSource: nil token source")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithAPIVersion chooses the CRM objects API: a date version such as
// "2026-09" (the default, DefaultAPIVersion: /crm/objects/2026-09/…) or
// "2026-03", or "v3" (LegacyAPIVersion: /crm/v3/objects/…, which
// HubSpot's reference now files under legacy). The batch endpoints and
// their bodies are the same in all of them; what differs is what HubSpot
// enforces. From 2026-09 on, the portal's admin-configured validation
// rules (conditional required properties, the required fields of the
// Create Record form, user-level association permissions) apply to every
// create, update and upsert: a write those rules refuse fails with
// CodeValidation (batch.ErrInvalid), where v3 and 2026-03 would have
// written it. Choose "v3" or "2026-03" only to keep the older behaviour
// until the integration sends what the rules require.
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

// WithMaxRequestBytes sets the most encoded bytes one request carries
// (default DefaultMaxRequestBytes, 8 MiB; HubSpot documents no limit). A
// record whose encoding alone is bigger fails before any request,
// matching *batch.TooLargeError.
func WithMaxRequestBytes(n int) Option {
	return func(c *config) error { return c.SetMaxRequestBytes(n, minRequestBytes) }
}

// WithImports sets when and how bulk updates and upserts go through
// HubSpot's Imports API (see ImportConfig and Objects.ImportUpsert): with
// Threshold n > 0, an Update or Upsert of at least n records is sent as
// CSV imports, with the same report and error as the batch endpoints but
// minutes of latency and no object in a succeeded record's Result.
func WithImports(ic ImportConfig) Option {
	return func(c *config) error {
		if err := ic.check(); err != nil {
			return err
		}
		c.imports = ic
		return nil
	}
}
