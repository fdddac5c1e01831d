package propel

import (
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Code is a Propel API error code (see classify.go for the documented
// ones). The API sends it as a number or a string; a code that is not a
// number is kept at the front of Message instead.
type Code int

// Error is every error of this package: a request the API rejected (the
// envelope {"error":{"code","status","type","messages","moreInfo"}}), an
// entry of a bulk response whose success is false (Item), an answer of the
// token endpoint (Op "token"), a transport failure, or a record refused
// before sending (Local). It matches the batch class sentinels with
// errors.Is: batch.ErrInvalid, batch.ErrNotFound, batch.ErrDuplicate,
// batch.ErrUnauthorized, batch.ErrRateLimited, batch.ErrUnavailable,
// batch.ErrMalformedResponse and batch.ErrOutcomeUnknown. No field holds a
// secret or an SSN.
type Error struct {
	vendorkit.APIError[Code]
	// Type is the API's error type, e.g. "SchemaValidationException".
	Type string
	// Messages are the API's messages one by one, e.g.
	// "#/customers/0: extraneous key [company] is not permitted"
	// (Message holds them joined).
	Messages []string
	// MoreInfo is the documentation link the API gave.
	MoreInfo string
	// Field is the JSON name of the field a client-side check refused,
	// e.g. "email" or "addresses[1].country" (Local errors only).
	Field string
	// Item is true for a per-record failure inside a 2xx bulk response:
	// the request went through, but the API did not save this record.
	Item bool

	codeText string // the code as sent, when it is not a number
	// maybeWritten: the request may have been applied without an answer
	// saying so (sent and cut off, a 5xx other than 503, an unreadable
	// 2xx). Sending it again is safe (an upsert), but a record that fails
	// for this reason may have been written.
	maybeWritten bool
}

// Is matches the batch class sentinel of e's Class, and also
// batch.ErrOutcomeUnknown when the request may have been applied without
// an answer saying so: a record failed for such a reason (retries spent,
// or the run cancelled with it in flight) may have been written.
func (e *Error) Is(target error) bool {
	return e.APIError.Is(target) || e.maybeWritten && target == batch.ErrOutcomeUnknown
}

// setCode fills Code from the code as sent (classifying it with the code
// table); a code that is not a number is kept for Message.
func (e *Error) setCode(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if n, err := strconv.Atoi(s); err == nil {
		codes.Apply(&e.APIError, Code(n))
		return
	}
	e.codeText = s
}

// compose writes Message from the server's parts, once they are scrubbed:
// "[code text] Type: message; message".
func (e *Error) compose() {
	parts := make([]string, 0, 3)
	if e.codeText != "" {
		parts = append(parts, e.codeText)
	}
	if e.Type != "" {
		parts = append(parts, e.Type+":")
	}
	if len(e.Messages) > 0 {
		parts = append(parts, strings.Join(e.Messages, "; "))
	}
	if len(parts) > 0 {
		e.Message = strings.TrimSuffix(strings.Join(parts, " "), ":")
	}
}

// invalid is a record refused by a client-side check before any request.
// It names the field, never the value.
func invalid(field, reason string) error {
	e := &Error{Field: field}
	e.Vendor, e.Local, e.Class = "propel", true, vendorkit.Invalid
	e.Message = field + ": " + reason
	return e
}

// repeated is a record whose key an earlier record of the same call has:
// Propel would upsert the record twice, the later write winning.
func repeated(field string) error {
	e := &Error{Field: field}
	e.Vendor, e.Local, e.Class = "propel", true, vendorkit.Duplicate
	e.Message = field + ": the same key appears earlier in this call; send each record once"
	return e
}

// ownerMissing is a 404 from an endpoint whose path names one owner record
// (a customer's or company's addresses): it stops the run, since every
// request names the same missing owner.
type ownerMissing struct{ err *Error }

func (o *ownerMissing) Error() string { return o.err.Error() }

// Unwrap returns the API's error.
func (o *ownerMissing) Unwrap() error { return o.err }

// StopRun ends the run.
func (o *ownerMissing) StopRun() bool { return true }
