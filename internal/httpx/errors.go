package httpx

import (
	"errors"
	"fmt"
)

// ErrBodyTooLarge is the cause of a TransportError whose response body
// exceeds the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size cap")

// TransportError is a request that got no usable HTTP response. Its message
// never holds a secret. It says whether the server may have acted on the
// request; the vendor's error base turns that into batch.ErrOutcomeUnknown
// (a write that may have landed) or a retryable failure.
type TransportError struct {
	Method string
	// URL is the request URL with its secrets redacted.
	URL string
	// Attempts is how many times the request was tried (dial retries).
	Attempts int
	// MaybeSent is true when the last attempt had written the request
	// before it failed, so the server may have acted on it.
	MaybeSent bool
	// Idempotent is the request's own flag: replaying it is safe.
	Idempotent bool
	// Status is the response status when one came but its body could not
	// be read; 0 otherwise.
	Status int
	Err    error
}

// Error implements error.
func (e *TransportError) Error() string {
	msg := fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err)
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

// Unwrap returns the underlying error (already redacted).
func (e *TransportError) Unwrap() error { return e.Err }

// OutcomeUnknown reports whether the server may have acted on a request
// that is not safe to send again.
func (e *TransportError) OutcomeUnknown() bool { return e.MaybeSent && !e.Idempotent }

// Retryable reports whether sending the request again is safe: either it
// never reached the server or it is idempotent.
func (e *TransportError) Retryable() bool { return !e.OutcomeUnknown() }

// redactedError carries a message already stripped of secrets. errors.Is
// still sees through it (context.Canceled, os.ErrDeadlineExceeded, a
// sentinel), but it has no Unwrap: the original error's text and fields
// may hold a secret, and an error reporter that walks the chain must
// never reach them.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
