package agiliron

import (
	"errors"
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// messageLastNameBlank is the message Agiliron gives a lead without a last
// name (the one failure message its documentation shows). Leads().Update
// uses it for the same client-side check.
const messageLastNameBlank = "Lead Last Name cannot be blank"

// ErrRejected matches a record Agiliron processed and failed (its result
// names the record with a message, e.g. "Lead Last Name cannot be
// blank"), or a request its answer refused by status: Agiliron's own
// refusal, which no batch sentinel names. Message says why.
var ErrRejected = errors.New("agiliron: rejected by Agiliron")

// Error is an Agiliron error: a refused request, a record Agiliron
// failed, a record whose outcome is unknown, or a client-side refusal
// (Local true, nothing sent). Reach it with errors.As from a report's
// error; match its class with the batch sentinels: batch.ErrInvalid (a
// local check), batch.ErrDuplicate (an id repeated within one call),
// batch.ErrUnauthorized (401/403: the run stops), batch.ErrRateLimited,
// batch.ErrUnavailable, batch.ErrMalformedResponse, and
// batch.ErrOutcomeUnknown (the request may have been processed but no
// final result is known: do not resend a create blindly; check BatchID
// with WaitBatch, or read the records back). A record Agiliron failed in
// its result matches ErrRejected, and Message holds Agiliron's reason.
// Its message never holds the API key or the webhook secret.
type Error struct {
	vendorkit.APIError[Code]
	// BatchID is the batch the record was sent in, when one was created
	// (never for Add Lead, which has no batch).
	BatchID string
	// ID is the record's id in a per-record error (empty for a new
	// record): a LeadId, ContactId or AccountID, as Op's resource says.
	ID string
	// Record is the record's 1-based position in its request, in a
	// per-record error.
	Record int
	// Field names the offending field of a client-side check.
	Field string

	idName string // the id's wire name ("LeadId"), for the message
	whole  bool   // the request was refused as a whole, nothing written
}

// Error implements error: the base's text, then the record's id, position
// and batch.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.APIError.Error())
	if e.ID != "" {
		fmt.Fprintf(&b, " (%s %s)", e.idName, e.ID)
	}
	if e.Record != 0 {
		fmt.Fprintf(&b, " (record %d)", e.Record)
	}
	if e.BatchID != "" {
		fmt.Fprintf(&b, " [batch %s]", e.BatchID)
	}
	return b.String()
}

// Is matches ErrRejected for Agiliron's own refusals, and the batch
// sentinel of the error's class (see the type's doc).
func (e *Error) Is(target error) bool {
	if target == ErrRejected {
		return e.Class == vendorkit.Rejected && !e.Local
	}
	return e.APIError.Is(target)
}

// newError is an error of class class for op.
func newError(op string, class vendorkit.Class, msg string) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, Class: class, Message: msg}}
}

// invalid returns a client-side refusal of field.
func invalid(op, field, msg string) *Error {
	e := newError(op, vendorkit.Invalid, msg)
	e.Local, e.Field = true, field
	return e
}
