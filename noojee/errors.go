package noojee

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Sentinels for the classes a caller branches on. An *Error matches them
// with errors.Is.
var (
	// ErrBusy matches code 109, the server's "too many concurrent requests".
	ErrBusy = errors.New("noojee: server busy (109)")
	// ErrServer matches code 103 and other server-side failures.
	ErrServer = errors.New("noojee: server error")
	// ErrConflict matches code 110: a person edited the lead while it was
	// being updated. It is never retried; resolve it by hand.
	ErrConflict = errors.New("noojee: lead not updated due to a conflict; needs manual action")
	// ErrNotFound matches code 101: no lead has this njExternalLeadId.
	ErrNotFound = errors.New("noojee: lead not found")
	// ErrDuplicate matches codes 105 (phone number) and 112 (external id).
	ErrDuplicate = errors.New("noojee: duplicate lead")
	// ErrDNC matches code 104: the lead's numbers are on the Do-Not-Call list.
	ErrDNC = errors.New("noojee: lead is on the Do-Not-Call list")
	// ErrInvalid matches every lead or request refused for its content,
	// locally or by the server (102, 106–108, 111, 114–117). Local rule
	// violations with no vendor code match ErrInvalidLead instead.
	ErrInvalid = errors.New("noojee: invalid lead or request")
	// ErrAuth matches an HTTP 401 or 403: the apiKey was refused.
	ErrAuth = errors.New("noojee: apiKey refused")
	// ErrEndpointNotFound matches an HTTP 404 from a one-lead call: the
	// server offers no such operation, and the run stops. (A 404 from the
	// bulk insertLeadsFast is not an error: InsertLeads falls back to
	// insertLeadFast.)
	ErrEndpointNotFound = errors.New("noojee: the server has no such CampaignAPI operation")
	// ErrRejected matches a lead that the bulk insertLeadsFast call named
	// in the "Errors (If any):" rows of its import summary. The lead was
	// not inserted; Error.Message holds the row's Error Reason, and
	// Error.Code the code that reason names, or CodeUnknown.
	ErrRejected = errors.New("noojee: lead rejected by the bulk import")
	// ErrInvalidLead is wrapped by local validation errors that have no
	// vendor code (priority out of range, njDisposition on an insert, an
	// update without njExternalLeadId, a field given twice).
	ErrInvalidLead = errors.New("noojee: invalid lead")
	// ErrMalformedResponse is wrapped when the server's answer cannot be
	// read. When the call may have written the lead, the error also matches
	// ErrOutcomeUnknown.
	ErrMalformedResponse = errors.New("noojee: malformed response")
	// ErrOutcomeUnknown matches a lead whose call may have reached the
	// server without a usable answer (a dropped connection, a timeout, an
	// unreadable 2xx body). Such a lead is reported failed and never sent
	// again, since sending again could insert it twice.
	ErrOutcomeUnknown = httpx.ErrOutcomeUnknown
)

// Error is a CampaignAPI refusal of a lead or a call, or a local check that
// stands in for one (Local is then true and nothing was sent).
type Error struct {
	// Code is the result code; CodeUnknown when the answer had none.
	Code Code
	// Message is the server's message, or the local check's explanation.
	Message string
	// HTTPStatus is the response's status; 0 for a local error.
	HTTPStatus int
	// Endpoint is the operation called, e.g. "insertLeadFast".
	Endpoint string
	// ExternalID is the lead's njExternalLeadId when it had one and the
	// error concerns one lead.
	ExternalID string
	// Local is true when the error comes from client-side validation and
	// the lead was never sent.
	Local bool

	retryAfter time.Duration
	exhausted  bool // a 103 whose lead has used up WithExceptionRetries
	rejected   bool // named in a rejected row of a bulk import summary
}

// Error implements error. It never holds the apiKey.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("noojee")
	if e.Endpoint != "" {
		b.WriteString(" " + e.Endpoint)
	}
	if e.Local {
		b.WriteString(" (local check)")
	}
	b.WriteString(": ")
	if e.rejected {
		b.WriteString("rejected by the bulk import: ")
	}
	b.WriteString(e.Code.String())
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Message != "" && e.Message != e.Code.Name() {
		b.WriteString(": " + e.Message)
	}
	if e.ExternalID != "" {
		fmt.Fprintf(&b, " [njExternalLeadId %q]", e.ExternalID)
	}
	if e.exhausted {
		b.WriteString(" (retries exhausted)")
	}
	return b.String()
}

