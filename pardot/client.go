package pardot

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/crmbatch/crmbatch/internal/engineopt"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Client sends prospects to Pardot's batch endpoints. It is safe for
// concurrent use; its legacy api_key (if any) is shared by all calls.
type Client struct {
	cfg  config
	http *httpx.Client
	auth authenticator
}

// New builds a Client. Exactly one credential option is required:
// WithOAuthTokenFunc (recommended), WithOAuth, WithToken, or the
// deprecated WithLegacyLogin.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		baseURL:    DefaultBaseURL,
		engine:     engineopt.Settings{Concurrency: DefaultConcurrency},
		batchSize:  MaxBatchSize,
		version:    3,
		reqFormat:  JSON,
		respFormat: JSON,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.authKinds == 0:
		return nil, errors.New("pardot: no credentials: use WithOAuthTokenFunc, WithOAuth or WithToken")
	case cfg.authKinds > 1:
		return nil, errors.New("pardot: more than one credential option: use exactly one of WithOAuthTokenFunc, WithOAuth, WithToken or WithLegacyLogin")
	}
	if cfg.engine.Logger == nil {
		cfg.engine.Logger = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	if cfg.legacy != nil {
		secrets = append(secrets, cfg.legacy.password, cfg.legacy.userKey)
	}
	hc, err := httpx.New(httpx.Config{
		HTTPClient:   cfg.httpClient,
		Logger:       cfg.engine.Logger,
		Secrets:      secrets,
		RetryMax:     cfg.transportRetries,
		RetryWaitMin: cfg.transportWait,
		RetryWaitMax: cfg.transportMax,
	})
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, http: hc}
	if cfg.legacy != nil {
		c.auth = &legacyAuth{c: c, creds: *cfg.legacy}
	} else {
		c.auth = &oauthAuth{ts: cfg.tokenSource, fetch: cfg.tokenFunc, businessUnit: cfg.businessUnit}
	}
	return c, nil
}

// HTTPClient returns the *http.Client requests go through (to intercept in
// tests with gock.InterceptClient).
func (c *Client) HTTPClient() *http.Client { return c.http.HTTPClient() }

// Version returns the API version in use (3 or 4).
func (c *Client) Version() int { return c.cfg.version }
