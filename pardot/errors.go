package pardot

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Documented Pardot error codes (pardot/api-docs error-codes-messages).
const (
	CodeInvalidAPIKey          = 1     // invalid or expired api_key / user_key
	CodeInvalidProspectID      = 3     // no prospect with that id
	CodeInvalidEmail           = 4     // bad, too long or unknown email
	CodeEmailExists            = 9     // a prospect with that email already exists
	CodeRequiredParamMissing   = 13    // required parameters missing
	CodeLoginFailed            = 15    // legacy login refused
	CodeRequiredValueMissing   = 36    // required values missing
	CodeInsufficientPermission = 46    // the user may not do this
	CodeAccessDenied           = 49    // access denied
	CodeIPNotActivated         = 53    // the client IP must be activated
	CodeEmailInUse             = 54    // email address already in use
	CodeConflictingUpdate      = 62    // another update of the prospect is in progress
	CodeConcurrencyLimit       = 66    // more than 5 requests at once
	CodeBatchTooLarge          = 70    // more than 50 prospects in a batch
	CodeInvalidInput           = 71    // input is not valid JSON or XML
	CodeCorruptedJSON          = 72    // JSON hash does not match
	CodeAPIDisabled            = 76    // API access disabled
	CodeInvalidFID             = 77    // invalid prospect fid
	CodeInvalidCRMFID          = 79    // invalid CRM_FID
	CodeIDFIDMismatch          = 81    // id and fid name different prospects
	CodeUnableToSave           = 85    // the prospect could not be saved; resubmit
	CodeMustUseVersion4        = 88    // the account needs API version 4
	CodeCannotUseVersion4      = 89    // the account cannot use API version 4
	CodeNotFlatArray           = 90    // version 4 got a keyed map
	CodeNotKeyedByEmail        = 91    // version 3 got a flat array
	CodeConnectorToken         = 119   // Salesforce connector token failure
	CodeConnectorVerify        = 120   // Salesforce connector verification failure
	CodeConnectorSync          = 121   // Salesforce sync failure
	CodeDailyLimit             = 122   // daily API call limit met
	CodeInvalidAuthMechanism   = 126   // invalid authentication mechanism
	CodeAccountLocked          = 131   // account locked after failed logins
	CodeProspectArchived       = 132   // the prospect is archived
	CodeInvalidAccessToken     = 184   // Salesforce access token invalid, unknown, malformed or expired
	CodeParameterError         = 10000 // a parameter-level error (see Error.Param)
)

// Sentinels for the classes a caller branches on; *Error matches them with
// errors.Is.
var (
	// ErrAuth: credentials were refused or expired (codes 1, 184, 15, 126,
	// 131, 46, 49, 53, 76).
	ErrAuth = errors.New("pardot: authentication or authorization failed")
	// ErrConfig: the request does not fit the account: wrong API version
	// (88, 89) or batch shape (90, 91), more prospects than the server
	// takes (70), or a document it cannot read (71, 72). A 70, 71 or 72
	// on a single prospect, after the request was split, names that
	// prospect's content.
	ErrConfig = errors.New("pardot: request does not fit the account's configuration")
	// ErrNotFound: no prospect has that id, email or fid (3, 4 on update, 77).
	ErrNotFound = errors.New("pardot: prospect not found")
	// ErrDuplicate: a prospect with that email already exists (9, 54).
	ErrDuplicate = errors.New("pardot: prospect already exists")
	// ErrRateLimited: concurrency (66) or daily (122) limit.
	ErrRateLimited = errors.New("pardot: rate limited")
	// ErrMalformedResponse: the response body could not be understood.
	ErrMalformedResponse = errors.New("pardot: malformed response")
	// ErrUnmatchedKey: a per-prospect error named no prospect of the request;
	// the whole request is failed rather than guess, and not resent (the
	// error also matches httpx.ErrOutcomeUnknown: Pardot did process it).
	ErrUnmatchedKey = errors.New("pardot: error key matches no prospect of the request")
	// ErrInvalidProspect: client-side validation refused the record; it was
	// not sent.
	ErrInvalidProspect = errors.New("pardot: invalid prospect")
	// ErrDuplicateIdentifier: batchCreate got the same email twice in one
	// input; the later record was not sent.
	ErrDuplicateIdentifier = errors.New("pardot: duplicate identifier in input")
)

