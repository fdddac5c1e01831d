package vendorkit

import (
	"errors"
	"net/http"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// StatusClass classifies an HTTP status that is not a success. idempotent
// says whether the request is safe to send again even if it was acted on
// (a read, an upsert or update by key). Vendors call it first and refine
// the answer with their code table.
func StatusClass(status int, idempotent bool) Class {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return Auth
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusConflict:
		return Duplicate
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status == http.StatusServiceUnavailable:
		// The server refused the request without acting on it.
		return Unavailable
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return Invalid
	case status >= 500:
		if idempotent {
			return Unavailable
		}
		return Unknown // 500, 502, 504 …: the write may have landed
	}
	return Rejected // other 3xx and 4xx: a redirect not followed, 405, 413 …
}

// FromResponse is the base for a response that failed as a whole: its
// status, the server's Retry-After, and the class of its status. The
// vendor then sets Code, Message and RequestID from the body and refines
// Class from its code table.
func FromResponse[C comparable](vendor, op string, resp *httpx.Response, idempotent bool) APIError[C] {
	e := APIError[C]{Vendor: vendor, Op: op, HTTPStatus: resp.StatusCode, Wait: resp.RetryAfter,
		Class: StatusClass(resp.StatusCode, idempotent)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Message = "redirected (" + http.StatusText(resp.StatusCode) + "); a redirect to another host is not followed"
	}
	return e
}

// FromTransport is the base for an error from httpx.Client.Do (no usable
// response): Unknown when the request may have been acted on and is not
// safe to send again, else Unavailable. The cause (with any context error)
// stays reachable through Unwrap.
func FromTransport[C comparable](vendor, op string, err error) APIError[C] {
	e := APIError[C]{Vendor: vendor, Op: op, Class: Unavailable, Err: err}
	var te *httpx.TransportError
	if errors.As(err, &te) {
		e.HTTPStatus = te.Status
		if te.OutcomeUnknown() {
			e.Class = Unknown
		}
	} else {
		e.Class = Rejected // the request could not be built
	}
	return e
}

// CodeInfo is what one vendor code means.
type CodeInfo struct {
	// Class is what the code means to the engine and the caller.
	Class Class
	// Wait is the vendor's documented wait before sending again, used when
	// the answer carries no Retry-After.
	Wait time.Duration
	// MaxAttempts, when above 0, caps the sends of a record while this code
	// is the cause (the engine's MaxAttempts behaviour).
	MaxAttempts int
	// Meaning is the vendor's description of the code.
	Meaning string
}

// Codes is a vendor's code table: one place that says what each code
// means. A code that is not in the table keeps the class of its HTTP
// status.
type Codes[C comparable] map[C]CodeInfo

// Apply sets e.Code and refines e.Class (and e.Wait, when the answer gave
// none) from the table.
func (t Codes[C]) Apply(e *APIError[C], code C) {
	e.Code = code
	info, ok := t[code]
	if !ok {
		return
	}
	e.Class = info.Class
	e.maxAttempts = info.MaxAttempts
	if e.Wait == 0 {
		e.Wait = info.Wait
	}
}
