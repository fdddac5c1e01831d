package propel

import (
	"errors"
	"net/http"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// The documented error codes (docs.propeller-commerce.com, rest-v2 core
// concepts, errors). None is worth sending again unchanged; Propel
// documents no busy or throttle code (429 and 503 are classified by their
// status).
const (
	// CodeInvalidJSONPayload (400): the body is not valid JSON.
	CodeInvalidJSONPayload Code = 10005
	// CodeInvalidLookupKey (400): the lookup key in the path is not known.
	CodeInvalidLookupKey Code = 10006
	// CodeSchemaValidation (400): the body breaks the schema, for example an
	// unknown key ("#/customers/3: extraneous key [company] is not
	// permitted"); the records it names fail, the others are sent again.
	CodeSchemaValidation Code = 10007
	// CodeNotFound (404): the resource does not exist.
	CodeNotFound Code = 10008
)

// codes classifies every documented code; a code not here keeps the class
// of its HTTP status (vendorkit.StatusClass).
var codes = vendorkit.Codes[Code]{
	CodeInvalidJSONPayload: {Class: vendorkit.Invalid, Meaning: "the body is not valid JSON"},
	CodeInvalidLookupKey:   {Class: vendorkit.Invalid, Meaning: "unknown lookup key in the path"},
	CodeSchemaValidation:   {Class: vendorkit.Invalid, Meaning: "the body breaks the schema; messages name the records"},
	CodeNotFound:           {Class: vendorkit.NotFound, Meaning: "the resource does not exist"},
	10015:                  {Class: vendorkit.Invalid, Meaning: "bad paging parameters"},
	10016:                  {Class: vendorkit.Invalid, Meaning: "a bulk-by-key item lacks its key"},
	10017:                  {Class: vendorkit.Invalid, Meaning: "server-side payload validation failed"},
	10018:                  {Class: vendorkit.NotFound, Meaning: "translation not found"},
	10019:                  {Class: vendorkit.NotFound, Meaning: "warehouse not found"},
	10020:                  {Class: vendorkit.Invalid, Meaning: "invalid warehouse configuration"},
}

// isolate reports whether a chunk-level error should be narrowed down by
// halving: a rejection of the request as a whole (class Invalid or
// Rejected, 404 aside), which wrote nothing. A body or path that is wrong
// for every record (10005, 10006) is not: halving cannot help.
func isolate(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Item || e.Local || e.Op == opToken || e.HTTPStatus == http.StatusNotFound {
		return false
	}
	if e.Code == CodeInvalidJSONPayload || e.Code == CodeInvalidLookupKey {
		return false
	}
	return e.Class == vendorkit.Invalid || e.Class == vendorkit.Rejected && e.HTTPStatus >= 400 && e.HTTPStatus < 500
}
