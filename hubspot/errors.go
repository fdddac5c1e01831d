package hubspot

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Code is HubSpot's error category (the body's "category", or its
// "errorType" when it has no category, as in a 429 body).
type Code string

// The categories HubSpot documents, and the one this package sets.
const (
	// CodeValidation: a bad property value, a missing required property, a
	// rule of the portal broken; matches batch.ErrInvalid.
	CodeValidation Code = "VALIDATION_ERROR"
	// CodeConflict: a unique value is already taken; matches batch.ErrDuplicate.
	CodeConflict Code = "CONFLICT"
	// CodeObjectNotFound and CodeNotFound match batch.ErrNotFound.
	CodeObjectNotFound Code = "OBJECT_NOT_FOUND"
	CodeNotFound       Code = "NOT_FOUND"
	// CodeRateLimits: a rate limit, burst or daily (see Error.PolicyName);
	// matches batch.ErrRateLimited, or batch.ErrQuotaExceeded for the daily
	// quota.
	CodeRateLimits Code = "RATE_LIMITS"
	// CodeInvalidAuth and CodeMissingScopes stop the run; they match
	// batch.ErrUnauthorized.
	CodeInvalidAuth   Code = "INVALID_AUTHENTICATION"
	CodeMissingScopes Code = "MISSING_SCOPES"
	// CodeCanceled is set by this package on the records of a batch answer
	// whose status is CANCELED; they match ErrCanceled.
	CodeCanceled Code = "CANCELED"
)

// ErrCanceled matches the error of the records of a batch HubSpot
// answered with status CANCELED: they are failed, not sent again, and keep
// any result the answer carried. It is the one failure class that is
// HubSpot's own; every other matches a batch sentinel (batch.ErrInvalid,
// batch.ErrDuplicate, batch.ErrNotFound, batch.ErrRateLimited,
// batch.ErrQuotaExceeded, batch.ErrUnauthorized, batch.ErrUnavailable,
// batch.ErrMalformedResponse, batch.ErrOutcomeUnknown).
var ErrCanceled = errors.New("hubspot: batch canceled")

// Error is a failure of one record or request: HubSpot's error body (a
// whole-request error, or one entry of a 207's errors[]), a transport
// failure, or a refusal before sending (Local). The shared fields (Op,
// HTTPStatus, Code, Message, RequestID — HubSpot's correlationId —, Wait,
// Class, Local, Err) come from the base every crmbatch vendor uses; the
// rest are HubSpot's. It never holds the token.
type Error struct {
	vendorkit.APIError[Code]
	// ID is the error's id, when HubSpot gives one.
	ID string
	// SubCategory refines Code; an object-valued subCategory is kept as
	// compact JSON.
	SubCategory string
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
	PolicyName, ErrorType, GroupName string
	// NumErrors is the numErrors of the batch answer this error came in
	// (the errors HubSpot counted for the whole request, which may be more
	// than it listed); 0 outside a batch answer.
	NumErrors int

	isolate bool // a 400/409 naming none of the request's inputs
}

// ErrorDetail is one entry of an error's nested errors[].
type ErrorDetail struct {
	// XMLName is the element of one detail in XML: <errorDetail>.
	XMLName     xml.Name `json:"-" xml:"errorDetail"`
	Message     string   `json:"message,omitempty" xml:"message,omitempty"`
	Code        string   `json:"code,omitempty" xml:"code,omitempty"`
	In          string   `json:"in,omitempty" xml:"in,omitempty"`
	SubCategory string   `json:"subCategory,omitempty" xml:"subCategory,omitempty"`
	// Context is the detail's context as text: a JSON string as is (HubSpot
	// sends e.g. "{missingScopes=[scope1, scope2]}"), anything else as
	// compact JSON.
	Context string `json:"context,omitempty" xml:"context,omitempty"`
}

// Error implements error: the base's text, then the sub-category, the
// rate-limit policy and the first two nested details.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.APIError.Error())
	if e.SubCategory != "" {
		b.WriteString(" (" + e.SubCategory + ")")
	}
	if e.PolicyName != "" {
		b.WriteString(" policy " + e.PolicyName)
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
	return b.String()
}

// Is matches ErrCanceled for a CANCELED batch, and the batch sentinel of
// the error's class.
func (e *Error) Is(target error) bool {
	if target == ErrCanceled {
		return e.Code == CodeCanceled
	}
	return e.APIError.Is(target)
}

// localError is a record refused before sending: it matches
// batch.ErrInvalid (batch.ErrDuplicate for a key repeated in one call).
func localError(op string, class vendorkit.Class, format string, args ...any) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, Local: true, Class: class,
		Message: fmt.Sprintf(format, args...)}}
}
