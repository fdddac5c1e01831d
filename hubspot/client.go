package hubspot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/oauth2"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Client talks to one HubSpot account. It is safe for concurrent use.
type Client struct {
	cfg     config
	http    *httpx.Client
	tokens  oauth2.TokenSource
	headers http.Header // static request headers, Authorization excluded

	tracePrefix string
	traceSeq    atomic.Uint64

	rateMu sync.Mutex
	rate   RateLimit
}

// New builds a Client. A credential (WithToken or WithTokenSource, not
// both) is required.
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
	switch {
	case cfg.token == "" && cfg.tokenSource == nil:
		return nil, errors.New("hubspot: no credentials: use WithToken or WithTokenSource")
	case cfg.token != "" && cfg.tokenSource != nil:
		return nil, errors.New("hubspot: WithToken and WithTokenSource are exclusive")
	}
	var secrets []string
	ts := cfg.tokenSource
	if cfg.token != "" {
		secrets = append(secrets, cfg.token)
		ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.token, TokenType: "Bearer"})
	}
	hc, err := httpx.New(httpx.Config{
		HTTPClient: cfg.httpClient,
		Timeout:    cfg.timeout,
		// Every HubSpot retry is decided by the batch engine from the
		// answer's body (rate-limit policy, daily quota, 423, 477), so the
		// transport does not retry on its own.
		RetryMax: -1,
		Logger:   cfg.engine.Logger,
		Secrets:  secrets,
	})
	if err != nil {
		return nil, err
	}
	var seed [6]byte
	_, _ = rand.Read(seed[:])
	c := &Client{
		cfg:         cfg,
		http:        hc,
		tokens:      ts,
		headers:     http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		tracePrefix: "cb" + hex.EncodeToString(seed[:]) + "-",
	}
	c.rate = unknownRateLimit()
	return c, nil
}

// HTTPClient returns the *http.Client requests go through (for
// gock.InterceptClient in tests).
func (c *Client) HTTPClient() *http.Client { return c.http.HTTPClient() }

// Objects returns the batch handle for one object type: a name
// ("contacts", "companies", "deals", "leads", "partner_clients", "p_cars")
// or a type id ("0-1", "2-123456"). An invalid name fails every record of
// every call with ErrInvalidObjectType, without a request.
func (c *Client) Objects(objectType string) *Objects {
	return &Objects{c: c, objectType: objectType, typeErr: checkObjectType(objectType)}
}

// nextTraceID returns an objectWriteTraceId unique to this client (and,
// through its random prefix, across clients and runs).
func (c *Client) nextTraceID() string {
	return c.tracePrefix + strconv.FormatUint(c.traceSeq.Add(1), 36)
}