// Error is an error reported by Pardot: a global failure of a request
// (Key empty) or the failure of one prospect (Key is the errors-map key).
// Its message never holds credentials.
type Error struct {
	// Code is Pardot's error code. It is inferred from well-known messages
	// when Pardot gave only a message, and 0 when none is known, when the
	// failure is an HTTP status without a Pardot body, or for
	// ErrUnmatchedKey (the entry's code is then in Message).
	Code int
	// Message is Pardot's message.
	Message string
	// HTTPStatus is the response's HTTP status.
	HTTPStatus int
	// Key is the per-prospect errors-map key (index or identifier).
	Key string
	// Param names the offending parameter of a code 10000 error.
	Param string
	// Op is the endpoint, such as "batchCreate" or "login".
	Op string

	retryable  bool          // set for transient failures that carry no code
	fatal      bool          // stop the run: every further request would fail alike
	retryAfter time.Duration // from a Retry-After header
	cause      error         // ErrMalformedResponse, ErrUnmatchedKey, httpx.ErrOutcomeUnknown, ErrAuth (token endpoint refusal)
}

// Unwrap returns the underlying cause, if any (ErrMalformedResponse,
// ErrUnmatchedKey, httpx.ErrOutcomeUnknown, or ErrAuth when Salesforce's
// token endpoint refused the credentials).
func (e *Error) Unwrap() error { return e.cause }

