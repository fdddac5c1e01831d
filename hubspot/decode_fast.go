package hubspot

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// decodeCommon decodes the common batch answer without reflection: every
// property value a string, number, boolean or null, no key given twice
// or spelt in another case. It gives exactly what encoding/json gives for
// such an answer, or false — the answer is then decoded by encoding/json
// (decodeWithJSON), which also words the error of a malformed one.
// Strings are cut from one copy of the body, so an answer costs one
// allocation for its text and one map per result, whatever its size;
// errors, links and property histories, rare on the hot path, go through
// encoding/json. resultsHint is the number of results expected.
//
// keepProp, when not nil, says which property values the caller can see
// at all: the others are read and checked but not kept (a result then has
// nil Properties when none is kept).
func decodeCommon(data []byte, resultsHint int, keepProp func(name string) bool) (*batchResponse, bool) {
	sc := &scanner{b: data, s: string(data), keepProp: keepProp}
	r := &batchResponse{}
	ok := sc.members(func(key string) (bit uint16, ok bool) {
		switch key {
		case "status":
			return 1 << 0, sc.str((*string)(&r.Status))
		case "results":
			return 1 << 1, sc.results(&r.Results, resultsHint)
		case "numErrors":
			return 1 << 2, sc.int(&r.NumErrors)
		case "errors":
			return 1 << 3, sc.viaJSON(&r.Errors)
		case "requestedAt":
			return 1 << 4, sc.timePtr(&r.RequestedAt)
		case "startedAt":
			return 1 << 5, sc.timePtr(&r.StartedAt)
		case "completedAt":
			return 1 << 6, sc.timePtr(&r.CompletedAt)
		case "links":
			raw := sc.value()
			r.Links = decodeLinks(raw)
			return 1 << 7, raw != nil
		}
		return 0, !foldsTo(key, batchKeys) && sc.skip()
	})
	sc.ws()
	if !ok || sc.i != len(sc.s) {
		return nil, false
	}
	return r, true
}

// batchKeys and resultKeys are the members decodeCommon reads; a member
// spelt as one of them in another case is left to encoding/json, which
// matches names without case.
var (
	batchKeys  = []string{"status", "results", "numErrors", "errors", "requestedAt", "startedAt", "completedAt", "links"}
	resultKeys = []string{"id", "properties", "propertiesWithHistory", "createdAt", "updatedAt", "archived", "archivedAt", "new", "objectWriteTraceId", "url"}
)

// foldsTo reports whether key equals one of names without case.
func foldsTo(key string, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return true
		}
	}
	return false
}

// results reads the results array (or null) into *out.
func (sc *scanner) results(out *[]Result, hint int) bool {
	if sc.null() {
		return true
	}
	if !sc.open('[') {
		return false
	}
	list := make([]Result, 0, hint)
	propsHint := 0
	for first := true; ; first = false {
		done, ok := sc.element(first, ']')
		if !ok {
			return false
		}
		if done {
			break
		}
		list = append(list, Result{})
		r := &list[len(list)-1]
		if !sc.result(r, propsHint) {
			return false
		}
		propsHint = len(r.Properties)
	}
	*out = list
	return true
}

// result reads one result object (null is encoding/json's business).
func (sc *scanner) result(r *Result, propsHint int) bool {
	return sc.members(func(key string) (bit uint16, ok bool) {
		switch key {
		case "id":
			return 1 << 0, sc.str(&r.ID)
		case "properties":
			return 1 << 1, sc.properties(&r.Properties, propsHint)
		case "propertiesWithHistory":
			return 1 << 2, sc.viaJSON(&r.PropertiesWithHistory)
		case "createdAt":
			return 1 << 3, sc.time(&r.CreatedAt)
		case "updatedAt":
			return 1 << 4, sc.time(&r.UpdatedAt)
		case "archived":
			return 1 << 5, sc.bool(&r.Archived)
		case "archivedAt":
			return 1 << 6, sc.timePtr(&r.ArchivedAt)
		case "new":
			return 1 << 7, sc.bool(&r.New)
		case "objectWriteTraceId":
			return 1 << 8, sc.str(&r.ObjectWriteTraceID)
		case "url":
			return 1 << 9, sc.str(&r.URL)
		}
		return 0, !foldsTo(key, resultKeys) && sc.skip()
	})
}

