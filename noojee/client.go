package noojee

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// The CampaignAPI operations this package calls.
const (
	// EndpointInsertLeadsFast is the bulk insert: a JSON array of leads.
	// Noojee's current documentation renames it to the one-lead
	// insertLeadFast; a server without it answers HTTP 404 and InsertLeads
	// falls back to EndpointInsertLeadFast.
	EndpointInsertLeadsFast = "insertLeadsFast"
	// EndpointInsertLeadFast inserts one lead.
	EndpointInsertLeadFast = "insertLeadFast"
	// EndpointUpdateLeadFast updates one lead found by njExternalLeadId.
	EndpointUpdateLeadFast = "updateLeadFast"
)

// Client calls one Noojee server's CampaignAPI. It is safe for concurrent use.
type Client struct {
	cfg           config
	http          *httpx.Client
	longestSecret int // bytes of the longest spelling of the apiKey, see snippet

	// bulk remembers whether the server has insertLeadsFast (a pointer, so
	// that a printed Client value copies no lock).
	bulk *bulkState
}

// bulkState is what a client learnt about the bulk endpoint.
type bulkState struct {
	// gone is set once insertLeadsFast has answered HTTP 404: from then on
	// InsertLeads sends one lead per call to insertLeadFast.
	gone atomic.Bool
	// logged says so in the log once.
	logged sync.Once
}

// New builds a Client. WithHost (or WithBaseURL) and WithAPIKey are
// required; a bad or missing option is an error.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		batchSize:  DefaultBatchSize,
		excRetries: DefaultExceptionRetries,
	}
	if err := cfg.engine.SetConcurrency(DefaultConcurrency); err != nil {
		return nil, fmt.Errorf("noojee: %w", err)
	}
	if err := cfg.engine.SetRetry(DefaultRetryPolicy()); err != nil {
		return nil, fmt.Errorf("noojee: %w", err)
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("noojee: nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.baseURL == "" {
		return nil, errors.New("noojee: the server is required: use WithHost(\"pbx.example.com\")")
	}
	if cfg.apiKey == "" {
		return nil, errors.New("noojee: the apiKey is required: use WithAPIKey")
	}
	if cfg.httpClient != nil && cfg.timeout != 0 {
		return nil, errors.New("noojee: WithTimeout and WithHTTPClient together: set the timeout on your *http.Client")
	}
	timeout := cfg.timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	hc, err := httpx.New(httpx.Config{
		HTTPClient:   cfg.httpClient,
		Timeout:      timeout,
		MinTimeout:   MinTimeout,
		RetryMax:     cfg.transportRetryMax,
		RetryWaitMin: cfg.transportWaitMin,
		RetryWaitMax: cfg.transportWaitMax,
		Logger:       cfg.engine.Logger,
		Secrets:      secretForms(cfg.apiKey),
	})
	if err != nil {
		return nil, fmt.Errorf("noojee: %w (the server may take a minute to answer; use a timeout of at least %v)", err, MinTimeout)
	}
	c := &Client{cfg: cfg, http: hc, bulk: &bulkState{}}
	for _, f := range secretForms(cfg.apiKey) {
		c.longestSecret = max(c.longestSecret, len(f))
	}
	return c, nil
}

// HTTPClient returns the *http.Client requests go through (for
// gock.InterceptClient in tests).
func (c *Client) HTTPClient() *http.Client { return c.http.HTTPClient() }

// BaseURL returns the CampaignAPI base URL calls are made under.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// Campaign returns a handle on one campaign target. The target's ids are
// checked when leads are sent: a missing one fails every lead locally with
// code 116, 117 or 115, and nothing is sent.
func (c *Client) Campaign(t Target) *Campaign {
	t.PhoneFields = append([]string(nil), t.PhoneFields...)
	q := url.Values{}
	q.Set("fTemplateId", t.TemplateID)
	q.Set("fCampaignId", t.CampaignID)
	q.Set("fAllocationId", t.AllocationID)
	if t.AllowDuplicates {
		q.Set("allowDuplicates", "true")
	}
	q.Set("apiKey", c.cfg.apiKey)
	return &Campaign{c: c, target: t, query: q.Encode()}
}

// post sends one JSON body to an endpoint. The request is not marked
// idempotent: an insert replayed after an unknown outcome could insert the
// lead twice, and an update replayed could re-run disposition actions or
// overwrite a person's edit.
func (c *Client) post(ctx context.Context, endpoint, query string, body []byte) (*httpx.Response, error) {
	return c.http.Do(ctx, &httpx.Request{
		Method: http.MethodPost,
		URL:    c.cfg.baseURL + "/" + endpoint + "?" + query,
		Header: http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/json"},
		},
		Body: body,
	})
}

// transportError wraps a failed call; the message is already redacted.
func (c *Client) transportError(endpoint string, err error) error {
	if errors.Is(err, httpx.ErrBodyTooLarge) {
		return c.malformed(endpoint, 0, err.Error(), true)
	}
	return fmt.Errorf("noojee %s: %w", endpoint, err)
}

// malformed builds the error of an unreadable answer, its detail redacted:
// whatever the server wrote may echo the apiKey.
func (c *Client) malformed(endpoint string, status int, detail string, unknown bool) error {
	return &malformed{endpoint: endpoint, status: status, detail: c.http.Redact(detail), unknown: unknown}
}

// snippetLen is how much of an unreadable body an error quotes.
const snippetLen = 200

// snippet returns the start of an unreadable body for an error message,
// redacted before it is cut (a key cut in two would escape redaction) and
// before it is quoted (quoting would change how the key is spelled).
func (c *Client) snippet(body []byte) string {
	s := string(body[:min(len(body), snippetLen+c.longestSecret)])
	s = c.http.Redact(s)
	if len(s) > snippetLen {
		s = s[:snippetLen]
	}
	return s
}