// Error implements error.
func (e *Error) Error() string {
	s := "pardot"
	if e.Op != "" {
		s += " " + e.Op
	}
	if e.Key != "" {
		s += " prospect " + strconv.Quote(e.Key)
	}
	if e.Code != 0 {
		s += fmt.Sprintf(": code %d", e.Code)
	} else if e.HTTPStatus != 0 {
		s += fmt.Sprintf(": HTTP %d", e.HTTPStatus)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Param != "" {
		s += " (param " + e.Param + ")"
	}
	return s
}

// Retryable reports whether sending again may succeed: conflicting update
// (62), concurrency limit (66), unable to save (85), connector hiccups
// (119-121), and transient HTTP failures.
func (e *Error) Retryable() bool {
	if e.retryable {
		return true
	}
	switch e.Code {
	case CodeConflictingUpdate, CodeConcurrencyLimit, CodeUnableToSave,
		CodeConnectorToken, CodeConnectorVerify, CodeConnectorSync:
		return true
	}
	return false
}

// MaxAttempts is the most times a prospect is sent when this error is the
// reason to send it again, the first included: 2 for "unable to save"
// (85, which Pardot asks to resubmit once), 3 for the Salesforce
// connector failures (119-121); 0 leaves the retry policy's limit.
func (e *Error) MaxAttempts() int {
	switch e.Code {
	case CodeUnableToSave:
		return 2
	case CodeConnectorToken, CodeConnectorVerify, CodeConnectorSync:
		return 3
	}
	return 0
}

// RetryAfter is the server's Retry-After, when an HTTP failure carried
// one; Pardot's own codes carry no wait hint, so it is usually 0 and the
// retry policy's backoff applies.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// StopRun reports errors after which every further request would fail the
// same way, so the rest of the run is not attempted: the daily limit (122),
// the wrong API version or batch shape (88-91), and authentication that
// failed even after a fresh login or token (1, 184, 15, 126, 131, 76, 53).
func (e *Error) StopRun() bool {
	if e.fatal {
		return true
	}
	switch e.Code {
	case CodeDailyLimit, CodeMustUseVersion4, CodeCannotUseVersion4, CodeNotFlatArray, CodeNotKeyedByEmail,
		CodeLoginFailed, CodeInvalidAuthMechanism, CodeAccountLocked, CodeAPIDisabled, CodeIPNotActivated:
		return true
	}
	return false
}

// invalidSession reports the codes by which Pardot says the credential a
// request carried is not, or no longer, good: 1 (an api_key that expired,
// or any credential it does not know) and 184 (a Salesforce access token
// that is invalid, unknown, malformed or whose session ended). A fresh
// credential may pass, so each earns one renewal and one replay.
func (e *Error) invalidSession() bool {
	return e.Code == CodeInvalidAPIKey || e.Code == CodeInvalidAccessToken
}

// refusedBeforeWrite reports a global failure that Pardot gives for a
// request's content before writing any of it, so the request may be split
// to find the prospects at fault: more prospects than the server takes
// (70), a document it cannot parse (71, 72) or a bad parameter (10000).
func (e *Error) refusedBeforeWrite() bool {
	if e.Key != "" || e.cause != nil {
		return false // a per-prospect error, or an answer that was processed
	}
	switch e.Code {
	case CodeBatchTooLarge, CodeInvalidInput, CodeCorruptedJSON, CodeParameterError:
		return true
	}
	return false
}

// Is matches the class sentinels (ErrAuth, ErrConfig, ErrNotFound,
// ErrDuplicate, ErrRateLimited) by code, and another *Error with the same
// non-zero Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrAuth:
		switch e.Code {
		case CodeInvalidAPIKey, CodeInvalidAccessToken, CodeLoginFailed, CodeInvalidAuthMechanism, CodeAccountLocked,
			CodeInsufficientPermission, CodeAccessDenied, CodeIPNotActivated, CodeAPIDisabled:
			return true
		}
		return e.HTTPStatus == 401 || e.HTTPStatus == 403
	case ErrConfig:
		switch e.Code {
		case CodeBatchTooLarge, CodeInvalidInput, CodeCorruptedJSON, CodeMustUseVersion4,
			CodeCannotUseVersion4, CodeNotFlatArray, CodeNotKeyedByEmail:
			return true
		}
	case ErrNotFound:
		switch e.Code {
		case CodeInvalidProspectID, CodeInvalidFID:
			return true
		}
	case ErrDuplicate:
		return e.Code == CodeEmailExists || e.Code == CodeEmailInUse
	case ErrRateLimited:
		return e.Code == CodeConcurrencyLimit || e.Code == CodeDailyLimit
	}
	if t, ok := target.(*Error); ok {
		return t.Code != 0 && t.Code == e.Code
	}
	return false
}

// codeMessages maps Pardot's per-prospect messages, which come without a
// code, to their codes.
var codeMessages = map[string]int{
	"invalid api key or user key":                         CodeInvalidAPIKey,
	"access_token is invalid, unknown, or malformed":      CodeInvalidAccessToken,
	"invalid prospect id":                                 CodeInvalidProspectID,
	"invalid prospect email address":                      CodeInvalidEmail,
	"prospect with that email already exists":             CodeEmailExists,
	"a prospect with the specified email already exists":  CodeEmailExists,
	"email address is already in use":                     CodeEmailInUse,
	"conflicting update":                                  CodeConflictingUpdate,
	"invalid prospect fid":                                CodeInvalidFID,
	"invalid crm_fid":                                     CodeInvalidCRMFID,
	"unable to save the prospect":                         CodeUnableToSave,
	"this prospect is archived":                           CodeProspectArchived,
	"prospect is archived":                                CodeProspectArchived,
	"you have exceeded your concurrent request limit":     CodeConcurrencyLimit,
	"batch processing is limited to 50 prospects at once": CodeBatchTooLarge,
}
