package pardot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// send posts one chunk and maps Pardot's answer to one result per prospect.
func (c *Client) send(ctx context.Context, o operation, chunk []Prospect) ([]batch.Result[Result], error) {
	doc := encodeBatch(make([]byte, 0, 128*len(chunk)), c.cfg.version, c.cfg.reqFormat, o, chunk)
	body := encodeForm(c.cfg.respFormat.String(), doc)
	endpoint := c.cfg.baseURL + "/api/prospect/version/" + strconv.Itoa(c.cfg.version) + "/do/" + o.path()
	idempotent := o != opCreate
	var (
		refused     *Error // the invalid-session answer that earned a replay
		refusedCred string // the credential it refused
	)
	for {
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		used, err := c.auth.apply(ctx, h)
		if err != nil {
			return nil, err
		}
		if refused != nil {
			if used == refusedCred {
				return nil, noFreshCredential(refused)
			}
			batch.AddTransportRetries(ctx, 1) // the replay is a request the engine did not make
		}
		resp, err := c.http.Do(ctx, &httpx.Request{
			Method: http.MethodPost, URL: endpoint, Header: h, Body: body, Idempotent: idempotent,
		})
		if err != nil {
			return nil, err
		}
		r, derr := decodeResponse(resp.Body)
		if derr == nil && r.Failed {
			e := globalError(o, resp.StatusCode, r.Errs)
			if e.invalidSession() {
				if refused == nil {
					c.cfg.engine.Logger.Debug("pardot: session refused, renewing the credential and replaying once",
						"op", o.path(), "code", e.Code)
					c.auth.forget(used)
					refused, refusedCred = e, used
					continue
				}
				e.fatal = true
			}
			return nil, e
		}
		if derr != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
			e := statusError(o, resp.StatusCode, resp.Header, derr)
			e.Message = c.http.Redact(e.Message) // derr may quote the body
			return nil, e
		}
		return matchResults(c.cfg.version, o, chunk, r.Items, resp.StatusCode)
	}
}

// noFreshCredential is the refusal e, final: renewing the credential gave
// back the one Pardot had refused, so every further request would fail
// alike and the run stops.
func noFreshCredential(e *Error) *Error {
	final := *e
	final.fatal = true
	final.Message += "; renewing the credential gave back the same one"
	if final.Code == CodeInvalidAccessToken {
		final.Message += " (a TokenSource that caches, as oauth2.ReuseTokenSource does, never renews a Salesforce token: use WithOAuthTokenFunc)"
	}
	return &final
}

// encodeForm builds the form body "format=…&prospects=…".
func encodeForm(format string, doc []byte) []byte {
	esc := url.QueryEscape(string(doc))
	b := make([]byte, 0, len("format=&prospects=")+len(format)+len(esc))
	b = append(b, "format="...)
	b = append(b, format...)
	b = append(b, "&prospects="...)
	return append(b, esc...)
}

// globalError merges a global failure's errors into one *Error.
func globalError(o operation, status int, errs []*Error) *Error {
	e := *errs[0]
	e.Op, e.HTTPStatus = o.path(), status
	for _, x := range errs[1:] {
		e.Message += "; " + x.Message
		if x.Param != "" {
			e.Message += " (param " + x.Param + ")"
		}
	}
	return &e
}

// statusError classifies a response without a usable Pardot body. A
// create that may have been applied is never retried.
func statusError(o operation, status int, header http.Header, derr error) *Error {
	e := &Error{Op: o.path(), HTTPStatus: status}
	if d, ok := httpx.ParseRetryAfter(header.Get("Retry-After"), time.Now()); ok {
		e.retryAfter = d
	}
	if derr != nil {
		e.Message, e.cause = derr.Error(), derr
	} else {
		e.Message = http.StatusText(status)
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		e.retryable = true // refused before any work
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.fatal = true
	case status >= 200 && status < 300 || status >= 500:
		if o == opCreate {
			e.Message += "; the batch may have been applied, not resent"
			e.cause = errors.Join(e.cause, httpx.ErrOutcomeUnknown)
		} else {
			e.retryable = true // update and upsert by identifier are idempotent
		}
	}
	return e
}
