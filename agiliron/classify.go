package agiliron

import (
	"errors"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Code is the status word Agiliron writes in its MCM envelope
// (parameters.results.message.status) or in BatchStatus (Status) when it
// is not a success: "Error", "Failed" … Agiliron documents no numeric
// error codes; its per-record failures carry only a message.
type Code string

// The status words this package knows. "Success" and "Completed" are
// Agiliron's documented successes; the failures are not documented by
// name (the add-lead-1 page shows no failed answer; read-batchstatus
// shows only "Completed"), so these are the spellings read as a final
// failure.
const (
	// codeError is the status of a refused Add Lead or Bulk-* request.
	codeError Code = "Error"
	// codeFailed is a BatchStatus status of a batch that ended without
	// its records being processed as asked.
	codeFailed Code = "Failed"
)

// codes is the one table of what Agiliron's status words mean. A request
// refused with a status word wrote nothing: its records are Rejected, and
// a request of several is halved until the record at fault is named. A
// batch whose BatchStatus ends failed without a result has an unknown
// outcome (some records may have been processed).
var codes = vendorkit.Codes[Code]{
	codeError:   {Class: vendorkit.Rejected, Meaning: "the request was refused; nothing was queued"},
	"Failure":   {Class: vendorkit.Unknown, Meaning: "the batch ended unsuccessfully (BatchStatus)"},
	codeFailed:  {Class: vendorkit.Unknown, Meaning: "the batch ended unsuccessfully (BatchStatus)"},
	"Cancelled": {Class: vendorkit.Unknown, Meaning: "the batch was cancelled (BatchStatus)"},
	"Canceled":  {Class: vendorkit.Unknown, Meaning: "the batch was cancelled (BatchStatus)"},
	"Aborted":   {Class: vendorkit.Unknown, Meaning: "the batch was aborted (BatchStatus)"},
}

// isFailedStatus reports a final, unsuccessful BatchStatus status.
func isFailedStatus(s string) bool {
	info, ok := codes[Code(s)]
	return ok && info.Class == vendorkit.Unknown
}

// responseError classifies a non-2xx answer: its status's class (401/403
// Auth, which stops the run; 429 and 503 RateLimited and Unavailable, sent
// again by the engine after the server's Retry-After; another 5xx Unknown
// for a create, Unavailable for an update by id), Agiliron's message, and
// whole for a refusal that wrote nothing (400, 413, 422: isolated).
func (c *Client) responseError(op string, resp *httpx.Response, idempotent bool) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code](vendor, op, resp, idempotent)}
	if e.Message == "" {
		e.Message = c.http.Redact(errorMessage(resp))
	}
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		e.whole = true
	}
	if e.Class == vendorkit.Unknown {
		e.Message += " (the request may have been processed; not replayed)"
	}
	return e
}

// transportError classifies a request that got no usable answer: one that
// may have reached Agiliron and is not safe to send again has an unknown
// outcome; else the engine may send it again.
func transportError(op string, err error) *Error {
	e := &Error{APIError: vendorkit.FromTransport[Code](vendor, op, err)}
	if errors.Is(err, httpx.ErrBodyTooLarge) {
		e.Message = "the answer was too large to read"
	}
	return e
}

// malformedAnswer classifies a 2xx answer that could not be read: sent
// again when the request is idempotent, else its outcome is unknown (the
// server answered: the records may have been written).
func malformedAnswer(op string, status int, detail string, idempotent bool) *Error {
	e := newError(op, vendorkit.Malformed, detail)
	e.HTTPStatus, e.Err = status, batch.ErrMalformedResponse
	if !idempotent {
		e.Class = vendorkit.Unknown
		e.Message += " (the records may have been written; not replayed)"
	}
	return e
}

// statusError is a request refused by its status word (an Add Lead or
// Bulk-* answer whose status is not "Success"): nothing was written.
func statusError(op string, httpStatus int, status, msg string) *Error {
	e := newError(op, vendorkit.Rejected, msg)
	e.HTTPStatus, e.whole = httpStatus, true
	codes.Apply(&e.APIError, Code(status))
	return e
}

// isolate reports a request refused as a whole before anything was
// written (400, 413, 422, or a non-success status): the engine then
// halves the batch until the records at fault are named, which also finds
// a batch size the server accepts.
func isolate(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.whole && !e.Local
}
