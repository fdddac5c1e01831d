package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// vendor names this package in every error.
const vendor = "hubspot"

// statusMigration is HubSpot's 477 Migration in Progress: the account is
// moving its data-hosting location; send again after Retry-After.
const statusMigration = 477

// Rate-limit policies named in a 429 body (Error.PolicyName).
const (
	policySecondly = "SECONDLY"
	policyDaily    = "DAILY"
)

// codes is what each HubSpot category means (HubSpot's error-handling
// guide). A category not listed keeps the class of its HTTP status.
var codes = vendorkit.Codes[Code]{
	CodeValidation:     {Class: vendorkit.Invalid, Meaning: "a property value, a required property or a portal rule refused the input"},
	CodeConflict:       {Class: vendorkit.Duplicate, Meaning: "a unique property value is already taken"},
	CodeObjectNotFound: {Class: vendorkit.NotFound, Meaning: "no object with this id or unique value"},
	CodeNotFound:       {Class: vendorkit.NotFound, Meaning: "not found"},
	CodeRateLimits:     {Class: vendorkit.RateLimited, Meaning: "a rate limit was hit (burst or daily: see the policy)"},
	CodeInvalidAuth:    {Class: vendorkit.Auth, Meaning: "the token was refused"},
	CodeMissingScopes:  {Class: vendorkit.Auth, Meaning: "the token lacks a scope the endpoint needs"},
	CodeCanceled:       {Class: vendorkit.Rejected, Meaning: "the batch was canceled; its records are not confirmed"},
}

// statusTable is what HubSpot's own statusTable mean, beside the code table:
// both are answers in which nothing was written, so they are sent again.
var statusTable = map[int]vendorkit.CodeInfo{
	http.StatusLocked: {Class: vendorkit.Unavailable, Wait: DefaultLockedWait,
		Meaning: "423 Locked: too many writes to the same records too fast; wait at least 2 s (WithLockedWait)"},
	statusMigration: {Class: vendorkit.Unavailable,
		Meaning: "477 Migration in Progress: the account's data is moving; wait for Retry-After"},
}

// responseError decodes and classifies a non-2xx answer to a request.
func (c *Client) responseError(kind opKind, op string, resp *httpx.Response) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code](vendor, op, resp, kind.idempotent())}
	decodeErrorBody(e, resp.Body, c.http.Redact)
	classify(e)
	if info, ok := statusTable[resp.StatusCode]; ok {
		e.Class = info.Class
		if resp.StatusCode == http.StatusLocked {
			e.Wait = max(e.Wait, c.cfg.lockedWait)
		}
	}
	if e.Class == vendorkit.RateLimited && resp.Header.Get("Retry-After") == "" {
		// No Retry-After: wait out the window the policy names.
		e.Wait = BurstWindow
		if e.PolicyName == policySecondly {
			e.Wait = time.Second
		}
	}
	return e
}

// classify applies the code table to e, then tells a spent daily quota
// (which stops the run) from a burst limit (which is waited out).
func classify(e *Error) {
	codes.Apply(&e.APIError, e.Code)
	if e.HTTPStatus == http.StatusTooManyRequests || e.Code == CodeRateLimits {
		e.Class = vendorkit.RateLimited
		if isDaily(e) {
			e.Class, e.Wait = vendorkit.Quota, 0
		}
	}
}

// isDaily reports a rate-limit error for the daily quota.
func isDaily(e *Error) bool {
	p := strings.ToUpper(e.PolicyName)
	return strings.Contains(p, policyDaily) ||
		(p == "" && strings.Contains(strings.ToLower(e.Message), "daily"))
}

// malformedAnswer is the error of records whose 2xx answer could not be
// read: a create may have been written (batch.ErrOutcomeUnknown, never
// resent); anything else is sent again (batch.ErrMalformedResponse).
func malformedAnswer(kind opKind, op string, status int, err error) *Error {
	return unsettled(kind, op, status, "", err)
}

// noResult is the error of a record the answer did not mention: sent
// again where that is harmless, else an unknown outcome.
func noResult(kind opKind, op string, status int) *Error {
	return unsettled(kind, op, status, "no result or error for the record in the answer", nil)
}

// unlistedErrors is the error of a record the answer did not mention when
// its numErrors counts more errors than its errors[] lists: the record may
// be one of those left out.
func unlistedErrors(kind opKind, op string, status, counted, listed int) *Error {
	return unsettled(kind, op, status, fmt.Sprintf("no result or error for the record in the answer (numErrors %d but %d listed)", counted, listed), nil)
}

// unsettled is Malformed (sent again) for an idempotent endpoint and
// Unknown (never sent again: it may have been written) for create.
func unsettled(kind opKind, op string, status int, msg string, cause error) *Error {
	class := vendorkit.Malformed
	if !kind.idempotent() {
		class = vendorkit.Unknown
	}
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, HTTPStatus: status, Message: msg, Class: class, Err: vendorkit.Unreadable(cause)}}
}

// rejectedWithOthers is the error of the inputs sent again, without the
// named ones, after a whole-request 400 or 409 that named other inputs.
func rejectedWithOthers(op string, status int) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, HTTPStatus: status, Class: vendorkit.Unavailable,
		Message: "the request was refused because of other inputs; sending again without them"}}
}

// canceledError is the error of the records of a CANCELED batch. It takes
// the message, context and details of the answer's error that names no
// input, when there is one.
func canceledError(op string, status, numErrors int, unnamed *Error) *Error {
	e := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, HTTPStatus: status, Code: CodeCanceled,
		Class: codes[CodeCanceled].Class, Message: "HubSpot canceled the batch; its records are not confirmed"}, NumErrors: numErrors}
	if unnamed != nil {
		if unnamed.Message != "" {
			e.Message += ": " + unnamed.Message
		}
		e.RequestID = unnamed.RequestID
		e.ID, e.SubCategory, e.Context, e.Errors, e.Links = unnamed.ID, unnamed.SubCategory, unnamed.Context, unnamed.Errors, unnamed.Links
	}
	return e
}

// final returns e, or a copy of it that is never sent again: the record
// got a result too, so it may have been written.
func (e *Error) final() *Error {
	if !e.Class.Retryable() {
		return e
	}
	c := *e
	c.Class = vendorkit.Unknown
	return &c
}

// tokenError is a failure to obtain a token, classed by
// vendorkit.TokenClass: a token endpoint refusing the credentials stops the
// run (batch.ErrUnauthorized); anything else may pass on a later try.
// Nothing was sent either way.
func tokenError(op string, err error, redact func(error) error) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, Class: vendorkit.TokenClass(err), Message: "getting a token",
		Err: redact(err)}}
}

// isolate is Op.Isolate for every endpoint: a request refused as a whole
// with 400 or 409, naming none of its inputs, wrote nothing, so it is
// split to find the inputs at fault.
func isolate(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.isolate
}