// Class returns the error's class: the code's class, or for an answer
// without a code, one derived from the HTTP status.
func (e *Error) Class() Class {
	if e.Code != CodeUnknown {
		return e.Code.Class()
	}
	switch {
	case e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden:
		return ClassAuth
	case e.HTTPStatus == http.StatusNotFound:
		return ClassEndpoint
	case e.HTTPStatus == http.StatusServiceUnavailable || e.HTTPStatus == http.StatusTooManyRequests:
		return ClassBusy
	case e.HTTPStatus >= 500:
		return ClassServer
	}
	return ClassUnknown
}

// Retryable reports whether the lead may be sent again, within the retry
// policy: on 109 (busy), and on 103 (exception) until the lead has had
// more 103s than WithExceptionRetries allows; never on anything else, and
// never on a local error.
func (e *Error) Retryable() bool {
	if e.Local {
		return false
	}
	switch e.Class() {
	case ClassBusy:
		return true
	case ClassServer:
		return e.Code == CodeException && !e.exhausted
	}
	return false
}

// RetryAfter returns the wait the server asked for (Retry-After), or 0.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// StopRun reports whether the whole run should stop: the apiKey was
// refused, or the operation does not exist on the server, so every other
// lead would be refused too.
func (e *Error) StopRun() bool { c := e.Class(); return c == ClassAuth || c == ClassEndpoint }

// NeedsManualAction reports whether a person must resolve the failure
// (code 110): a retry would overwrite someone's edit.
func (e *Error) NeedsManualAction() bool { return e.Code == CodeConflict }

// Is matches the class sentinels (ErrBusy, ErrServer, ErrConflict,
// ErrNotFound, ErrDuplicate, ErrDNC, ErrInvalid, ErrAuth,
// ErrEndpointNotFound, ErrRejected), and another
// *Error with the same Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBusy:
		return e.Class() == ClassBusy
	case ErrServer:
		return e.Class() == ClassServer
	case ErrConflict:
		return e.Code == CodeConflict
	case ErrNotFound:
		return e.Code == CodeCouldntFindTheLead
	case ErrDuplicate:
		return e.Code == CodeDuplicate || e.Code == CodeDuplicateExternalID
	case ErrDNC:
		return e.Code == CodeDNC
	case ErrInvalid:
		c := e.Class()
		switch e.Code {
		case CodeDNC, CodeDuplicate, CodeDuplicateExternalID, CodeCouldntFindTheLead:
			return false
		}
		return c == ClassLead || c == ClassRequest
	case ErrAuth:
		return e.Class() == ClassAuth
	case ErrEndpointNotFound:
		return e.Class() == ClassEndpoint
	case ErrRejected:
		return e.rejected
	}
	if t, ok := target.(*Error); ok {
		return t.Code == e.Code
	}
	return false
}

// localError is a client-side check standing in for a vendor code.
func localError(code Code, endpoint, externalID, msg string) *Error {
	return &Error{Code: code, Message: msg, Endpoint: endpoint, ExternalID: externalID, Local: true}
}

// invalidLead wraps ErrInvalidLead for local rules with no vendor code.
func invalidLead(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidLead, fmt.Sprintf(format, args...))
}

// malformed is an unreadable answer. unknown says whether the call may have
// written the lead.
type malformed struct {
	endpoint string
	status   int
	detail   string
	unknown  bool
}

// Error implements error; the detail is already redacted.
func (m *malformed) Error() string {
	msg := fmt.Sprintf("noojee %s: %v (HTTP %d): %s", m.endpoint, ErrMalformedResponse, m.status, m.detail)
	if m.unknown {
		msg += ": " + ErrOutcomeUnknown.Error()
	}
	return msg
}

// Is matches ErrMalformedResponse, and ErrOutcomeUnknown when the call may
// have written the leads.
func (m *malformed) Is(target error) bool {
	return target == ErrMalformedResponse || (m.unknown && target == ErrOutcomeUnknown)
}
