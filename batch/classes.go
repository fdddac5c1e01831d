package batch

import "errors"

// The classes of failure a caller branches on, the same for every vendor.
// Each vendor's *Error matches one of them with errors.Is (its Class), and
// carries the vendor's own code and message besides. ErrOutcomeUnknown is
// the sixth: a write that may have landed but got no answer.
var (
	// ErrInvalid: the vendor (or a check before sending) refused the record
	// for its content. Sending it again unchanged will not help.
	ErrInvalid = errors.New("record refused as invalid")
	// ErrNotFound: the record, or what the request names, does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: the record conflicts with one the vendor already has.
	ErrDuplicate = errors.New("duplicate or conflicting record")
	// ErrUnauthorized: the credentials were refused; the run stops.
	ErrUnauthorized = errors.New("credentials refused")
	// ErrQuotaExceeded: an account quota (such as a daily limit) is spent;
	// the run stops.
	ErrQuotaExceeded = errors.New("account quota exceeded")
	// ErrRateLimited: the vendor asked to slow down (429 or a busy code);
	// the engine waits and sends again within the retry policy.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the vendor could not serve the request and nothing
	// was written (503, a connection refused, an idempotent request that
	// failed); the engine sends again within the retry policy.
	ErrUnavailable = errors.New("vendor unavailable")
	// ErrMalformedResponse: the vendor's answer could not be understood.
	ErrMalformedResponse = errors.New("malformed response")
)
