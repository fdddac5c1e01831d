package pardot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// importRequest is one Import API v5 request.
type importRequest struct {
	op          string // for errors: "import create", "import batch" …
	method, url string
	contentType string
	body        []byte
	// idempotent: safe to send again after an answer was lost.
	idempotent bool
}

// call sends req through the client's one HTTP stack with the OAuth
// headers, and returns a 2xx answer. It waits on the engine's limiter
// before each send; a 429 or 503 (and, for idempotent requests, a lost
// answer or a 5xx) is sent again after the server's Retry-After or the
// retry policy's backoff, as often as RetryPolicy.MaxAttempts allows; a
// 401 earns one new credential and one replay. Every send counts in the
// run's requests.
func (r *importRun) call(ctx context.Context, req importRequest) (*httpx.Response, error) {
	policy := r.policy
	refusedCred := ""
	for attempt := 1; ; attempt++ {
		release, err := r.admit(ctx)
		if err != nil {
			return nil, transportError(req.op, err)
		}
		h := http.Header{}
		if req.contentType != "" {
			h.Set("Content-Type", req.contentType)
		}
		used, err := r.c.auth.apply(ctx, h)
		if err != nil {
			release()
			return nil, err
		}
		if refusedCred != "" && used == refusedCred {
			release()
			return nil, &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: req.op, HTTPStatus: http.StatusUnauthorized,
				Class: vendorkit.Auth, Message: "the access token was refused and renewing it gave back the same one"}}
		}
		r.requests++
		if attempt > 1 {
			r.retries++
		}
		resp, err := r.c.http.Do(ctx, &httpx.Request{Method: req.method, URL: req.url, Header: h,
			Body: req.body, Idempotent: req.idempotent})
		release()
		var e *Error
		switch {
		case err != nil:
			e = transportError(req.op, err)
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			e = r.c.v5Error(req.op, resp, req.idempotent)
		}
		if e.HTTPStatus == http.StatusUnauthorized && refusedCred == "" && e.Err == nil {
			r.c.auth.forget(used)
			refusedCred = used
			continue
		}
		if !e.Class.Retryable() || attempt >= policy.MaxAttempts || ctx.Err() != nil {
			return nil, e
		}
		wait := e.Wait
		if wait > policy.MaxRetryAfter {
			return nil, e
		}
		if wait > 0 {
			if p, ok := r.c.cfg.Engine.Limiter.(batch.Pauser); ok {
				p.PauseUntil(time.Now().Add(wait))
			}
		} else {
			wait = policy.Backoff(attempt)
		}
		if err := r.c.importWait(ctx, wait); err != nil {
			return nil, transportError(req.op, err)
		}
	}
}

// admit waits on the engine's limiter, as the engine does before each
// request, and holds one of its slots when it is a batch.SlotLimiter; the
// caller calls release when the request is answered.
func (r *importRun) admit(ctx context.Context) (release func(), err error) {
	l := r.c.cfg.Engine.Limiter
	if l == nil {
		return func() {}, nil
	}
	if err := l.Wait(ctx); err != nil {
		return nil, err
	}
	if sl, ok := l.(batch.SlotLimiter); ok {
		return sl.Acquire(ctx)
	}
	return func() {}, nil
}

// v5Error is the error of a refused v5 request: its HTTP status, and the
// code and message of its JSON body ({"code":…,"message":…}) through the
// code table, scrubbed of secrets.
func (c *Client) v5Error(op string, resp *httpx.Response, idempotent bool) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code]("pardot", op, resp, idempotent)}
	var body v5Error
	if json.Unmarshal(resp.Body, &body) == nil && (body.Code != 0 || body.Message != "") {
		e.Message = c.secrets.Redact(body.Message)
		if body.Code != 0 {
			class := e.Class
			codes.Apply(&e.APIError, Code(body.Code))
			if _, known := codes[Code(body.Code)]; !known {
				e.Class = class
			}
		}
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(http.StatusText(resp.StatusCode))
	}
	return e
}
