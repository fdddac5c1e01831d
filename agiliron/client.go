package agiliron

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// vendor names this package in errors and printed values.
const vendor = "agiliron"

// Client sends leads, contacts and accounts to one Agiliron company. It is
// safe for concurrent use, and prints (with any fmt verb, and through
// slog) as its base URL only: the API key never shows.
// Its BaseURL method returns where its requests go, as the options set it.
type Client struct {
	vendorkit.Printable
	cfg  config
	http *httpx.Client
	base string // ends without a slash
	log  *slog.Logger
	// writeHeader and readHeader are the headers of a request with a
	// body and without one, built once: httpx copies a request's headers
	// into its own, so they are shared and never modified.
	writeHeader, readHeader http.Header
}

// New builds a Client. WithAPIKey and one of WithCompany or WithBaseURL are
// required.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		Common: vendorkit.Common{Vendor: vendor, BatchSize: DefaultBatchSize, MaxBatchSize: maxBatchSize,
			MaxRequestBytes: DefaultMaxRequestBytes},
		reqFormat:    JSON,
		pollInterval: defaultPollInterval, callbackTimeout: defaultCallbackTimeout,
		resultTimeout: defaultResultTimeout,
	}
	fs := make([]func(*config) error, len(opts))
	for i, o := range opts {
		fs[i] = o // a nil Option stays nil: Apply refuses it
	}
	if err := vendorkit.Apply(vendor, &cfg, fs); err != nil {
		return nil, err
	}
	if cfg.apiKey == "" {
		return nil, errors.New("agiliron: an API key is required (WithAPIKey)")
	}
	if cfg.company != "" && cfg.BaseURL != "" {
		return nil, errors.New("agiliron: WithCompany and WithBaseURL are exclusive")
	}
	if cfg.pathStyle != 0 && cfg.company == "" {
		return nil, errors.New("agiliron: WithPathStyle applies to WithCompany; WithBaseURL takes the whole path")
	}
	base := cfg.BaseURL
	if cfg.company != "" {
		base = "https://" + cfg.company + ".agiliron.net/agiliron/" + cfg.pathStyle.segment()
	}
	if base == "" {
		return nil, errors.New("agiliron: a company (WithCompany) or a base URL (WithBaseURL) is required")
	}
	if cfg.respFormat == 0 {
		cfg.respFormat = cfg.reqFormat
	}
	if cfg.Engine.Logger == nil {
		cfg.Engine.Logger = slog.New(slog.DiscardHandler)
	}
	secrets := httpx.NewSecrets(cfg.apiKey)
	if cfg.webhook != nil {
		secrets.Add(cfg.webhook.secret)
	}
	hc, err := cfg.HTTP(0, secrets)
	if err != nil {
		return nil, err
	}
	c := &Client{Printable: vendorkit.NewPrintable(vendor, base),
		cfg: cfg, http: hc, base: base, log: cfg.Engine.Logger}
	c.writeHeader, c.readHeader = c.newHeader(true), c.newHeader(false)
	return c, nil
}

// endpoint returns the URL of resource with query q (the key added when
// the caller asked for the query form).
func (c *Client) endpoint(resource string, q url.Values) string {
	if c.cfg.keyInQuery {
		if q == nil {
			q = url.Values{}
		}
		q.Set("key", c.cfg.apiKey)
	}
	u := c.base + "/" + resource
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// header returns the request headers, shared and not to be modified;
// body says whether a body is sent.
func (c *Client) header(body bool) http.Header {
	if body {
		return c.writeHeader
	}
	return c.readHeader
}

// newHeader builds the request headers; body says whether a body is sent.
func (c *Client) newHeader(body bool) http.Header {
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
