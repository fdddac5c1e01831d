package httpx

import (
	"errors"
	"fmt"

	"github.com/crmbatch/crmbatch/batch"
)

// ErrOutcomeUnknown marks a request that may have reached the server but
// got no usable answer, and that was not replayed because replaying it
// could write twice. Records sent in it must be reported as unknown. It is
// batch.ErrOutcomeUnknown, so callers match it without importing httpx.
var ErrOutcomeUnknown = batch.ErrOutcomeUnknown

// ErrBodyTooLarge is returned when a response body exceeds the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size cap")

// TransportError is a request that got no HTTP response after the retries
// httpx makes. Its message never holds a secret.
type TransportError struct {
	Method string
	// URL is the request URL with its secrets redacted.
	URL      string
	Attempts int
	// MaybeSent is true when the last attempt had written the request
	// before it failed, so the server may have acted on it.
	MaybeSent bool
	// Idempotent is the request's own flag: replaying it is safe.
	Idempotent bool
	Err        error
}

// Error implements error.
func (e *TransportError) Error() string {
	msg := fmt.Sprintf("%s %s: %v (after %d attempts)", e.Method, e.URL, e.Err, e.Attempts)
	if e.unknown() {
		msg += ": " + ErrOutcomeUnknown.Error()
	}
	return msg
}

// Unwrap returns the underlying error (already redacted).
func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown when the request may have been acted on and
// may not be replayed.
func (e *TransportError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.unknown()
}

// Retryable reports whether sending the request again is safe: either it
// never reached the server or it is idempotent.
func (e *TransportError) Retryable() bool { return !e.unknown() }

func (e *TransportError) unknown() bool { return e.MaybeSent && !e.Idempotent }

// redactedError carries a message already stripped of secrets, keeping the
// original error reachable for errors.Is (for example context.Canceled).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
