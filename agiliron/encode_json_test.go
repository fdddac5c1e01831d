package agiliron

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// stdlibJSON is v as encoding/json writes it without HTML escaping: the
// wire form the hand-written appenders must match byte for byte.
func stdlibJSON(t testing.TB, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// fillStrings sets every string field of *rec to value(field index), and
// its custom fields to cf.
func fillStrings(rec any, value func(i int) string, cf CustomFields) {
	v := reflect.ValueOf(rec).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); {
		case f.Type() == reflect.TypeFor[CustomFields]():
			f.Set(reflect.ValueOf(cf))
		case f.Kind() == reflect.String:
			f.SetString(value(i))
		}
	}
}

// checkAppenders compares each record type's appender with encoding/json
// on its method-less twin, for records whose string fields all come from
// value and whose custom fields are cf. (The twins' CustomFields still
// marshal through their own appender: cf is compared on its own with
// customFieldsForm, which has no method.)
func checkAppenders(t testing.TB, value func(i int) string, cf CustomFields) {
	t.Helper()
	var l Lead
	var c Contact
	var a Account
	fillStrings(&l, value, cf)
	fillStrings(&c, value, cf)
	fillStrings(&a, value, cf)
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"Lead", string(l.appendJSON(nil)), stdlibJSON(t, plainLead(l))},
		{"Contact", string(c.appendJSON(nil)), stdlibJSON(t, plainContact(c))},
		{"Account", string(a.appendJSON(nil)), stdlibJSON(t, plainAccount(a))},
		{"CustomFields", string(cf.appendJSON(nil)), stdlibJSON(t, customFieldsForm{CustomField: cf})},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, tc.got, tc.want)
		}
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	tricky := []string{"", "plain", `q"uote\back`, "<b>&amp;</b>", "tab\tnl\ncr\r\x00\x1f\b\f", "é€😀", "\u2028\u2029", "bad\xffutf8"}
	cfs := []CustomFields{nil, {}, {{Name: "Tier", Value: "<Gold>"}}, {{Name: "a\"b", Value: ""}, {Name: "", Value: "\xfe"}}}
	for _, s := range tricky {
		for _, cf := range cfs {
			// Every field s; then every other field empty, so that the
			// omitempty ids are tested both ways.
			checkAppenders(t, func(int) string { return s }, cf)
			checkAppenders(t, func(i int) string {
				if i%2 == 0 {
					return ""
				}
				return s
			}, cf)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("", "x", "Tier", "Gold")
	f.Add("<No Change>", "a\"b", "\xff", "\u2028")
	f.Fuzz(func(t *testing.T, even, odd, name, value string) {
		field := func(i int) string {
			if i%2 == 0 {
				return even
			}
			return odd
		}
		checkAppenders(t, field, CustomFields{{Name: name, Value: value}})
		checkAppenders(t, field, nil)
	})
}
