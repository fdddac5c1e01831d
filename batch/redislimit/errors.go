package redislimit

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnavailable matches (errors.Is) every error a limiter returns because
// Redis could not be reached, answered too slowly, or refused the script:
// the limiter failed closed and no request was sent for it.
var ErrUnavailable = errors.New("redislimit: redis unavailable, failing closed (request not sent)")

// UnavailableError is the error Wait and Acquire return when Redis has not
// answered for the limiter's MaxOutage. It matches
// ErrUnavailable, unwraps to the last Redis error, and tells the batch
// engine to stop the run (StopRun), so the remaining records end not
// attempted with this error instead of each waiting out the outage again.
type UnavailableError struct {
	// Op names the limiter: "rate wait" (a RateLimiter) or "acquire" (a
	// Semaphore).
	Op string
	// Key is the account key the limiter was built with.
	Key string
	// For is how long this process had been failing to reach Redis.
	For time.Duration
	// Err is the last error from Redis.
	Err error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("redislimit: %s %q: redis unavailable for %v, failing closed (request not sent): %v",
		e.Op, e.Key, e.For.Round(time.Millisecond), e.Err)
}

// Unwrap returns the last Redis error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// StopRun tells the batch engine to end the run: without Redis no request
// may be sent without risking the shared limit.
func (e *UnavailableError) StopRun() bool { return true }