// members reads an object, handing each member's name to member, which
// reads its value and returns the member's bit (0 for a member nobody
// reads) and whether the value was one it takes. A bit met twice — a
// member given twice — declines the object, as does any false.
func (sc *scanner) members(member func(key string) (bit uint16, ok bool)) bool {
	if !sc.open('{') {
		return false
	}
	var seen uint16
	for first := true; ; first = false {
		key, done, ok := sc.key(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		bit, ok := member(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

// properties reads an object of property values (or null) into *out;
// a name given twice keeps its last value, as encoding/json keeps it.
func (sc *scanner) properties(out *Properties, hint int) bool {
	if sc.null() {
		return true
	}
	var p Properties
	if sc.keepProp == nil {
		p = make(Properties, hint)
	}
	ok := sc.members(func(key string) (uint16, bool) {
		v, ok := sc.propertyValue()
		if !ok || sc.keepProp != nil && !sc.keepProp(key) {
			return 0, ok
		}
		if p == nil {
			p = make(Properties, 1)
		}
		p[key] = v
		return 0, true
	})
	*out = p
	return ok
}

// propertyValue reads a property's value as Properties are decoded
// tolerantly: a string's value, a number's or boolean's text, "" for
// null. An object or array is left to encoding/json.
func (sc *scanner) propertyValue() (string, bool) {
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == '"' {
		var v string
		return v, sc.str(&v)
	}
	start := sc.i
	if !sc.skip() {
		return "", false
	}
	switch lit := sc.s[start:sc.i]; lit[0] {
	case 'n':
		return "", true
	case '{', '[':
		return "", false
	default:
		return lit, true
	}
}

// scanner reads a JSON text held both as bytes and as one string, from
// which strings without escapes are cut without allocating.
type scanner struct {
	b        []byte
	s        string
	i        int
	keepProp func(string) bool // nil: keep every property value
}

// ws skips white space.
func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// open consumes c, the start of an object or array.
func (sc *scanner) open(c byte) bool {
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// null consumes a null literal, if that is what comes next.
func (sc *scanner) null() bool {
	sc.ws()
	if strings.HasPrefix(sc.s[sc.i:], "null") {
		sc.i += len("null")
		return true
	}
	return false
}

// element starts the next element of an array (or member of an object,
// with close '}'): done when the container closes instead.
func (sc *scanner) element(first bool, close byte) (done, ok bool) {
	sc.ws()
	if sc.i >= len(sc.s) {
		return false, false
	}
	if sc.s[sc.i] == close {
		sc.i++
		return true, true
	}
	if first {
		return false, true
	}
	if sc.s[sc.i] != ',' {
		return false, false
	}
	sc.i++
	return false, true
}

// key reads the next member's name and colon; done when the object
// closes instead.
func (sc *scanner) key(first bool) (name string, done, ok bool) {
	if done, ok = sc.element(first, '}'); done || !ok {
		return "", done, ok
	}
	sc.ws()
	if sc.i >= len(sc.s) || sc.s[sc.i] != '"' || !sc.str(&name) || !sc.open(':') {
		return "", false, false
	}
	return name, false, true
}

// str reads a string (null leaves *out as it is). One without escapes
// and of valid UTF-8 is cut from the text; any other is unquoted by
// encoding/json.
func (sc *scanner) str(out *string) bool {
	if sc.null() {
		return true
	}
	start := sc.i
	plain, ok := sc.skipString()
	if !ok {
		return false
	}
	inner := sc.s[start+1 : sc.i-1]
	if !plain && (sc.escaped(start) || !utf8.ValidString(inner)) {
		inner, ok = unquote(sc.b[start:sc.i])
	}
	*out = inner
	return ok
}

// unquote gives a JSON string's value as encoding/json decodes it. (Its
// own function, so that only this rare path's string is on the heap.)
func unquote(quoted []byte) (string, bool) {
	var s string
	err := json.Unmarshal(quoted, &s)
	return s, err == nil
}

// escaped reports whether the string starting at start holds a backslash.
func (sc *scanner) escaped(start int) bool {
	return strings.IndexByte(sc.s[start:sc.i], '\\') >= 0
}

// skipString moves past the string at sc.i; plain when it is all
// printable ASCII without escapes. Escapes are checked by whoever reads
// the string (encoding/json).
func (sc *scanner) skipString() (plain, ok bool) {
	if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
		return false, false
	}
	plain = true
	for j := sc.i + 1; j < len(sc.s); j++ {
		switch c := sc.s[j]; {
		case c == '"':
			sc.i = j + 1
			return plain, true
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return false, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return false, false
}

// int reads an integer (null leaves *out as it is); a fraction, an
// exponent or an overflow is left to encoding/json.
func (sc *scanner) int(out *int) bool {
	if sc.null() {
		return true
	}
	start := sc.i
	if sc.i < len(sc.s) && sc.s[sc.i] == '-' {
		sc.i++
	}
	digits := sc.i
	for sc.i < len(sc.s) && sc.s[sc.i] >= '0' && sc.s[sc.i] <= '9' {
		sc.i++
	}
	if sc.i == digits || sc.s[digits] == '0' && sc.i-digits > 1 {
		return false
	}
	if sc.i < len(sc.s) && (sc.s[sc.i] == '.' || sc.s[sc.i] == 'e' || sc.s[sc.i] == 'E') {
		return false
	}
	n, err := strconv.Atoi(sc.s[start:sc.i])
	*out = n
	return err == nil
}

// bool reads true or false (null leaves *out as it is).
func (sc *scanner) bool(out *bool) bool {
	if sc.null() {
		return true
	}
	for _, lit := range [...]string{"true", "false"} {
		if strings.HasPrefix(sc.s[sc.i:], lit) {
			sc.i += len(lit)
			*out = lit == "true"
			return true
		}
	}
	return false
}

// time reads a time as time.Time's UnmarshalJSON does (null leaves it).
// A string goes to UnmarshalJSON as it is: whatever makes it invalid JSON
// also makes it an invalid time.
func (sc *scanner) time(out *time.Time) bool {
	if sc.null() {
		return true
	}
	start := sc.i
	if _, ok := sc.skipString(); !ok {
		return false
	}
	return out.UnmarshalJSON(sc.b[start:sc.i]) == nil
}

// timePtr reads a time into a new *time.Time; null leaves *out nil.
func (sc *scanner) timePtr(out **time.Time) bool {
	if sc.null() {
		return true
	}
	t := new(time.Time)
	if !sc.time(t) {
		return false
	}
	*out = t
	return true
}

// viaJSON decodes the next value with encoding/json into out.
func (sc *scanner) viaJSON(out any) bool {
	v := sc.value()
	return v != nil && json.Unmarshal(v, out) == nil
}

// value returns the next value's bytes, checked as JSON; nil when it is
// not valid.
func (sc *scanner) value() []byte {
	sc.ws()
	start := sc.i
	if !sc.skip() {
		return nil
	}
	return sc.b[start:sc.i]
}

// maxDepth bounds the nesting skip follows; deeper is left to
// encoding/json.
const maxDepth = 512

// skip moves past the next value — a string, a container up to its
// matching close, or a literal or number up to the next delimiter — and
// reports whether it is valid JSON.
func (sc *scanner) skip() bool {
	sc.ws()
	start := sc.i
	depth := 0
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		switch c {
		case '"':
			if _, ok := sc.skipString(); !ok {
				return false
			}
		case '{', '[':
			if depth++; depth > maxDepth {
				return false
			}
			sc.i++
		case '}', ']':
			if depth == 0 {
				return sc.i > start && json.Valid(sc.b[start:sc.i])
			}
			depth--
			sc.i++
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return sc.i > start && json.Valid(sc.b[start:sc.i])
			}
			sc.i++
		default:
			sc.i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return json.Valid(sc.b[start:sc.i])
		}
	}
	return false
}
