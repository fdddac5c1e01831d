package vendorkit

import (
	"fmt"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
)

// Class is what a failure means to the engine and to the caller: whether
// to send again, stop the run, or give the record its final state. Each
// class matches one batch sentinel with errors.Is.
type Class uint8

// The classes. The zero value, Rejected, is the safe default: the record
// fails and is not sent again.
const (
	// Rejected: the vendor refused the request or record; not sent again.
	Rejected Class = iota
	// Invalid: refused for its content (validation); matches batch.ErrInvalid.
	Invalid
	// NotFound: matches batch.ErrNotFound.
	NotFound
	// Duplicate: matches batch.ErrDuplicate.
	Duplicate
	// Auth: credentials refused; stops the run; matches batch.ErrUnauthorized.
	Auth
	// Quota: an account quota is spent; stops the run; matches batch.ErrQuotaExceeded.
	Quota
	// RateLimited: slow down, then send again; matches batch.ErrRateLimited.
	RateLimited
	// Unavailable: nothing was written and sending again is safe; matches
	// batch.ErrUnavailable.
	Unavailable
	// Unknown: the request may have been acted on and is not safe to send
	// again; matches batch.ErrOutcomeUnknown.
	Unknown
	// Malformed: the answer could not be understood, on a request that is
	// safe to send again; matches batch.ErrMalformedResponse. (A malformed
	// answer to a write that may have landed is Unknown.)
	Malformed
)

var classNames = [...]string{"rejected", "invalid", "not found", "duplicate", "auth", "quota", "rate limited", "unavailable", "outcome unknown", "malformed"}

// String names the class.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// sentinel is the batch error the class matches, nil for Rejected.
func (c Class) sentinel() error {
	switch c {
	case Invalid:
		return batch.ErrInvalid
	case NotFound:
		return batch.ErrNotFound
	case Duplicate:
		return batch.ErrDuplicate
	case Auth:
		return batch.ErrUnauthorized
	case Quota:
		return batch.ErrQuotaExceeded
	case RateLimited:
		return batch.ErrRateLimited
	case Unavailable:
		return batch.ErrUnavailable
	case Unknown:
		return batch.ErrOutcomeUnknown
	case Malformed:
		return batch.ErrMalformedResponse
	}
	return nil
}

// Retryable reports whether the engine may send again a request that
// failed with this class.
func (c Class) Retryable() bool {
	return c == RateLimited || c == Unavailable || c == Malformed
}

// StopsRun reports whether nothing more should be sent in this run.
func (c Class) StopsRun() bool { return c == Auth || c == Quota }

// Unreadable is the cause of an error for an answer that could not be
// read: it matches batch.ErrMalformedResponse whatever the error's class,
// so that a create whose answer was unreadable (class Unknown: it may have
// been written) matches both ErrOutcomeUnknown and ErrMalformedResponse in
// every vendor. cause may be nil.
func Unreadable(cause error) error {
	if cause == nil {
		return batch.ErrMalformedResponse
	}
	return fmt.Errorf("%w: %w", batch.ErrMalformedResponse, cause)
}
