package agiliron

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Error classes a caller can branch on with errors.Is.
var (
	// ErrRejected: Agiliron processed the request and failed this record
	// (Message says why, e.g. "Lead Last Name cannot be blank").
	ErrRejected = errors.New("agiliron: record rejected")
	// ErrInvalid: the record failed a client-side check and was not sent.
	ErrInvalid = errors.New("agiliron: invalid record")
	// ErrAuth: the API key was refused (HTTP 401 or 403).
	ErrAuth = errors.New("agiliron: authentication failed")
	// ErrOutcomeUnknown: the request may have been processed, but no final
	// result for the record is known (an add that failed in flight and was
	// not replayed, a batch whose result did not come in time, a result
	// that does not name the record). Do not resend an add blindly: check
	// BatchID with WaitBatch, or read the records back. It is the same value
	// as httpx.ErrOutcomeUnknown.
	ErrOutcomeUnknown = httpx.ErrOutcomeUnknown
	// ErrBatchRefused: Agiliron answered the bulk request with an error
	// status or a non-success acknowledgement, or the request never
	// reached it; nothing was queued.
	ErrBatchRefused = errors.New("agiliron: bulk request refused")
	// ErrMalformed: a response could not be decoded.
	ErrMalformed = errors.New("agiliron: malformed response")
)

// MessageLastNameBlank is the message Agiliron gives a lead without a last
// name (the one failure message its documentation shows). UpdateLeads
// uses it for the same client-side check.
const MessageLastNameBlank = "Lead Last Name cannot be blank"

// Error is an Agiliron error: a refused request, a failed record or a record
// whose outcome is unknown. Its message never holds the API key.
type Error struct {
	// Op is the request, e.g. "PUT Bulk-Leads".
	Op string
	// StatusCode is the HTTP status, 0 when the error is not an HTTP answer.
	StatusCode int
	// Status is the acknowledgement's or BatchStatus's status, when given.
	Status string
	// Message is Agiliron's message (or this package's, for client-side
	// checks and unknown outcomes).
	Message string
	// BatchID is the batch the record was sent in, when one was created
	// (never for Add Lead, which has no batch).
	BatchID string
	// LeadID is the record's id in a per-record error (empty for a new
	// record): a LeadId, ContactId or AccountID, as the Op's resource says.
	LeadID string
	// Record is the record's 1-based position in its request, in a
	// per-record error.
	Record int
	// Field names the offending field of a client-side check.
	Field string

	kind       error
	idName     string // the id's wire name ("LeadId" when empty)
	whole      bool   // the request was refused as a whole, nothing written
	retryable  bool
	retryAfter time.Duration
	cause      error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("agiliron: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d: ", e.StatusCode)
	}
	b.WriteString(e.Message)
	if e.LeadID != "" {
		name := e.idName
		if name == "" {
			name = "LeadId"
		}
		fmt.Fprintf(&b, " (%s %s)", name, e.LeadID)
	}
	if e.Record != 0 {
		fmt.Fprintf(&b, " (record %d)", e.Record)
	}
	if e.BatchID != "" {
		fmt.Fprintf(&b, " [batch %s]", e.BatchID)
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// Is matches the error's class (ErrRejected, ErrInvalid, ErrAuth,
// ErrOutcomeUnknown, ErrBatchRefused, ErrMalformed).
func (e *Error) Is(target error) bool { return target != nil && target == e.kind }

// Unwrap returns the underlying cause (a transport or context error), if any.
func (e *Error) Unwrap() error { return e.cause }

// Retryable reports whether sending the request again is safe and may help.
func (e *Error) Retryable() bool { return e.retryable }

// RetryAfter is the wait the server asked for (Retry-After), or 0.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// StopRun is always false: Agiliron documents no quota that ends a run.
func (e *Error) StopRun() bool { return false }

// httpError classifies a non-2xx answer to a request. idempotent says
// whether the request may be replayed after it reached the server.
func httpError(op string, resp *httpx.Response, idempotent bool, redact func(string) string) *Error {
	e := &Error{Op: op, StatusCode: resp.StatusCode, kind: ErrBatchRefused}
	e.Message = redact(errorMessage(resp))
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.kind = ErrAuth
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		// Refused without being acted on: safe to send again.
		e.retryable = true
		if d, ok := httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			e.retryAfter = d
		}
	case resp.StatusCode >= 500:
		if idempotent {
			e.retryable = true
		} else {
			e.kind = ErrOutcomeUnknown
			e.Message += " (the request may have been processed; not replayed)"
		}
	}
	return e
}
