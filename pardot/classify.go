package pardot

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Pardot's error codes that the client acts on or a caller branches on
// (pardot/api-docs docs/kb/error-codes-messages.md; 184 from the clients
// that handle it, see the package doc).
const (
	CodeInvalidAPIKey        Code = 1     // invalid or expired api_key / user_key
	CodeInvalidProspectID    Code = 3     // no prospect with that id
	CodeInvalidEmail         Code = 4     // bad, too long or unknown email
	CodeEmailExists          Code = 9     // a prospect with that email already exists
	CodeLoginFailed          Code = 15    // legacy login refused
	CodeEmailInUse           Code = 54    // email address already in use
	CodeConflictingUpdate    Code = 62    // another update of the prospect is in progress
	CodeConcurrencyLimit     Code = 66    // more than 5 requests at once
	CodeBatchTooLarge        Code = 70    // more than 50 prospects in a batch
	CodeInvalidInput         Code = 71    // input is not valid JSON or XML
	CodeCorruptedJSON        Code = 72    // JSON hash does not match
	CodeInvalidFID           Code = 77    // invalid prospect fid
	CodeUnableToSave         Code = 85    // the prospect could not be saved; resubmit
	CodeMustUseVersion4      Code = 88    // the account needs API version 4
	CodeCannotUseVersion4    Code = 89    // the account cannot use API version 4
	CodeDailyLimit           Code = 122   // daily API call limit met
	CodeInvalidAuthMechanism Code = 126   // invalid authentication mechanism
	CodeProspectArchived     Code = 132   // the prospect is archived
	CodeInvalidAccessToken   Code = 184   // Salesforce access token invalid, unknown, malformed or expired
	CodeParameterError       Code = 10000 // a parameter-level error (see Error.Param)
)

// codes is Pardot's code table: what each code means to the engine and the
// caller. A code not in it keeps the class of its HTTP status (Rejected for
// Pardot's HTTP 200 failures). 1 and 184 are final here: the one renewal
// and replay they earn first happens in Client.post.
var codes = vendorkit.Codes[Code]{
	CodeInvalidAPIKey:        {Class: vendorkit.Auth, Meaning: "invalid or expired api_key, after one new login"},
	CodeInvalidProspectID:    {Class: vendorkit.NotFound, Meaning: "invalid prospect id"},
	CodeInvalidEmail:         {Class: vendorkit.Invalid, Meaning: "invalid prospect email address"},
	CodeEmailExists:          {Class: vendorkit.Duplicate, Meaning: "a prospect with that email already exists"},
	13:                       {Class: vendorkit.Invalid, Meaning: "required parameters are missing"},
	CodeLoginFailed:          {Class: vendorkit.Auth, Meaning: "login failed"},
	36:                       {Class: vendorkit.Invalid, Meaning: "required values are missing"},
	46:                       {Class: vendorkit.Auth, Meaning: "insufficient access rights"},
	49:                       {Class: vendorkit.Auth, Meaning: "access denied"},
	53:                       {Class: vendorkit.Auth, Meaning: "the client IP address must be activated"},
	CodeEmailInUse:           {Class: vendorkit.Duplicate, Meaning: "email address is already in use"},
	CodeConflictingUpdate:    {Class: vendorkit.Unavailable, Meaning: "conflicting update: another update of the prospect is in progress"},
	CodeConcurrencyLimit:     {Class: vendorkit.RateLimited, Meaning: "more than five requests in flight"},
	CodeBatchTooLarge:        {Class: vendorkit.Invalid, Meaning: "more prospects than the server takes in one batch"},
	CodeInvalidInput:         {Class: vendorkit.Invalid, Meaning: "input is not valid JSON or XML"},
	CodeCorruptedJSON:        {Class: vendorkit.Invalid, Meaning: "JSON has been corrupted"},
	76:                       {Class: vendorkit.Auth, Meaning: "API access is disabled"},
	CodeInvalidFID:           {Class: vendorkit.NotFound, Meaning: "invalid prospect fid"},
	79:                       {Class: vendorkit.Invalid, Meaning: "invalid CRM_FID"},
	81:                       {Class: vendorkit.Invalid, Meaning: "prospect id and fid do not match"},
	CodeUnableToSave:         {Class: vendorkit.Unavailable, MaxAttempts: 2, Meaning: "unable to save the prospect: resubmit once"},
	CodeMustUseVersion4:      {Class: vendorkit.Rejected, StopRun: true, Meaning: "this API user must use version 4"},
	CodeCannotUseVersion4:    {Class: vendorkit.Rejected, StopRun: true, Meaning: "this API user is unable to use version 4"},
	90:                       {Class: vendorkit.Rejected, StopRun: true, Meaning: "version 4 takes a flat array of prospects"},
	91:                       {Class: vendorkit.Rejected, StopRun: true, Meaning: "version 3 takes prospects keyed by email"},
	119:                      {Class: vendorkit.Unavailable, MaxAttempts: 3, Meaning: "Salesforce connector token failure"},
	120:                      {Class: vendorkit.Unavailable, MaxAttempts: 3, Meaning: "Salesforce connector verification failure"},
	121:                      {Class: vendorkit.Unavailable, MaxAttempts: 3, Meaning: "Salesforce sync failure"},
	CodeDailyLimit:           {Class: vendorkit.Quota, Meaning: "daily API call limit met"},
	CodeInvalidAuthMechanism: {Class: vendorkit.Auth, Meaning: "invalid authentication mechanism"},
	131:                      {Class: vendorkit.Auth, Meaning: "account locked after failed logins"},
	CodeProspectArchived:     {Class: vendorkit.Rejected, Meaning: "the prospect is archived"},
	CodeInvalidAccessToken:   {Class: vendorkit.Auth, Meaning: "access token invalid or its session ended, after one renewal"},
	CodeParameterError:       {Class: vendorkit.Invalid, Meaning: "a parameter's value is invalid"},
}

