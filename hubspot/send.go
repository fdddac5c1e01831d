package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// opKind names a batch endpoint.
type opKind uint8

const (
	opCreate opKind = iota
	opUpdate
	opUpsert
	opRead
	opArchive
)

var opPaths = [...]string{opCreate: "create", opUpdate: "update", opUpsert: "upsert", opRead: "read", opArchive: "archive"}

// String returns the endpoint's last path segment.
func (k opKind) String() string { return opPaths[k] }

// idempotent reports whether sending the same request twice is harmless:
// everything but create.
func (k opKind) idempotent() bool { return k != opCreate }

// post sends one batch request and returns the answer of any status, after
// noting its rate-limit headers. A transport failure comes back as httpx's
// error; a token failure as a *tokenError (which stops the run).
func (c *Client) post(ctx context.Context, objectType string, kind opKind, query string, body []byte) (*httpx.Response, error) {
	tok, err := c.tokens.Token()
	if err != nil {
		return nil, &tokenError{err: err}
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, &tokenError{err: errors.New("token source returned no access token")}
	}
	h := make(http.Header, len(c.headers)+1)
	for k, v := range c.headers {
		h[k] = v
	}
	h["Authorization"] = []string{"Bearer " + tok.AccessToken}
	url := c.cfg.baseURL + c.cfg.objectsPath + "/" + objectType + "/batch/" + kind.String() + query
	resp, err := c.http.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: url, Header: h, Body: body, Idempotent: kind.idempotent()})
	if err != nil {
		return nil, err
	}
	c.noteRateLimit(resp.Header, time.Now())
	return resp, nil
}

// responseError decodes and classifies a non-2xx answer.
func (c *Client) responseError(kind opKind, resp *httpx.Response) *Error {
	e := decodeError(resp.StatusCode, resp.Body, c.http.Redact)
	retryAfter, hasRetryAfter := httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		if e.isDaily() {
			e.stopRun = true
			break
		}
		e.retryable = true
		switch {
		case hasRetryAfter:
			e.Wait = retryAfter
		case e.PolicyName == PolicySecondly:
			e.Wait = time.Second
		default:
			e.Wait = BurstWindow
		}
	case s == http.StatusLocked:
		e.retryable = true
		e.Wait = max(retryAfter, c.cfg.lockedWait)
	case s == StatusMigrationInProgress:
		e.retryable = true
		e.Wait = retryAfter
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		// Every further request would be refused the same way.
		e.stopRun = true
	case s == http.StatusServiceUnavailable:
		// Refused before any work: safe to resend, create included.
		e.retryable = true
		e.Wait = retryAfter
	case s >= 500:
		if kind.idempotent() {
			e.retryable = true
			e.Wait = retryAfter
		} else {
			// A create that failed with 500/502/504 may have been written:
			// resending could create every object twice.
			e.unknown = true
		}
	}
	return e
}

// malformedAnswer is the error of records whose 2xx answer could not be
// read: a create may have been written (never resent), anything else is
// resent.
func malformedAnswer(kind opKind, status int, err error) *Error {
	e := &Error{HTTPStatus: status, Message: err.Error()}
	if kind.idempotent() {
		e.retryable = true
	} else {
		e.unknown = true
	}
	return e
}

// isolate is Op.Isolate for every endpoint: a request rejected as a whole
// with 400 or 409, naming none of its inputs, wrote nothing, so it is split to find
// the inputs at fault.
func isolate(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.isolate
}

// noResult is the error of a record the answer did not mention: sent
// again where that is harmless, else failed with httpx.ErrOutcomeUnknown.
func noResult(kind opKind, status int) error {
	return unsettled(kind, fmt.Errorf("%w (HTTP %d)", ErrNoResult, status))
}

// unlistedErrors is the error of a record the answer did not mention when
// its numErrors counts more errors than its errors[] lists: the record may
// be one of those left out.
func unlistedErrors(kind opKind, status, counted, listed int) error {
	return unsettled(kind, fmt.Errorf("%w (HTTP %d; numErrors %d but %d listed)", ErrNoResult, status, counted, listed))
}

// unsettled makes err retryable for an idempotent endpoint, and marks it
// httpx.ErrOutcomeUnknown for create (never resent: it may have been
// written).
func unsettled(kind opKind, err error) error {
	if kind.idempotent() {
		return batch.Retryable(err, 0)
	}
	return fmt.Errorf("%w: %w", err, httpx.ErrOutcomeUnknown)
}
