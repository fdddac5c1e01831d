package pardot

import (
	"bytes"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// batchOKPrefix opens the answer Pardot gives to nearly every batch
// request, as PHP's json_encode writes it.
var batchOKPrefix = []byte(`{"@attributes":{"stat":"ok","version":`)

// decodeBatchOK reads the common batch answer without reflection:
//
//	{"@attributes":{"stat":"ok","version":1}}
//	{"@attributes":{"stat":"ok","version":1},"errors":{"key":"message",…}}
//
// written compactly, each key and message printable ASCII without
// escapes, no key repeated. It reports false for anything else, which
// decodeJSON then reads in full: every answer it accepts, decodeJSON
// decodes the same (FuzzDecodeBatchOK).
func decodeBatchOK(b []byte) (*response, bool) {
	rest, ok := bytes.CutPrefix(b, batchOKPrefix)
	digits := 0
	for ok && digits < len(rest) && '0' <= rest[digits] && rest[digits] <= '9' {
		digits++
	}
	if !ok || digits == 0 || digits == len(rest) || rest[digits] != '}' {
		return nil, false
	}
	rest = rest[digits+1:]
	r := &response{}
	if after, found := bytes.CutPrefix(rest, []byte(`,"errors":{`)); found {
		if rest, ok = decodeErrorsOK(after, r); !ok {
			return nil, false
		}
	}
	if string(bytes.TrimRight(rest, " \t\r\n")) != "}" {
		return nil, false
	}
	return r, true
}

// decodeErrorsOK reads the members of the errors object up to its closing
// brace into r.Items and returns what follows it.
func decodeErrorsOK(b []byte, r *response) ([]byte, bool) {
	if len(b) > 0 && b[0] == '}' {
		return b[1:], true
	}
	for {
		key, rest, ok := codec.CutPlainString(b)
		if !ok || len(rest) == 0 || rest[0] != ':' {
			return nil, false
		}
		msg, rest, ok := codec.CutPlainString(rest[1:])
		if !ok || len(rest) == 0 {
			return nil, false
		}
		if len(r.Items) == MaxBatchSize {
			// More errors than a batch holds: not a common answer. The
			// check below stays linear in a batch, never in a hostile body.
			return nil, false
		}
		for _, it := range r.Items {
			if it.Key == key {
				return nil, false // a repeated key: decodeJSON's rule applies
			}
		}
		r.Items = append(r.Items, itemError{Key: key, Code: inferCode(msg), Message: msg})
		switch rest[0] {
		case ',':
			b = rest[1:]
		case '}':
			return rest[1:], true
		default:
			return nil, false
		}
	}
}