// codeMessages maps Pardot's messages that come without a code (most
// per-prospect errors) to their codes.
var codeMessages = map[string]Code{
	"invalid api key or user key":                         CodeInvalidAPIKey,
	"access_token is invalid, unknown, or malformed":      CodeInvalidAccessToken,
	"invalid prospect id":                                 CodeInvalidProspectID,
	"invalid prospect email address":                      CodeInvalidEmail,
	"prospect with that email already exists":             CodeEmailExists,
	"a prospect with the specified email already exists":  CodeEmailExists,
	"email address is already in use":                     CodeEmailInUse,
	"conflicting update":                                  CodeConflictingUpdate,
	"invalid prospect fid":                                CodeInvalidFID,
	"invalid crm_fid":                                     79,
	"unable to save the prospect":                         CodeUnableToSave,
	"this prospect is archived":                           CodeProspectArchived,
	"prospect is archived":                                CodeProspectArchived,
	"you have exceeded your concurrent request limit":     CodeConcurrencyLimit,
	"batch processing is limited to 50 prospects at once": CodeBatchTooLarge,
}

// inferCode returns the code of a well-known message, or 0.
func inferCode(msg string) Code {
	m := strings.ToLower(strings.TrimSpace(msg))
	if m == "" {
		return 0
	}
	for prefix, code := range codeMessages {
		if strings.HasPrefix(m, prefix) {
			return code
		}
	}
	return 0
}

// invalidSession reports the codes by which Pardot says the credential a
// request carried is not, or no longer, good: 1 (an expired api_key) and
// 184 (a Salesforce token whose session ended). Each earns one renewal
// and one replay per request.
func invalidSession(code Code) bool {
	return code == CodeInvalidAPIKey || code == CodeInvalidAccessToken
}

// refusedBeforeWrite reports a global failure that Pardot gives for a
// request's content before writing any of it, so the request may be split
// to find the prospects at fault: more prospects than the server takes
// (70), a document it cannot parse (71, 72) or a bad parameter (10000).
func refusedBeforeWrite(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Key != "" || e.Local {
		return false
	}
	switch e.Code {
	case CodeBatchTooLarge, CodeInvalidInput, CodeCorruptedJSON, CodeParameterError:
		return true
	}
	return false
}

// codeError is the error of a Pardot failure carrying code: the whole
// request's (key "") or one prospect's. Its class comes from the table.
func codeError(op string, status int, code Code, msg, key, param string) *Error {
	e := &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: op, HTTPStatus: status, Message: msg},
		Key: key, Param: param}
	codes.Apply(&e.APIError, code)
	return e
}

// statusError is the error of a response without a usable Pardot body: its
// HTTP status decides, and a create that may have been applied (5xx, an
// unreadable 2xx) is Unknown, never sent again.
func statusError(op string, resp *httpx.Response, idempotent bool, derr error) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code]("pardot", op, resp, idempotent)}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		e.Class, e.Err = vendorkit.Malformed, vendorkit.Unreadable(derr)
		if !idempotent {
			e.Class = vendorkit.Unknown
			e.Message = "the answer could not be read; the batch may have been applied and is not sent again"
		}
	case e.Message == "":
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// transportError is the error of a request that got no usable answer.
func transportError(op string, err error) *Error {
	return &Error{APIError: vendorkit.FromTransport[Code]("pardot", op, err)}
}

// localError is a record refused before sending: Invalid, or Duplicate for
// an identifier repeated within one call.
func localError(op string, class vendorkit.Class, msg string) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: op, Message: msg, Class: class, Local: true}}
}

// tokenError is the error of a token function or source that failed,
// classed by vendorkit.TokenClass: the token endpoint refusing the
// credentials stops the run; anything else (network, 5xx) may pass on a
// later try.
func tokenError(err error, secrets *httpx.Secrets) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: "oauth", Class: vendorkit.TokenClass(err),
		Message: "getting an access token: " + secrets.Redact(err.Error())}}
}

// unmatchedKey is the error of a whole request whose errors map names a key
// that matches none of its prospects. Pardot processed the request, so the
// others may have been written: Unknown, never sent again (even when the
// entry carried a retryable code such as 62).
func unmatchedKey(op string, status int, it itemError) *Error {
	msg := "the errors map names a prospect not in the request (entry"
	if it.Code != 0 {
		msg += " code " + it.Code.String() + ","
	}
	msg += " message " + strconv.Quote(it.Message) + "); Pardot processed the request, so the outcome of its prospects is unknown"
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: op, HTTPStatus: status, Message: msg,
		Class: vendorkit.Unknown}, Key: it.Key}
}
