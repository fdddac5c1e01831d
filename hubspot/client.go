package hubspot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Client talks to one HubSpot account. It is safe for concurrent use, and
// safe to print: every fmt verb and slog show only "hubspot" and the base
// URL.
// Its BaseURL method returns where its requests go, as the options set it.
type Client struct {
	vendorkit.Printable

	cfg     config
	http    *httpx.Client
	secrets *httpx.Secrets
	tokens  oauth2.TokenSource

	tracePrefix string
	traceSeq    atomic.Uint64

	rateMu sync.Mutex
	rate   RateLimit
}

// New builds a Client. A credential (WithToken or WithTokenSource, not
// both) is required. Defaults, with their reasons: 100 inputs per request
// (HubSpot's limit for object batch endpoints); one request in flight
// (HubSpot's burst limit — 100 to 250 requests per 10 s — is shared by
// every client of an app in an account, its daily quota by every app of
// the account, and it answers 423 Locked to writes touching the same
// records too fast; one request of 100 inputs already moves about 100
// records a second: raise it with WithEngine(batch.Config{Concurrency: n}) and pace it with
// WithEngine(batch.Config{Limiter: BurstLimiter(n)})); the
// engine's default retry policy; 30 s per request.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	fs := make([]func(*config) error, len(opts))
	for i, o := range opts {
		fs[i] = o // a nil Option stays nil: Apply refuses it
	}
	if err := vendorkit.Apply(vendor, &cfg, fs); err != nil {
		return nil, err
	}
	switch {
	case cfg.token == "" && cfg.tokenSource == nil:
		return nil, errors.New("hubspot: no credentials: use WithToken or WithTokenSource")
	case cfg.token != "" && cfg.tokenSource != nil:
		return nil, errors.New("hubspot: WithToken and WithTokenSource are exclusive")
	}
	secrets := httpx.NewSecrets(cfg.token)
	ts := cfg.tokenSource
	if cfg.token != "" {
		ts = vendorkit.StaticToken(cfg.token)
	}
	hc, err := cfg.HTTP(0, secrets)
	if err != nil {
		return nil, err
	}
	var seed [6]byte
	_, _ = rand.Read(seed[:])
	c := &Client{
		Printable:   vendorkit.NewPrintable(vendor, cfg.BaseURL),
		cfg:         cfg,
		http:        hc,
		secrets:     secrets,
		tokens:      ts,
		tracePrefix: "cb" + hex.EncodeToString(seed[:]) + "-",
		rate:        unknownRateLimit(),
	}
	return c, nil
}

// Objects returns the batch handle for one object type: a name
// ("contacts", "companies", "deals", "leads", "partner_clients", "p_cars")
// or a type id ("0-1", "2-123456"). An invalid name fails every record of
// every call before any request (batch.ErrInvalid).
func (c *Client) Objects(objectType string) *Objects {
	o := &Objects{Printable: c.Printable, c: c, objectType: objectType, typeErr: checkObjectType(objectType)}
	if objectType == "contacts" || objectType == "0-1" {
		o.keyProperty = "email" // unique in every portal
	}
	return o
}

// nextTraceID returns an objectWriteTraceId unique to this client (and,
// through its random prefix, across clients and runs). It ties an answer
// to its input inside one request; it is never an outcome key.
func (c *Client) nextTraceID() string { return c.traceIDs(1)[0] }

// traceIDs returns n new trace ids (as nextTraceID makes them), cut from
// one string: a request's worth costs three allocations, not one per id.
func (c *Client) traceIDs(n int) []string {
	last := c.traceSeq.Add(uint64(n))
	buf := make([]byte, 0, n*(len(c.tracePrefix)+4))
	ends := make([]int, n)
	for i := range n {
		buf = append(buf, c.tracePrefix...)
		buf = strconv.AppendUint(buf, last-uint64(n-1-i), 36)
		ends[i] = len(buf)
	}
	all, start := string(buf), 0
	ids := make([]string, n)
	for i, end := range ends {
		ids[i], start = all[start:end], end
	}
	return ids
}

// post sends one batch request and returns the answer of any status, after
// noting its rate-limit headers. A transport failure, or no token, comes
// back as an *Error.
func (c *Client) post(ctx context.Context, objectType string, kind opKind, query string, body []byte) (*httpx.Response, error) {
	op := opLabel(objectType, kind)
	tok, err := vendorkit.Token(ctx, c.tokens)
	if err != nil {
		return nil, tokenError(op, err, c.http.RedactError)
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, tokenError(op, errors.New("token source returned no access token"), c.http.RedactError)
	}
	c.secrets.Add(tok.AccessToken) // learned at run time: scrubbed from now on
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"},
		"Authorization": {"Bearer " + tok.AccessToken}}
	url := c.cfg.BaseURL + c.cfg.objectsPath + "/" + objectType + "/batch/" + kind.String() + query
	resp, err := c.http.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: url, Header: h, Body: body, Idempotent: kind.idempotent()})
	if err != nil {
		e := vendorkit.FromTransport[Code](vendor, op, err)
		return nil, &Error{APIError: e}
	}
	c.noteRateLimit(resp.Header, time.Now())
	return resp, nil
}
