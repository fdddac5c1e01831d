package codec

import (
	"bytes"
	"encoding/json"
	"testing"
)

// referenceString is String's reading done the slow, obvious way: every
// string decoded by encoding/json, every number through json.Number.
func referenceString(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", json.Unmarshal(b, new(any))
	case b[0] == '"':
		var v string
		err := json.Unmarshal(b, &v)
		return v, err
	case string(b) == "null":
		return "", nil
	case string(b) == "true" || string(b) == "false":
		return string(b), nil
	}
	var n json.Number
	err := json.Unmarshal(b, &n)
	return string(n), err
}

// checkString: String reads the value V of doc as referenceString does,
// and fails where it fails.
func checkString(t *testing.T, doc []byte) {
	var raw struct{ V json.RawMessage }
	if json.Unmarshal(doc, &raw) != nil || raw.V == nil {
		return
	}
	want, werr := referenceString(raw.V)
	var got struct{ V String }
	gerr := json.Unmarshal(doc, &got)
	if (werr == nil) != (gerr == nil) || (werr == nil && want != string(got.V)) {
		t.Fatalf("%s: String %q (%v), reference %q (%v)", doc, got.V, gerr, want, werr)
	}
}

var stringSeeds = []string{`"plain"`, `" spaced "`, `"esc\"aped\u00e9"`, "\"bad\xffutf8\"", `"é"`, `12`, `-1.5e3`, `0.5`, `true`, `null`, `{}`, `[1]`, `""`}

func TestStringReadsAsEncodingJSON(t *testing.T) {
	for _, v := range stringSeeds {
		checkString(t, []byte(`{"V":`+v+`}`))
	}
	var s String
	for _, bad := range []string{"", "{}", "[1]", "1 2", `"unterminated`, "nul"} {
		if err := s.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("UnmarshalJSON(%q) = nil error, value %q", bad, s)
		}
	}
}

// FuzzStringJSON: String's fast paths read what encoding/json reads.
func FuzzStringJSON(f *testing.F) {
	for _, v := range stringSeeds {
		f.Add([]byte(`{"V":` + v + `}`))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { checkString(t, doc) })
}
