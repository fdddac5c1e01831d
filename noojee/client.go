package noojee

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// The CampaignAPI operations this package calls.
const (
	// opInsertLeadsFast is the bulk insert: a JSON array of leads.
	// Noojee's current documentation renames it to the one-lead
	// insertLeadFast; a server without it answers HTTP 404 and Create
	// falls back to opInsertLeadFast.
	opInsertLeadsFast = "insertLeadsFast"
	// opInsertLeadFast inserts one lead.
	opInsertLeadFast = "insertLeadFast"
	// opUpdateLeadFast updates one lead found by njExternalLeadId.
	opUpdateLeadFast = "updateLeadFast"
)

// config is what the options set.
type config struct {
	vendorkit.Common
	apiKey string
}

// Client calls one Noojee server's CampaignAPI. It is safe for concurrent
// use, and prints as its base URL only, under every fmt verb and slog.
// Its BaseURL method returns where its requests go, as the options set it.
type Client struct {
	vendorkit.Printable
	cfg     config
	http    *httpx.Client
	secrets *httpx.Secrets

	// bulk remembers whether the server has insertLeadsFast.
	bulk *bulkState
}

// bulkState is what a client learnt about the bulk endpoint.
type bulkState struct {
	// gone is set once insertLeadsFast has answered HTTP 404: from then on
	// Create sends one lead per call to insertLeadFast.
	gone atomic.Bool
	// logged says so in the log once.
	logged sync.Once
}

// New builds a Client. WithHost (or WithBaseURL) and WithAPIKey are
// required; a bad, missing or nil option is an error.
func New(opts ...Option) (*Client, error) {
	cfg := config{Common: vendorkit.Common{Vendor: vendor, BatchSize: DefaultBatchSize, MaxBatchSize: MaxBatchSize,
		MaxRequestBytes: DefaultMaxRequestBytes}}
	cfg.Engine.Concurrency = DefaultConcurrency
	cfg.Engine.Retry = defaultRetry
	if err := vendorkit.Apply(vendor, &cfg, opts); err != nil {
		return nil, err
	}
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("noojee: the server is required: use WithHost(\"pbx.example.com\")")
	}
	if cfg.apiKey == "" {
		return nil, fmt.Errorf("noojee: the apiKey is required: use WithAPIKey")
	}
	if cfg.HTTPClient == nil && cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	secrets := httpx.NewSecrets(cfg.apiKey)
	hc, err := cfg.HTTP(MinTimeout, secrets)
	if err != nil {
		return nil, err
	}
	return &Client{Printable: vendorkit.NewPrintable(vendor, cfg.BaseURL),
		cfg: cfg, http: hc, secrets: secrets, bulk: &bulkState{}}, nil
}

// Campaign returns a handle on one campaign target. The target's ids are
// checked when leads are sent: a missing one fails every lead locally with
// code 116, 117 or 115, and nothing is sent. A Campaign holds no secret.
func (c *Client) Campaign(t Target) *Campaign {
	t.PhoneFields = append([]string(nil), t.PhoneFields...)
	q := url.Values{}
	q.Set("fTemplateId", t.TemplateID)
	q.Set("fCampaignId", t.CampaignID)
	q.Set("fAllocationId", t.AllocationID)
	if t.AllowDuplicates {
		q.Set("allowDuplicates", "true")
	}
	return &Campaign{c: c, target: t, query: q.Encode()}
}

// jsonHeaders are every call's headers. httpx copies them into each
// request and nothing writes to them: one map serves every call.
var jsonHeaders = http.Header{
	"Content-Type": {"application/json"},
	"Accept":       {"application/json"},
}

// post sends one JSON body to an operation; the apiKey is added to the
// query here, the one place it is read (the CampaignAPI reads it nowhere
// else). The request is not marked idempotent: an insert replayed after
// an unknown outcome could insert the lead twice, and an update replayed
// could re-run disposition actions or overwrite a person's edit.
func (c *Client) post(ctx context.Context, op, query string, body []byte) (*httpx.Response, error) {
	return c.http.Do(ctx, &httpx.Request{
		Method: http.MethodPost,
		URL:    c.cfg.BaseURL + "/" + op + "?" + query + "&apiKey=" + url.QueryEscape(c.cfg.apiKey),
		Header: jsonHeaders,
		Body:   body,
	})
}

// transportError is the error of a call that got no usable answer.
func (c *Client) transportError(op string, err error) *Error {
	return &Error{APIError: vendorkit.FromTransport[Code](vendor, op, err)}
}

// snippetLen is how much of an unreadable body an error quotes.
const snippetLen = 200

// snippet returns the start of an unreadable body for an error message,
// scrubbed of the client's secrets before it is cut (a key cut in two would
// escape the scrub).
func (c *Client) snippet(body []byte) string {
	s := c.secrets.Redact(string(body[:min(len(body), 4*snippetLen)]))
	if len(s) > snippetLen {
		s = s[:snippetLen]
	}
	return s
}
