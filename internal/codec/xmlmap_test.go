package codec

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fields is a map type with the XMLMap form, as a vendor declares one.
type fields map[string]string

var fieldsForm = XMLMap[string]{Item: "field", KeyAttr: "name"}

func (m fields) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return fieldsForm.Encode(e, start, m)
}

func (m *fields) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	v, err := fieldsForm.Decode(d, start)
	*m = v
	return err
}

type fieldsDoc struct {
	XMLName xml.Name `xml:"lead"`
	Fields  fields   `xml:"fields"`
}

func TestXMLMapSortedAndRoundTrip(t *testing.T) {
	in := fieldsDoc{Fields: fields{"phone": "+61 2 1234", "email": "ada@example.com", "note": "a<b & \"c\"\r\n", "": "empty key"}}
	out, err := xml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `<lead><fields><field name="">empty key</field><field name="email">ada@example.com</field>` +
		`<field name="note">a&lt;b &amp; &#34;c&#34;&#xD;&#xA;</field><field name="phone">+61 2 1234</field></fields></lead>`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	var back fieldsDoc
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in.Fields, back.Fields); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestXMLMapEmpty(t *testing.T) {
	for _, m := range []fields{nil, {}} {
		out, err := xml.Marshal(fieldsDoc{Fields: m})
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != `<lead><fields></fields></lead>` {
			t.Errorf("got %s", out)
		}
		var back fieldsDoc
		if err := xml.Unmarshal(out, &back); err != nil || back.Fields == nil || len(back.Fields) != 0 {
			t.Errorf("decoded %#v, %v; want an empty map", back.Fields, err)
		}
	}
}

func TestXMLMapRefuses(t *testing.T) {
	for _, doc := range []string{
		`<lead><fields><field>no key</field></fields></lead>`,
		`<lead><fields><field name="a">1</field><field name="a">2</field></fields></lead>`,
		`<lead><fields><other name="a">1</other></fields></lead>`,
		`<lead><fields>loose text</fields></lead>`,
		`<lead><fields><field name="a">1</field>`,
	} {
		var v fieldsDoc
		if err := xml.Unmarshal([]byte(doc), &v); err == nil {
			t.Errorf("%s: decoded %v, want an error", doc, v.Fields)
		}
	}
	for _, m := range []fields{{"a": "bell\x07"}, {"k\x00": "v"}, {"a": "\xff"}} {
		if out, err := xml.Marshal(fieldsDoc{Fields: m}); err == nil {
			t.Errorf("%q: encoded %s, want an error", m, out)
		}
	}
	if _, err := xml.Marshal(fieldsDoc{Fields: fields{"a": "\uFFFD is fine"}}); err != nil {
		t.Errorf("U+FFFD refused: %v", err)
	}
}

// FuzzXMLMap decodes arbitrary XML as a map: it may fail, never panic, and
// a decoded map encodes and decodes to the same map.
func FuzzXMLMap(f *testing.F) {
	f.Add([]byte(`<fields><field name="email">ada@example.com</field><field name="n">&#xD;</field></fields>`))
	f.Add([]byte(`<fields><field name="a"><b>x</b>y</field><!-- c --></fields>`))
	f.Add([]byte(`<fields><field name="a">1</field><field name="a">2</field></fields>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m fields
		if err := xml.Unmarshal(data, &m); err != nil {
			return
		}
		var buf bytes.Buffer
		if err := xml.NewEncoder(&buf).Encode(m); err != nil {
			t.Fatalf("decoded %q does not encode: %v", m, err)
		}
		var back fields
		if err := xml.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("%s does not decode: %v", buf.Bytes(), err)
		}
		if diff := cmp.Diff(m, back); diff != "" {
			t.Fatalf("re-decoded differs (-first +second):\n%s", diff)
		}
	})
}
