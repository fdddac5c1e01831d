package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Error categories HubSpot documents (Error.Category).
const (
	CategoryValidation     = "VALIDATION_ERROR"
	CategoryConflict       = "CONFLICT"
	CategoryObjectNotFound = "OBJECT_NOT_FOUND"
	CategoryNotFound       = "NOT_FOUND"
	CategoryRateLimits     = "RATE_LIMITS"
	CategoryInvalidAuth    = "INVALID_AUTHENTICATION"
	CategoryMissingScopes  = "MISSING_SCOPES"
	// CategoryCanceled is set by this package on the error of records whose
	// batch answer had status CANCELED.
	CategoryCanceled = "CANCELED"
)

// Rate-limit policy names seen in 429 bodies (Error.PolicyName).
const (
	PolicyTenSecondlyRolling = "TEN_SECONDLY_ROLLING"
	PolicySecondly           = "SECONDLY"
	PolicyDaily              = "DAILY"
)

// StatusMigrationInProgress is HubSpot's 477: the account is moving its
// data-hosting location; retry after Retry-After.
const StatusMigrationInProgress = 477

// Sentinel classes a caller can branch on with errors.Is(err, …); a *Error
// matches the classes its status and category belong to.
var (
	// ErrValidation: category VALIDATION_ERROR (a bad property value, say).
	ErrValidation = errors.New("hubspot: validation error")
	// ErrConflict: category CONFLICT or HTTP 409 (a unique value taken).
	ErrConflict = errors.New("hubspot: conflict")
	// ErrNotFound: category OBJECT_NOT_FOUND or NOT_FOUND, or HTTP 404.
	ErrNotFound = errors.New("hubspot: object not found")
	// ErrRateLimited: HTTP 429 or category RATE_LIMITS, burst or daily.
	ErrRateLimited = errors.New("hubspot: rate limited")
	// ErrDailyLimit: a 429 for the account's spent daily quota; the run
	// stops and the records not yet sent are not attempted.
	ErrDailyLimit = errors.New("hubspot: daily request limit reached")
	// ErrAuth: HTTP 401 or 403, or category INVALID_AUTHENTICATION or
	// MISSING_SCOPES; the run stops.
	ErrAuth = errors.New("hubspot: authentication or scope error")
	// ErrLocked: HTTP 423 Locked, retried after at least 2 s.
	ErrLocked = errors.New("hubspot: locked (423)")
	// ErrMigration: HTTP 477 Migration in Progress, retried after
	// Retry-After.
	ErrMigration = errors.New("hubspot: account migration in progress (477)")
	// ErrServer: HTTP 5xx.
	ErrServer = errors.New("hubspot: server error")
	// ErrCanceled: the batch answer had status CANCELED; its records are
	// failed, not retried, and keep any result the answer carried.
	ErrCanceled = errors.New("hubspot: batch canceled")
	// ErrNoResult: HubSpot answered the request but named neither a result
	// nor an error for the record (also when its numErrors counts more
	// errors than its errors[] lists). Resent on update, upsert, read and
	// archive; on create it also matches httpx.ErrOutcomeUnknown and is not
	// resent.
	ErrNoResult = errors.New("hubspot: no result or error for the record in the answer")
)

// Client-side validation errors (the record is failed and never sent).
var (
	// ErrMissingID: an update, upsert, read or archive input without an id.
	ErrMissingID = errors.New("hubspot: input has no id")
	// ErrMissingIDProperty: an upsert input without IDProperty.
	ErrMissingIDProperty = errors.New("hubspot: upsert input has no idProperty")
	// ErrNoProperties: a create input without any property.
	ErrNoProperties = errors.New("hubspot: create input has no properties")
	// ErrDuplicateTraceID: a caller-set objectWriteTraceId already used by
	// another input of the same request.
	ErrDuplicateTraceID = errors.New("hubspot: objectWriteTraceId repeated inside one request")
	// ErrInvalidObjectType: an object type that is not a name or type id
	// (see Client.Objects).
	ErrInvalidObjectType = errors.New("hubspot: invalid object type")
	// ErrEmptyPropertyName: a property with a blank name.
	ErrEmptyPropertyName = errors.New("hubspot: empty property name")
	// ErrTraceIDTooLong: a caller-set objectWriteTraceId over 256 bytes.
	ErrTraceIDTooLong = errors.New("hubspot: objectWriteTraceId longer than 256 characters")
	// errRejectedWithOthers is the retryable error of inputs resent
	// because a whole-request 400 or 409 named other inputs.
	errRejectedWithOthers = errors.New("hubspot: the request was rejected because of other inputs; resending without them")
)

// ErrorDetail is one entry of an error's nested errors[].
type ErrorDetail struct {
	Message     string `json:"message,omitempty"`
	Code        string `json:"code,omitempty"`
	In          string `json:"in,omitempty"`
	SubCategory string `json:"subCategory,omitempty"`
	// Context is the detail's context as text: a JSON string as is (HubSpot
	// sends e.g. "{missingScopes=[scope1, scope2]}"), anything else as
	// compact JSON.
	Context string `json:"context,omitempty"`
}

