package vendorkit

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// MaxConcurrency is the most requests in flight any client allows.
const MaxConcurrency = 256

// Common holds the settings every vendor client has, with one meaning in
// all five: each vendor's config embeds it, and each vendor's WithBaseURL,
// WithHTTPClient, WithTimeout, WithBatchSize, WithMaxRequestBytes and
// WithEngine is a one-line call into its setters. The rules: a nil option or client is an error,
// never silently skipped; a batch size out of the vendor's range is an
// error; WithEngine sets only the non-zero fields of its batch.Config, so
// engine options add up and a zero field keeps the vendor's default.
type Common struct {
	// Vendor names the vendor package, for error messages.
	Vendor string
	// BaseURL is the API root, without a trailing slash.
	BaseURL string
	// HTTPClient is the caller's client, or nil for a new one.
	HTTPClient *http.Client
	// Timeout is the per-request timeout (0: httpx's default).
	Timeout time.Duration
	// BatchSize is the most records one request carries.
	BatchSize int
	// MaxBatchSize is the vendor's documented ceiling for BatchSize.
	MaxBatchSize int
	// MaxRequestBytes is the most encoded bytes one request carries.
	MaxRequestBytes int
	// Engine is the batch engine's configuration for every run.
	Engine batch.Config
}

// Apply runs opts on cfg in order; the first error (or a nil option) is
// returned, prefixed with the vendor's name. O is the vendor's named
// Option type (type Option func(*config) error).
func Apply[C any, O ~func(*C) error](vendor string, cfg *C, opts []O) error {
	for i, o := range opts {
		if o == nil {
			return fmt.Errorf("%s: option %d is nil", vendor, i)
		}
		if err := o(cfg); err != nil {
			return err
		}
	}
	return nil
}

func (c *Common) errorf(option, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", c.Vendor, option, fmt.Sprintf(format, args...))
}

// SetBaseURL checks and sets the API root: an absolute http(s) URL with no
// query and no user info (credentials never travel in it).
func (c *Common) SetBaseURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return c.errorf("WithBaseURL", "want an absolute http(s) URL, got %q", httpx.RedactString(u))
	}
	if p.RawQuery != "" || p.User != nil {
		return c.errorf("WithBaseURL", "the URL must not carry a query or user info")
	}
	c.BaseURL = strings.TrimRight(p.String(), "/")
	return nil
}

// SetHTTPClient sets the caller's *http.Client (copied, never changed).
func (c *Common) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return c.errorf("WithHTTPClient", "nil *http.Client")
	}
	c.HTTPClient = hc
	return nil
}

// SetTimeout sets the per-request timeout; it must be positive and at
// least min (the vendor's floor, 0 when it has none).
func (c *Common) SetTimeout(d, min time.Duration) error {
	if d <= 0 {
		return c.errorf("WithTimeout", "timeout must be positive, got %v", d)
	}
	if d < min {
		return c.errorf("WithTimeout", "timeout %v is shorter than the vendor's minimum %v", d, min)
	}
	c.Timeout = d
	return nil
}

// SetBatchSize sets the records per request, 1 to MaxBatchSize.
func (c *Common) SetBatchSize(n int) error {
	if n < 1 || n > c.MaxBatchSize {
		return c.errorf("WithBatchSize", "batch size %d is not in 1..%d (the vendor's documented limit)", n, c.MaxBatchSize)
	}
	c.BatchSize = n
	return nil
}

// SetMaxRequestBytes sets the most encoded bytes one request carries; it
// must be at least min, the vendor's room for its envelope and one small
// record.
func (c *Common) SetMaxRequestBytes(n, min int) error {
	if n < min {
		return c.errorf("WithMaxRequestBytes", "%d bytes is below %d, the smallest request", n, min)
	}
	c.MaxRequestBytes = n
	return nil
}

// SetEngine sets the non-zero fields of cfg on the engine configuration,
// after checking them; a zero field keeps what was set before (at first
// the vendor's defaults, such as its documented concurrency). So
// WithEngine(batch.Config{Retry: p}) changes the retry policy alone, and
// several WithEngine options add up in order.
func (c *Common) SetEngine(cfg batch.Config) error {
	if err := CheckEngine(cfg); err != nil {
		return c.errorf("WithEngine", "%v", err)
	}
	e := &c.Engine
	if cfg.Concurrency != 0 {
		e.Concurrency = cfg.Concurrency
	}
	if cfg.Limiter != nil {
		e.Limiter = cfg.Limiter
	}
	if cfg.Retry != (batch.RetryPolicy{}) {
		e.Retry = cfg.Retry
	}
	if cfg.RetryBudget != nil {
		e.RetryBudget = cfg.RetryBudget
	}
	if cfg.Keep != batch.KeepAll {
		e.Keep = cfg.Keep
	}
	if cfg.OnProgress != nil {
		e.OnProgress = cfg.OnProgress
	}
	if cfg.OnOutcome != nil {
		e.OnOutcome = cfg.OnOutcome
	}
	if cfg.OnSend != nil {
		e.OnSend = cfg.OnSend
	}
	if cfg.Logger != nil {
		e.Logger = cfg.Logger
	}
	return nil
}

// CheckEngine reports what is wrong with an engine configuration: a
// concurrency out of range, a negative retry field, an unknown Keep.
func CheckEngine(cfg batch.Config) error {
	var errs []error
	if cfg.Concurrency < 0 || cfg.Concurrency > MaxConcurrency {
		errs = append(errs, fmt.Errorf("concurrency %d is not in 0..%d", cfg.Concurrency, MaxConcurrency))
	}
	p := cfg.Retry
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		errs = append(errs, fmt.Errorf("retry policy has a negative field: %+v", p))
	}
	if cfg.Keep > batch.KeepNone {
		errs = append(errs, fmt.Errorf("unknown batch.Keep value %d", cfg.Keep))
	}
	return errors.Join(errs...)
}

// HTTP builds the client's one HTTP stack from the common settings and the
// vendor's floor for the timeout, with the client's secrets registry.
// WithTimeout and WithHTTPClient together are an error: the caller's
// *http.Client carries its own Timeout, and one of the two would be
// silently ignored.
func (c *Common) HTTP(minTimeout time.Duration, secrets *httpx.Secrets) (*httpx.Client, error) {
	if c.HTTPClient != nil && c.Timeout != 0 {
		return nil, fmt.Errorf("%s: WithTimeout and WithHTTPClient together: set the timeout on your *http.Client", c.Vendor)
	}
	hc, err := httpx.New(httpx.Config{HTTPClient: c.HTTPClient, Timeout: c.Timeout, MinTimeout: minTimeout,
		Logger: c.Engine.Logger, Secrets: secrets})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Vendor, err)
	}
	return hc, nil
}
