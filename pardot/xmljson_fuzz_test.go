package pardot

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seedForms adds the golden prospects' forms to a fuzz corpus.
func seedForms(f *testing.F, marshal func(any) ([]byte, error)) {
	for _, p := range formProspects() {
		b, err := marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

// FuzzProspectXML: any XML decodes into a Prospect (custom fields
// included) or fails without panicking; a decoded prospect re-encodes in
// both forms and decodes to the same value.
func FuzzProspectXML(f *testing.F) {
	seedForms(f, xml.Marshal)
	for _, s := range []string{
		"<prospect>\n <id> 7 </id><opted_out>1</opted_out><x>a</x><x>b</x></prospect>",
		`<prospect><a:first_name xmlns:a="u">Ada</a:first_name><c><![CDATA[<&>]]></c></prospect>`,
		`<prospect><email><b/></email></prospect>`,
		`<prospect identifier="a@example.com"><score>&#xD;</score><!-- c --></prospect>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var p Prospect
		if xml.Unmarshal([]byte(doc), &p) != nil {
			return
		}
		checkFormsRoundTrip(t, p)
	})
}

// FuzzProspectJSON: any JSON decodes into a Prospect or fails without
// panicking; a decoded prospect re-encodes and decodes to the same value,
// in XML too when its text is text XML can hold.
func FuzzProspectJSON(f *testing.F) {
	seedForms(f, json.Marshal)
	for _, s := range []string{
		`{"id":" 7 ","zip":12345,"is_do_not_email":"1","score":12,"company":null,"x":"a","x":"b"}`,
		`{"email":{"a":1}}`, `{"first_name":"\u0000"}`, `{}`, `[]`, `null`, `{"campaign_id":1e3}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var p Prospect
		if json.Unmarshal([]byte(doc), &p) != nil {
			return
		}
		checkFormsRoundTrip(t, p)
	})
}

// checkFormsRoundTrip checks that p, a decoded prospect, goes through JSON
// and (when its text is all XML characters) XML unchanged.
func checkFormsRoundTrip(t *testing.T, p Prospect) {
	t.Helper()
	xmlSafe := true
	for _, fl := range p.appendFields(nil, identNone) {
		xmlSafe = xmlSafe && !strings.ContainsFunc(fl.value, func(r rune) bool { return !xmlChar(r) })
	}
	for _, c := range codecs {
		if c.name == "XML" && !xmlSafe {
			continue // XML cannot hold it; the encoder writes U+FFFD
		}
		b, err := c.marshal(p)
		if err != nil {
			t.Fatalf("decoded %+v does not encode to %s: %v", p, c.name, err)
		}
		var got Prospect
		if err := c.unmarshal(b, &got); err != nil {
			t.Fatalf("%s does not decode: %v", b, err)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Fatalf("%s %s (-want +got):\n%s", c.name, b, d)
		}
	}
}

// FuzzErrorForms: any JSON or XML decodes into an Error or fails without
// panicking; a decoded error re-encodes in both forms and decodes to an
// error that means the same.
func FuzzErrorForms(f *testing.F) {
	for _, e := range formErrors() {
		for _, c := range codecs {
			b, err := c.marshal(e)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	f.Add(`{"class":"class(40)","code":-3,"wait":"-1h"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, in := range codecs {
			var e Error
			if in.unmarshal([]byte(doc), &e) != nil {
				continue
			}
			for _, c := range codecs {
				if c.name == "XML" && strings.ContainsFunc(e.form().Message+e.form().Cause+e.Op+e.Key+e.Param+e.RequestID+e.Vendor,
					func(r rune) bool { return !xmlChar(r) }) {
					continue // XML cannot hold it
				}
				b, err := c.marshal(&e)
				if err != nil {
					t.Fatalf("decoded %v does not encode to %s: %v", &e, c.name, err)
				}
				var got Error
				if err := c.unmarshal(b, &got); err != nil {
					t.Fatalf("%s does not decode: %v", b, err)
				}
				checkSameError(t, in.name+" → "+c.name, &e, &got)
			}
		}
	})
}
