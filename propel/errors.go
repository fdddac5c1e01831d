package propel

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Code is a Propel API error code. The API sends it as a number or a
// string; both decode to a Code (0 when absent or not numeric, see
// Error.CodeText).
type Code int

// The documented error codes (rest-v2 core concepts, errors). None of them
// is worth retrying unchanged.
const (
	// CodeInvalidJSONPayload (400): the body is not valid JSON.
	CodeInvalidJSONPayload Code = 10005
	// CodeInvalidLookupKey (400): the lookup key in the path is not known.
	CodeInvalidLookupKey Code = 10006
	// CodeSchemaValidation (400): the body breaks the schema, for example an
	// unknown key ("extraneous key [company] is not permitted").
	CodeSchemaValidation Code = 10007
	// CodeNotFound (404): the resource does not exist.
	CodeNotFound Code = 10008
	// CodePaginatedResponse (400): bad paging parameters.
	CodePaginatedResponse Code = 10015
	// CodeLookupKeyNotFound (400): a bulk-by-key item lacks its key.
	CodeLookupKeyNotFound Code = 10016
	// CodePayloadValidation (400): server-side validation of the payload failed.
	CodePayloadValidation Code = 10017
	// CodeTranslationNotFound (404).
	CodeTranslationNotFound Code = 10018
	// CodeWarehouseNotFound (404).
	CodeWarehouseNotFound Code = 10019
	// CodeWarehouseInvalidConfiguration (400).
	CodeWarehouseInvalidConfiguration Code = 10020
)

// Sentinels for the classes of failure a caller branches on; match them
// with errors.Is.
var (
	// ErrUnauthorized: the credentials were refused (401 or 403, including
	// a 401 that persisted after a fresh token). It stops the run.
	ErrUnauthorized = errors.New("propel: unauthorized")
	// ErrInvalidPayload: the API rejected what was sent (codes 10005,
	// 10006, 10007, 10016, 10017, 10020); resending it unchanged fails again.
	ErrInvalidPayload = errors.New("propel: payload rejected")
	// ErrNotFound: 404, or codes 10008, 10018, 10019.
	ErrNotFound = errors.New("propel: not found")
	// ErrItemFailed: the bulk request went through but the API reported
	// this record as not saved (success false), for example a contact whose
	// parent company does not exist.
	ErrItemFailed = errors.New("propel: record not saved")
	// ErrMalformedResponse: a 2xx answer that could not be read. The
	// records are sent again (the upserts are idempotent).
	ErrMalformedResponse = errors.New("propel: malformed response")
	// ErrNoResult: a 2xx answer had no entry for this record. It is sent
	// again (the upserts are idempotent).
	ErrNoResult = errors.New("propel: the response had no entry for this record")
	// ErrRejectedWithOthers: the record was fine but was in a request the
	// API rejected because of other records; it is sent again without them.
	ErrRejectedWithOthers = errors.New("propel: not saved: the request was rejected because of other records; resending")
	// ErrInvalidRecord: a client-side check refused the record before
	// anything was sent (see *ValidationError).
	ErrInvalidRecord = errors.New("propel: invalid record")
)

// Error is an error answered by the Propel API: the envelope
// {"error":{"code","status","type","messages","moreInfo"}} of a rejected
// request, an entry of a bulk response whose success is false, or an answer
// of the token endpoint. Messages never hold a secret or an SSN.
type Error struct {
	// Code is the numeric error code, 0 when none was given.
	Code Code
	// CodeText is the code exactly as sent, when it was not a number.
	CodeText string
	// HTTPStatus is the response's HTTP status (the envelope's status when
	// the response gave none).
	HTTPStatus int
	// Type is the error type, e.g. "SchemaValidationException".
	Type string
	// Messages are the API's messages, e.g.
	// "#/customers/0: extraneous key [company] is not permitted".
	Messages []string
	// MoreInfo is the documentation link the API gave.
	MoreInfo string
	// RequestID is the response's x-request-id header.
	RequestID string
	// Item is true for a per-record failure inside a 2xx bulk response.
	Item bool

	retryAfter time.Duration
	token      bool // from the token endpoint
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("propel: ")
	if e.token {
		b.WriteString("token endpoint: ")
	}
	if e.Item {
		b.WriteString("record not saved")
	} else {
		fmt.Fprintf(&b, "%d %s", e.HTTPStatus, http.StatusText(e.HTTPStatus))
	}
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	switch {
	case e.Code != 0:
		fmt.Fprintf(&b, " (%d)", e.Code)
	case e.CodeText != "":
		fmt.Fprintf(&b, " (%s)", e.CodeText)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": " + strings.Join(e.Messages, "; "))
	}
	if e.RequestID != "" {
		b.WriteString(" [x-request-id " + e.RequestID + "]")
	}
	return b.String()
}

// Is matches the sentinels ErrUnauthorized, ErrInvalidPayload, ErrNotFound
// and ErrItemFailed.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return !e.Item && (e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden)
	case ErrInvalidPayload:
		switch e.Code {
		case CodeInvalidJSONPayload, CodeInvalidLookupKey, CodeSchemaValidation,
			CodeLookupKeyNotFound, CodePayloadValidation, CodeWarehouseInvalidConfiguration:
			return true
		}
	case ErrNotFound:
		switch e.Code {
		case CodeNotFound, CodeTranslationNotFound, CodeWarehouseNotFound:
			return true
		}
		return !e.Item && e.HTTPStatus == http.StatusNotFound
	case ErrItemFailed:
		return e.Item
	}
	return false
}

// Retryable reports whether sending the same request again may succeed:
// 5xx, 429 and 408 answers. A 4xx, and a per-record failure, is not.
func (e *Error) Retryable() bool {
	if e.Item {
		return false
	}
	s := e.HTTPStatus
	return s >= 500 || s == http.StatusTooManyRequests || s == http.StatusRequestTimeout
}

// RetryAfter is the wait the server asked for in a Retry-After header.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// StopRun reports whether the whole run should end: the credentials were
// refused (401 or 403 after one token refresh, or the token endpoint
// refused the client), so every further request would fail too.
func (e *Error) StopRun() bool {
	if e.Item {
		return false
	}
	s := e.HTTPStatus
	if e.token {
		return s >= 400 && s < 500 && s != http.StatusTooManyRequests && s != http.StatusRequestTimeout
	}
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}

// isolate reports whether a chunk-level error should be narrowed down by
// halving: a 4xx rejection of the request as a whole, which wrote nothing.
func isolate(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Item || e.token {
		return false
	}
	switch e.Code {
	case CodeInvalidJSONPayload, CodeInvalidLookupKey:
		return false // the body or the path is wrong for every record: halving cannot help
	}
	s := e.HTTPStatus
	return s >= 400 && s < 500 && s != http.StatusUnauthorized && s != http.StatusForbidden &&
		s != http.StatusTooManyRequests && s != http.StatusRequestTimeout && s != http.StatusNotFound
}

// setCode fills Code and CodeText from the code as sent.
func (e *Error) setCode(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if n, err := strconv.Atoi(s); err == nil {
		e.Code = Code(n)
		return
	}
	e.CodeText = s
}

// ValidationError is a record refused by a client-side check before any
// request. It names the field, never the value.
type ValidationError struct {
	// Field is the JSON name of the offending field, e.g. "email" or
	// "addresses[1].country".
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return "propel: invalid record: " + e.Field + ": " + e.Reason
}

// Is matches ErrInvalidRecord.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidRecord }
