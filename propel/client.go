package propel

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Client sends bulk requests to Propel. It is safe for concurrent use; one
// Client shares its token among all its runs.
type Client struct {
	cfg    config
	http   *httpx.Client
	tokens *tokenCache
	base   string
	// secrets are the literal values scrubbed from errors and logs.
	secrets []string
}

// New builds a Client. Credentials are required: WithClientCredentials or
// WithTokenSource (not both).
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	hasCreds := cfg.clientID != ""
	switch {
	case hasCreds && cfg.tokenSource != nil:
		return nil, errors.New("propel: give WithClientCredentials or WithTokenSource, not both")
	case !hasCreds && cfg.tokenSource == nil:
		return nil, errors.New("propel: no credentials: use WithClientCredentials or WithTokenSource")
	}
	if cfg.tokenURL == "" {
		cfg.tokenURL = tokenURLFor(cfg.baseURL)
	}
	var secrets []string
	if cfg.clientSecret != "" {
		secrets = append(secrets, cfg.clientSecret)
	}
	waitMin, waitMax := transportWaits(cfg.engine.Retry)
	hc, err := httpx.New(httpx.Config{
		HTTPClient: cfg.httpClient, Logger: cfg.engine.Logger, Secrets: secrets,
		RetryWaitMin: waitMin, RetryWaitMax: waitMax,
	})
	if err != nil {
		return nil, fmt.Errorf("propel: %w", err)
	}
	ts := cfg.tokenSource
	if ts == nil {
		ts = &clientCredentials{http: hc, url: cfg.tokenURL, id: cfg.clientID, secret: cfg.clientSecret, now: cfg.now}
	}
	return &Client{cfg: cfg, http: hc, tokens: newTokenCache(ts, cfg.now), base: cfg.baseURL, secrets: secrets}, nil
}

// HTTPClient returns the *http.Client requests go through, for
// gock.InterceptClient in tests.
func (c *Client) HTTPClient() *http.Client { return c.http.HTTPClient() }

// BatchSize returns the most records sent in one request.
func (c *Client) BatchSize() int { return c.cfg.batchSize }

// post sends one bulk body to path with a bearer token. A 401 drops the
// token, fetches a new one and replays the request once. The request is
// idempotent (an upsert by key), so httpx may retry it after a 5xx or a
// dropped connection.
func (c *Client) post(ctx context.Context, path string, body []byte) (*httpx.Response, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.tokenCtx(ctx)
		if err != nil {
			return nil, fmt.Errorf("propel: getting an access token: %w", err)
		}
		resp, err := c.http.Do(ctx, &httpx.Request{
			Method: http.MethodPost, URL: c.base + path,
			Header: http.Header{
				"Authorization": {"Bearer " + tok.AccessToken},
				"Content-Type":  {"application/json"},
				"Accept":        {"application/json"},
			},
			Body:       body,
			Idempotent: true,
		})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			if c.cfg.engine.Logger != nil {
				c.cfg.engine.Logger.Debug("propel: token refused, refreshing once", "path", path, "x-request-id", resp.Header.Get("X-Request-Id"))
			}
			c.tokens.refresh(tok.AccessToken)
			continue
		}
		return resp, nil
	}
}
