package noojee

import (
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// vendor names this package in errors and printed values.
const vendor = "noojee"

// Error is a CampaignAPI refusal of a lead or a call, an answer that could
// not be read, a failed transport, or a local check that stands in for a
// refusal (Local is then true and nothing was sent). Reach it with
// errors.As from a report's error; match its class with the batch
// sentinels (batch.ErrRateLimited for 109, batch.ErrDuplicate for 105 and
// 112, batch.ErrNotFound for 101, batch.ErrInvalid, batch.ErrUnauthorized,
// batch.ErrOutcomeUnknown …) and Noojee's own codes with Code (CodeDNC,
// CodeConflict …).
type Error struct {
	vendorkit.APIError[Code]
	// ExternalID is the lead's njExternalLeadId when it had one and the
	// error concerns one lead.
	ExternalID string
	// InBulkSummary is true when the bulk insert's import summary named the
	// lead in its "Errors (If any):" rows: the lead was not inserted,
	// Message holds the row's Error Reason, and Code the code that reason
	// names (zero when it names none).
	InBulkSummary bool

	noOperation bool // a 404 without a code from a one-lead call: stop the run
}

// StopRun tells the engine to send nothing more: the apiKey was refused,
// or the server has no such CampaignAPI operation (every lead would be
// refused alike).
func (e *Error) StopRun() bool { return e.noOperation || e.APIError.StopRun() }

// localError is a client-side refusal: nothing was sent.
func localError(class vendorkit.Class, code Code, op, externalID, msg string) *Error {
	e := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, Code: code, Message: msg,
		Class: class, Local: true}, ExternalID: externalID}
	return e
}

// invalidLead is a local refusal for a rule the vendor gives no code for.
func invalidLead(op, externalID, msg string) *Error {
	return localError(vendorkit.Invalid, 0, op, externalID, msg)
}

// malformedError is an answer that could not be read: the leads' outcome
// is unknown when the call may have written them, else the call may be
// sent again. It matches batch.ErrMalformedResponse through its cause.
func malformedError(op string, status int, detail string, unknown bool) *Error {
	class := vendorkit.Malformed
	if unknown {
		class = vendorkit.Unknown
	}
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, HTTPStatus: status,
		Message: detail, Class: class, Err: batch.ErrMalformedResponse}}
}
