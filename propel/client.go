package propel

import (
	"context"
	"errors"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Client sends bulk requests to Propel. It is safe for concurrent use; one
// Client shares its token among all its runs. Printing it (any fmt verb,
// slog) shows only the vendor and the base URL.
// Its BaseURL method returns where its requests go, as the options set it.
type Client struct {
	vendorkit.Printable
	cfg     *config
	http    *httpx.Client
	secrets *httpx.Secrets
	tokens  *tokenCache
}

// New builds a Client. Credentials are required: WithClientCredentials or
// WithTokenSource (not both).
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	fs := make([]func(*config) error, len(opts))
	for i, o := range opts {
		fs[i] = o
	}
	if err := vendorkit.Apply("propel", cfg, fs); err != nil {
		return nil, err
	}
	hasCreds := cfg.clientID != ""
	switch {
	case hasCreds && cfg.tokenSource != nil:
		return nil, errors.New("propel: give WithClientCredentials or WithTokenSource, not both")
	case !hasCreds && cfg.tokenSource == nil:
		return nil, errors.New("propel: no credentials: use WithClientCredentials or WithTokenSource")
	}
	if cfg.tokenURL == "" {
		cfg.tokenURL = tokenURLFor(cfg.BaseURL)
	}
	// The secret travels form-encoded in the token request; the registry
	// holds that spelling and every other. Access tokens join it as they
	// are learned (tokenCache).
	secrets := httpx.NewSecrets(cfg.clientSecret)
	hc, err := cfg.HTTP(minTimeout, secrets)
	if err != nil {
		return nil, err
	}
	ts := cfg.tokenSource
	if ts == nil {
		ts = &clientCredentials{http: hc, url: cfg.tokenURL, id: cfg.clientID, secret: cfg.clientSecret, now: cfg.now}
	}
	return &Client{
		Printable: vendorkit.NewPrintable("propel", cfg.BaseURL),
		cfg:       cfg, http: hc, secrets: secrets, tokens: newTokenCache(ts, cfg.now, secrets),
	}, nil
}

// post sends one bulk body to path with a bearer token. A 401 drops the
// token, fetches a new one and replays the request once; the replay is
// counted in the report's Requests. Every other answer goes back to the
// caller, whatever its status: retries are the engine's.
func (c *Client) post(ctx context.Context, op, path string, body []byte) (*httpx.Response, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.tokenCtx(ctx)
		if err != nil {
			return nil, tokenError(op, err, c.secrets)
		}
		resp, err := c.http.Do(ctx, &httpx.Request{
			Method: http.MethodPost, URL: c.cfg.BaseURL + path,
			Header: http.Header{
				"Authorization": {"Bearer " + tok},
				"Content-Type":  {"application/json"},
				"Accept":        {"application/json"},
			},
			Body:       body,
			Idempotent: true, // an upsert by key: sending it twice writes it once
		})
		if err != nil {
			var te *httpx.TransportError
			return nil, &Error{APIError: vendorkit.FromTransport[Code]("propel", op, err), maybeWritten: errors.As(err, &te) && te.MaybeSent}
		}
		if resp.StatusCode != http.StatusUnauthorized || attempt > 0 {
			return resp, nil
		}
		if l := c.cfg.Engine.Logger; l != nil {
			l.Debug("propel: token refused, refreshing once", "op", op, "x-request-id", resp.Header.Get("X-Request-Id"))
		}
		c.tokens.refresh(tok)
		batch.AddTransportRetries(ctx, 1)
	}
}