// Error is an error answered by HubSpot: a whole-request error body
// (category, correlationId, message …) or one entry of a 207's errors[].
// HubSpot says every field is optional. It is safe to print: it never holds
// the token.
type Error struct {
	// HTTPStatus is the response's status code (207 for a per-record error
	// of a multi-status answer).
	HTTPStatus int
	// Status is the body's "status" (usually "error").
	Status string
	// ID is the error's id, when HubSpot gives one.
	ID string
	// Category is HubSpot's error class, e.g. VALIDATION_ERROR (see the
	// Category… constants).
	Category string
	// SubCategory refines Category; an object-valued subCategory is kept
	// as compact JSON.
	SubCategory string
	// Message is HubSpot's human-readable message.
	Message string
	// CorrelationID identifies the request to HubSpot support.
	CorrelationID string
	// Context names what the error concerns, e.g. {"ids": ["512"]} or
	// {"objectWriteTraceId": ["t-1"]}; a context sent as text is kept under
	// the key "".
	Context map[string][]string
	// Errors are the nested details (a property, a code, a message).
	Errors []ErrorDetail
	// Links are documentation links by name.
	Links map[string]string
	// PolicyName names the rate limit a 429 hit (TEN_SECONDLY_ROLLING,
	// SECONDLY, DAILY …); ErrorType ("RATE_LIMIT") and GroupName come with
	// it in HubSpot's 429 body.
	PolicyName string
	ErrorType  string
	GroupName  string
	// NumErrors is the numErrors of the batch answer this error came in
	// (the errors HubSpot counted for the whole request, which may be
	// more than it listed); 0 outside a batch answer.
	NumErrors int
	// Wait is the server's requested wait (Retry-After, or the rate-limit
	// window, or 2 s for 423), when there is one.
	Wait time.Duration

	retryable bool
	stopRun   bool
	unknown   bool // a write may have been applied; never resent
	isolate   bool // a 400/409 naming none of the request's inputs
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hubspot: ")
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	}
	if e.Category != "" {
		b.WriteString(" " + e.Category)
	}
	if e.SubCategory != "" {
		b.WriteString(" (" + e.SubCategory + ")")
	}
	if e.PolicyName != "" {
		b.WriteString(" policy " + e.PolicyName)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, d := range e.Errors {
		if i == 2 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-2)
			break
		}
		b.WriteString("; ")
		if d.In != "" {
			b.WriteString(d.In + ": ")
		}
		if d.Code != "" {
			b.WriteString(d.Code + ": ")
		}
		b.WriteString(d.Message)
	}
	if e.CorrelationID != "" {
		b.WriteString(" [correlationId " + e.CorrelationID + "]")
	}
	if e.unknown {
		b.WriteString(": " + httpx.ErrOutcomeUnknown.Error())
	}
	return b.String()
}

// Retryable reports whether the records may be sent again: burst rate
// limits, 423, 477, and 5xx where nothing can have been written twice.
func (e *Error) Retryable() bool { return e.retryable }

// RetryAfter is the wait HubSpot asked for before a retry (0 if none).
func (e *Error) RetryAfter() time.Duration { return e.Wait }

// StopRun reports whether the whole run must stop: the daily limit is
// spent, or the credentials are refused.
func (e *Error) StopRun() bool { return e.stopRun }

// Is matches the sentinel classes (ErrValidation, ErrRateLimited …) and
// httpx.ErrOutcomeUnknown for a create whose outcome is unknown.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrValidation:
		return e.Category == CategoryValidation
	case ErrConflict:
		return e.Category == CategoryConflict || e.HTTPStatus == http.StatusConflict
	case ErrNotFound:
		return e.Category == CategoryObjectNotFound || e.Category == CategoryNotFound || e.HTTPStatus == http.StatusNotFound
	case ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests || e.Category == CategoryRateLimits
	case ErrDailyLimit:
		return e.isDaily()
	case ErrAuth:
		return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden ||
			e.Category == CategoryInvalidAuth || e.Category == CategoryMissingScopes
	case ErrLocked:
		return e.HTTPStatus == http.StatusLocked
	case ErrMigration:
		return e.HTTPStatus == StatusMigrationInProgress
	case ErrServer:
		return e.HTTPStatus >= 500
	case ErrCanceled:
		return e.Category == CategoryCanceled
	case httpx.ErrOutcomeUnknown:
		return e.unknown
	}
	return false
}

// isDaily reports a 429 for the daily quota.
func (e *Error) isDaily() bool {
	if e.HTTPStatus != http.StatusTooManyRequests && e.Category != CategoryRateLimits {
		return false
	}
	p := strings.ToUpper(e.PolicyName)
	return strings.Contains(p, "DAILY") ||
		(p == "" && strings.Contains(strings.ToLower(e.Message), "daily"))
}

// tokenError is a failure to obtain a token: nothing was sent, and nothing
// more can be, so it stops the run.
type tokenError struct{ err error }

// Error implements error, with the token source's message redacted.
func (e *tokenError) Error() string {
	return "hubspot: getting a token: " + httpx.RedactString(e.err.Error())
}

// Unwrap returns the token source's error.
func (e *tokenError) Unwrap() error { return e.err }

// StopRun is always true: no request can be sent without a token.
func (e *tokenError) StopRun() bool { return true }
