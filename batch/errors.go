package batch

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrResultCount is returned (wrapped) for every record of a chunk when the
// vendor's Send answered with a different number of results than records:
// the records cannot be matched, so none is claimed as succeeded.
var ErrResultCount = errors.New("batch: vendor returned a different number of results than records sent")

// ErrOutcomeUnknown marks a record whose request may have reached the
// server but got no usable answer, and that was deliberately not sent again
// because sending it again could write it twice (a create without an
// idempotency key). Such a record is reported failed; check it in the
// vendor before sending it again. Every vendor's error for such a record
// matches it with errors.Is.
var ErrOutcomeUnknown = errors.New("outcome unknown: the request may have reached the server")

// inFlightError is the error of a record whose request was in flight when
// the context ended: the server may have written it, so it matches
// ErrOutcomeUnknown, and it matches the context's error too.
type inFlightError struct {
	ctxErr  error // the context's error
	sendErr error // what Send returned
}

// Error implements error.
func (e *inFlightError) Error() string {
	return fmt.Sprintf("%v: the request was in flight when the context ended (%v): %v", ErrOutcomeUnknown, e.ctxErr, e.sendErr)
}

// Unwrap exposes ErrOutcomeUnknown, the context's error and Send's error.
func (e *inFlightError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.ctxErr, e.sendErr} }

// ErrRetryAfterTooLong is wrapped into the error of records not attempted
// because the server asked for a wait longer than RetryPolicy.MaxRetryAfter
// (which stops the run).
var ErrRetryAfterTooLong = errors.New("batch: server asked for a longer wait than the retry policy allows")

// TooLargeError fails a single record whose encoded size exceeds the
// operation's byte limit: it can never be sent, so it is neither sent nor
// dropped.
type TooLargeError struct {
	Size, Limit int
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("batch: record is %d bytes encoded, over the %d-byte request limit", e.Size, e.Limit)
}

// RecordError is the error of one record that did not succeed. It unwraps to
// the vendor's error, so errors.As reaches the vendor's typed error.
type RecordError struct {
	Index  int
	Key    string
	Status Status
	Err    error
}

// Error implements error.
func (e *RecordError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "record %d", e.Index)
	if e.Key != "" {
		fmt.Fprintf(&b, " (%s)", e.Key)
	}
	fmt.Fprintf(&b, " %s: %v", e.Status, e.Err)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }

// RunError is what Report.Err returns when some record did not succeed.
// Records holds the per-record errors the report kept (all of them unless
// Config.Keep says otherwise; at least the first few), and Unwrap exposes
// them to errors.Is and errors.As.
type RunError struct {
	Op           string
	Total        int
	Failed       int
	NotAttempted int
	Records      []*RecordError
	// InputIncomplete is Report.InputIncomplete: the run stopped reading
	// its input before the end. Cause then says why (the context's error,
	// or the error that stopped the run).
	InputIncomplete bool
	Cause           error
}

// maxErrorsInMessage bounds how many record errors RunError.Error prints.
const maxErrorsInMessage = 3

// Error gives the counts and the first few record errors.
func (e *RunError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d of %d records failed, %d not attempted", e.Failed, e.Total, e.NotAttempted)
	if e.InputIncomplete {
		fmt.Fprintf(&b, ", input not read to its end (%v)", e.Cause)
	}
	for i, r := range e.Records {
		if i == maxErrorsInMessage {
			fmt.Fprintf(&b, "; and %d more", e.Failed+e.NotAttempted-maxErrorsInMessage)
			break
		}
		b.WriteString("; ")
		b.WriteString(r.Error())
	}
	return b.String()
}

// Unwrap returns the kept record errors, and Cause when set.
func (e *RunError) Unwrap() []error {
	errs := make([]error, 0, len(e.Records)+1)
	for _, r := range e.Records {
		errs = append(errs, r)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

// IsRetryable reports whether err, or an error it wraps, has a
// Retryable() bool method that returns true.
func IsRetryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// RetryAfterOf returns the wait the server asked for, found through a
// RetryAfter() time.Duration method on err or an error it wraps; 0 if none.
func RetryAfterOf(err error) time.Duration {
	var r interface{ RetryAfter() time.Duration }
	if errors.As(err, &r) {
		return r.RetryAfter()
	}
	return 0
}

// MaxAttemptsOf returns the attempt limit err sets for itself through a
// MaxAttempts() int method on err or an error it wraps; 0 if none. A vendor
// uses it to retry one class of error fewer times than the policy allows (a
// server exception) or more (a record held back only because another record
// of its request was refused, where every round makes progress).
func MaxAttemptsOf(err error) int {
	var m interface{ MaxAttempts() int }
	if errors.As(err, &m) {
		return m.MaxAttempts()
	}
	return 0
}

// StopsRun reports whether err, or an error it wraps, has a StopRun() bool
// method that returns true: the whole run ends and every record not yet
// written is reported not attempted.
func StopsRun(err error) bool {
	var s interface{ StopRun() bool }
	return errors.As(err, &s) && s.StopRun()
}
