package agiliron

import (
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// customFieldSeeds are custom-fields forms, good and bad, in both encodings.
var customFieldSeeds = []string{
	`<LeadCustomFields><CustomField><Name>Text</Name><Value>value</Value></CustomField><CustomField><Name>Date</Name><Value>00-00-0000</Value></CustomField></LeadCustomFields>`,
	`<CustomFields></CustomFields>`,
	`<CustomFields><CustomField><Name>a&amp;b</Name><Value> &#xD;&#10; </Value></CustomField><Other/></CustomFields>`,
	`<CustomFields><CustomField><Name>a</Name><Name>b</Name></CustomField>`,
	`{"CustomField":[{"Name":"Text","Value":"value"},{"Name":"Date","Value":"00-00-0000"}]}`,
	`{"CustomField":{"Name":"a","Value":"b"}}`,
	`{"CustomField":[]}`, `""`, `null`, `{}`, `[]`, `{"CustomField":"x"}`,
}

// FuzzCustomFieldsXML decodes arbitrary XML as the custom-fields form: it
// never panics, and a decoded value encodes and decodes to itself.
func FuzzCustomFieldsXML(f *testing.F) {
	fuzzCustomFields(f, xml.Unmarshal, xml.Marshal)
}

// FuzzCustomFieldsJSON is FuzzCustomFieldsXML for the JSON form.
func FuzzCustomFieldsJSON(f *testing.F) {
	fuzzCustomFields(f, json.Unmarshal, json.Marshal)
}

// fuzzCustomFields decodes the fuzzer's bytes with unmarshal and, when
// they decode, checks that marshal's bytes decode to the same value.
func fuzzCustomFields(f *testing.F, unmarshal func([]byte, any) error, marshal func(any) ([]byte, error)) {
	for _, s := range customFieldSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var cf CustomFields
		if unmarshal(b, &cf) != nil {
			return
		}
		out, err := marshal(cf)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", cf, err)
		}
		var back CustomFields
		if err := unmarshal(out, &back); err != nil {
			t.Fatalf("decoding %s: %v", out, err)
		}
		if diff := cmp.Diff(cf, back, roundTripOpts); diff != "" {
			t.Fatalf("%s → %s (-first +second):\n%s", b, out, diff)
		}
	})
}
