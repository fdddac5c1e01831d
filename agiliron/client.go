package agiliron

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/crmbatch/crmbatch/internal/engineopt"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Client sends leads, contacts and accounts to one Agiliron company. It is
// safe for concurrent use.
type Client struct {
	cfg  config
	http *httpx.Client
	base string
	log  *slog.Logger
}

// New builds a Client. WithAPIKey and one of WithCompany or WithBaseURL are
// required.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		reqFormat: JSON, batchSize: DefaultBatchSize, engine: engineopt.Settings{Concurrency: 1},
		pollInterval: DefaultPollInterval, callbackTimeout: DefaultCallbackTimeout,
		resultTimeout: DefaultResultTimeout,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("agiliron: nil option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.apiKey == "" {
		return nil, errors.New("agiliron: an API key is required (WithAPIKey)")
	}
	if cfg.company != "" && cfg.baseURL != "" {
		return nil, errors.New("agiliron: WithCompany and WithBaseURL are exclusive")
	}
	if cfg.pathStyle != 0 && cfg.company == "" {
		return nil, errors.New("agiliron: WithPathStyle applies to WithCompany; WithBaseURL takes the whole path")
	}
	base := cfg.baseURL
	if cfg.company != "" {
		base = "https://" + cfg.company + ".agiliron.net/agiliron/" + cfg.pathStyle.segment()
	}
	if base == "" {
		return nil, errors.New("agiliron: a company (WithCompany) or a base URL (WithBaseURL) is required")
	}
	if cfg.respFormat == 0 {
		cfg.respFormat = cfg.reqFormat
	}
	if cfg.engine.Logger == nil {
		cfg.engine.Logger = slog.New(slog.DiscardHandler)
	}
	secrets := []string{cfg.apiKey, url.QueryEscape(cfg.apiKey), url.QueryEscape(url.QueryEscape(cfg.apiKey))}
	if cfg.webhook != nil {
		s := cfg.webhook.secret
		secrets = append(secrets, s, url.QueryEscape(s))
	}
	hc, err := httpx.New(httpx.Config{HTTPClient: cfg.httpClient, Logger: cfg.engine.Logger, Secrets: secrets})
	if err != nil {
		return nil, fmt.Errorf("agiliron: %w", err)
	}
	return &Client{cfg: cfg, http: hc, base: base, log: cfg.engine.Logger}, nil
}

// BaseURL returns the base URL resources are appended to.
func (c *Client) BaseURL() string { return c.base }

// HTTPClient returns the *http.Client requests go through (for tests that
// intercept it).
func (c *Client) HTTPClient() *http.Client { return c.http.HTTPClient() }

// endpoint returns the URL of resource with query q (the key added when
// the caller asked for the query form).
func (c *Client) endpoint(resource string, q url.Values) string {
	if c.cfg.keyInQuery {
		if q == nil {
			q = url.Values{}
		}
		q.Set("key", c.cfg.apiKey)
	}
	u := c.base + resource
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// header returns the request headers; body says whether a body is sent.
func (c *Client) header(body bool) http.Header {
	h := http.Header{}
	h.Set("Accept", c.cfg.respFormat.mediaType())
	if body {
		h.Set("Content-Type", c.cfg.reqFormat.mediaType()+"; charset=utf-8")
	}
	if !c.cfg.keyInQuery {
		h.Set("apiKey", c.cfg.apiKey)
	}
	return h
}

// waitLimiter waits on the configured limiter, if any.
func (c *Client) waitLimiter(ctx context.Context) error {
	if c.cfg.engine.Limiter == nil {
		return nil
	}
	return c.cfg.engine.Limiter.Wait(ctx)
}
