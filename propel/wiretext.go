package propel

import (
	"encoding/json"
	"reflect"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// The members of a bulk answer's entries, decoded without the allocations
// of encoding/json's generic path in the usual answer: a known word costs
// nothing, a plain string or a number one string, an integer nothing.
// Anything unusual (escapes, non-ASCII text, numeric strings with spaces,
// unexpected types) takes the general path, with the same result and the
// same errors as before: codec.String, codec.Int, string and *bool.

// wireText is codec.String: a string, a number or a boolean as text, null
// as "".
type wireText string

func (t *wireText) UnmarshalJSON(b []byte) error {
	if s, ok := codec.PlainString(b); ok {
		*t = wireText(s)
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		*t = wireText(b) // a number, as json.Number keeps it
		return nil
	}
	var s codec.String
	err := s.UnmarshalJSON(b)
	*t = wireText(s)
	return err
}

// wireWord is a string member with a few usual values (action, lookupKey),
// which are not allocated again for every entry.
type wireWord string

// knownWords are the values of action and lookupKey the API documents.
var knownWords = []string{"create", "update", "sourceId", "id", "code"}

func (w *wireWord) UnmarshalJSON(b []byte) error {
	if len(b) > 2 && b[0] == '"' {
		for _, k := range knownWords {
			if string(b[1:len(b)-1]) == k {
				*w = wireWord(k)
				return nil
			}
		}
	}
	if s, ok := codec.PlainString(b); ok {
		*w = wireWord(s)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*w = wireWord(s)
	return nil
}

// wireInt is codec.Int: a number or a numeric string, null or "" as 0.
type wireInt int64

// maxPlainDigits is the most digits parsed without overflow checks.
const maxPlainDigits = 18

func (n *wireInt) UnmarshalJSON(b []byte) error {
	digits, neg := b, false
	if len(digits) > 0 && digits[0] == '-' {
		digits, neg = digits[1:], true
	}
	if len(digits) > 0 && len(digits) <= maxPlainDigits && (digits[0] != '0' || len(digits) == 1) {
		var v int64
		for _, c := range digits {
			if c < '0' || c > '9' {
				goto general
			}
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		*n = wireInt(v)
		return nil
	}
general:
	var v codec.Int
	err := v.UnmarshalJSON(b)
	*n = wireInt(v)
	return err
}

// wireFlag is a *bool without the pointer: set is false when the member
// is absent or null.
type wireFlag struct{ set, value bool }

var boolType = reflect.TypeFor[bool]()

func (f *wireFlag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "false":
		f.set, f.value = true, string(b) == "true"
	case "null":
		f.set, f.value = false, false
	default:
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: boolType}
	}
	return nil
}

// jsonKind names the kind of a JSON value as encoding/json's type errors do.
func jsonKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "value"
	case b[0] == '"':
		return "string"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	}
	return "number"
}
