package vendorkit

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// APIError is the base every vendor's Error embeds, so that the fields have
// the same names in all five packages. C is the vendor's code type (an int
// code for Pardot, Noojee and Propel, a category string for HubSpot); the
// zero C means the answer carried no code.
//
// Its message never holds a secret: the vendor builds it from text already
// scrubbed through the client's httpx.Secrets.
type APIError[C comparable] struct {
	// Vendor names the vendor package ("hubspot", "pardot" …).
	Vendor string
	// Op is what was being done, e.g. "batch upsert contacts" or
	// "POST /crm/v3/objects/contacts/batch/upsert".
	Op string
	// HTTPStatus is the response's status; 0 when no response came or the
	// record was refused before any request (see Local).
	HTTPStatus int
	// Code is the vendor's code, as the vendor writes it; zero when none.
	Code C
	// Message is the vendor's message, or the local check's explanation.
	Message string
	// RequestID is the vendor's id for the request (a correlation or
	// request id header or field), when it sends one.
	RequestID string
	// Wait is how long the vendor asked to wait before sending again (its
	// Retry-After, or a busy code's documented wait); 0 when it did not say.
	Wait time.Duration
	// Class is what the failure means: send again, stop, or fail the record.
	Class Class
	// Local is true when the record was refused by a client-side check and
	// never sent.
	Local bool
	// Err is the underlying cause (a transport error, a decoding error, a
	// context error), or nil.
	Err error

	maxAttempts int // from the code table; 0: the retry policy's
}

// Error implements error: "vendor op: status code: message (request id …): cause".
func (e *APIError[C]) Error() string {
	var b strings.Builder
	b.WriteString(e.Vendor)
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(":")
	if e.Local {
		b.WriteString(" refused before sending:")
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " HTTP %d", e.HTTPStatus)
	}
	var zero C
	if e.Code != zero {
		fmt.Fprintf(&b, " [%v]", e.Code)
	}
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	if e.Err != nil {
		if e.Message != "" || e.HTTPStatus != 0 {
			b.WriteString(":")
		}
		b.WriteString(" " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *APIError[C]) Unwrap() error { return e.Err }

// Is matches the batch sentinel of the error's class (batch.ErrInvalid,
// batch.ErrRateLimited, batch.ErrOutcomeUnknown …).
func (e *APIError[C]) Is(target error) bool {
	s := e.Class.sentinel()
	return s != nil && target == s
}

// Retryable tells the engine whether the request may be sent again.
func (e *APIError[C]) Retryable() bool { return e.Class.Retryable() }

// RetryAfter tells the engine how long the vendor asked to wait; the engine
// holds back every request sharing the limiter until then.
func (e *APIError[C]) RetryAfter() time.Duration {
	if !e.Class.Retryable() {
		return 0
	}
	return e.Wait
}

// MaxAttempts tells the engine how many sends a record may have while this
// error is the cause; 0 leaves it to the retry policy.
func (e *APIError[C]) MaxAttempts() int { return e.maxAttempts }

// StopRun tells the engine to send nothing more in this run.
func (e *APIError[C]) StopRun() bool { return e.Class.StopsRun() }

// IsLocal reports whether err is a client-side refusal (Local) of any vendor.
func IsLocal(err error) bool {
	var l interface{ local() bool }
	return errors.As(err, &l) && l.local()
}

func (e *APIError[C]) local() bool { return e.Local }
