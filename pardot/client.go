package pardot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// formType is the content type of every request Pardot takes.
const formType = "application/x-www-form-urlencoded"

// Client sends prospects to Pardot's batch endpoints. It is safe for
// concurrent use, and prints (with any fmt verb, and through slog) as its
// base URL only.
// Its BaseURL method returns where its requests go, as the options set it.
type Client struct {
	vendorkit.Printable
	cfg     config
	http    *httpx.Client
	secrets *httpx.Secrets
	auth    authenticator
	log     *slog.Logger
}

// New builds a Client. Exactly one credential option is required:
// WithTokenFunc (recommended), WithTokenSource, WithToken, or the
// deprecated WithLegacyLogin.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		Common: vendorkit.Common{Vendor: "pardot", BaseURL: DefaultBaseURL,
			BatchSize: MaxBatchSize, MaxBatchSize: MaxBatchSize, MaxRequestBytes: DefaultMaxRequestBytes,
			Engine: batch.Config{Concurrency: DefaultConcurrency}},
		version: 3,
		format:  JSON,
	}
	if err := vendorkit.Apply("pardot", &cfg, opts); err != nil {
		return nil, err
	}
	switch {
	case cfg.authKinds == 0:
		return nil, errors.New("pardot: no credentials: use WithTokenFunc, WithTokenSource or WithToken")
	case cfg.authKinds > 1:
		return nil, errors.New("pardot: more than one credential option: use exactly one of WithTokenFunc, WithTokenSource, WithToken or WithLegacyLogin")
	}
	secrets := httpx.NewSecrets(cfg.staticToken)
	if cfg.legacy != nil {
		secrets = httpx.NewSecrets(cfg.legacy.password, cfg.legacy.userKey)
	}
	hc, err := cfg.HTTP(0, secrets)
	if err != nil {
		return nil, err
	}
	log := cfg.Engine.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{Printable: vendorkit.NewPrintable("pardot", cfg.BaseURL),
		cfg: cfg, http: hc, secrets: secrets, log: log}
	if cfg.legacy != nil {
		c.auth = &legacyAuth{c: c, creds: *cfg.legacy}
	} else {
		c.auth = &oauthAuth{ts: cfg.tokenSource, fetch: cfg.tokenFunc, businessUnit: cfg.businessUnit,
			secrets: secrets, hc: hc.HTTPClient()}
	}
	return c, nil
}

// post is the client's one request path: it sends body to endpoint with
// the credentials and returns Pardot's answer when it is a success. An
// answer refusing the credential as an ended session (code 1 or 184) earns
// one renewal and one replay, counted in Report.Requests with
// batch.AddTransportRetries; a second refusal, or a renewal that gives
// back the refused credential, is final (Auth: the run stops). Every other
// failure comes back as an *Error whose Class tells the engine whether to
// send again: the client itself never retries.
func (c *Client) post(ctx context.Context, op, endpoint string, body []byte, idempotent bool) (*response, int, error) {
	var (
		refused     *Error // the invalid-session answer that earned a replay
		refusedCred string // the credential it refused
	)
	for {
		h := http.Header{"Content-Type": {formType}}
		used, err := c.auth.apply(ctx, h)
		if err != nil {
			return nil, 0, err
		}
		if refused != nil {
			if used == refusedCred {
				return nil, 0, noFreshCredential(refused)
			}
			batch.AddTransportRetries(ctx, 1) // the replay is a request the engine did not make
		}
		resp, err := c.http.Do(ctx, &httpx.Request{
			Method: http.MethodPost, URL: endpoint, Header: h, Body: body, Idempotent: idempotent,
		})
		if err != nil {
			return nil, 0, transportError(op, err)
		}
		r, derr := decodeResponse(resp.Body)
		if derr == nil && r.Failed {
			e := c.globalError(op, resp.StatusCode, r.Errs)
			if invalidSession(e.Code) && refused == nil {
				c.log.Debug("pardot: session refused, renewing the credential and replaying once", "op", op, "code", int(e.Code))
				c.auth.forget(used)
				refused, refusedCred = e, used
				continue
			}
			return nil, 0, e
		}
		if derr != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
			if derr != nil {
				derr = c.secrets.RedactError(derr) // it may quote the body
			}
			return nil, 0, statusError(op, resp, idempotent, derr)
		}
		return r, resp.StatusCode, nil
	}
}

// globalError is the error of a global failure, its messages merged and
// scrubbed of every secret the body may echo.
func (c *Client) globalError(op string, status int, errs []itemError) *Error {
	first := errs[0]
	msg := first.Message
	for _, x := range errs[1:] {
		msg += "; " + x.Message
		if x.Param != "" {
			msg += " (param " + x.Param + ")"
		}
	}
	return codeError(op, status, first.Code, c.secrets.Redact(msg), "", c.secrets.Redact(first.Param))
}

// noFreshCredential is the refusal e, final: renewing the credential gave
// back the one Pardot had refused.
func noFreshCredential(e *Error) *Error {
	final := *e
	final.Message += "; renewing the credential gave back the same one"
	if final.Code == CodeInvalidAccessToken {
		final.Message += " (a TokenSource that caches, as oauth2.ReuseTokenSource does, never renews a Salesforce token: use WithTokenFunc)"
	}
	return &final
}
