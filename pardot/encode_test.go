package pardot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seedProspects are the records of the seed document's examples.
func seedProspects() []Prospect {
	return []Prospect{
		{ID: 1234, FirstName: "New first name", LastName: "New last name"},
		{Email: "some@email.com", FirstName: "New first name", LastName: "New last name"},
		{Email: "some.other@email.com", FirstName: "New first name", LastName: "New last name"},
	}
}

// TestSeedExamplesByteForByte encodes the seed's v3 examples. The seed
// (a pastebin copy of Pardot's page) lost the examples' indentation and
// keeps one element or key per line; the encoder writes the same bytes
// without those line breaks. Its inline URL example is compact already
// and must match exactly, untouched.
func TestSeedExamplesByteForByte(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	unwrap := func(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "") }

	for _, op := range []operation{opUpdate, opUpsert} {
		gotJSON := string(encodeBatch(nil, 3, JSON, op, seedProspects()))
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(read("seed_v3.json"))); err != nil {
			t.Fatal(err)
		}
		if gotJSON != compact.String() {
			t.Errorf("%s JSON:\n got %s\nwant %s", op.path(), gotJSON, compact.String())
		}
		// The seed's JSON has a space after each colon; json.Compact drops
		// it, so also compare against the file with only newlines removed
		// and ": " made ":" — the two transformations must agree.
		if alt := strings.ReplaceAll(unwrap(read("seed_v3.json")), `": `, `":`); alt != gotJSON {
			t.Errorf("%s JSON differs from the seed text:\n got %s\nwant %s", op.path(), gotJSON, alt)
		}
		gotXML := string(encodeBatch(nil, 3, XML, op, seedProspects()))
		if want := unwrap(read("seed_v3.xml")); gotXML != want {
			t.Errorf("%s XML:\n got %s\nwant %s", op.path(), gotXML, want)
		}
	}

	// The inline example: some@email.com first, then 1234, no whitespace.
	ps := seedProspects()[:2]
	ps[0], ps[1] = ps[1], ps[0]
	got := string(encodeBatch(nil, 3, JSON, opUpdate, ps))
	if want := strings.TrimSpace(read("seed_v3_url.json")); got != want {
		t.Errorf("inline example:\n got %s\nwant %s", got, want)
	}
}

// TestEncodeMatchesStdlib checks the hand-written escaping against
// encoding/json and encoding/xml on hostile text.
func TestEncodeMatchesStdlib(t *testing.T) {
	for _, s := range []string{
		"plain", `quo"te\back`, "<tag>&amp;", "tab\tnew\nline\rret", "\x00\x01\x1f\x7f",
		"unicode é 中文 🙂", "\u2028\u2029", "bad utf8 \xff\xfe", "'single'", "]]>",
	} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("JSON %q: got %s want %s", s, got, want)
		}
		var xb bytes.Buffer
		_ = xml.EscapeText(&xb, []byte(s))
		if got := appendXMLText(nil, s); string(got) != xb.String() {
			t.Errorf("XML %q: got %s want %s", s, got, xb.String())
		}
	}
}

// TestEncodeRoundTrip decodes every shape with the standard library and
// compares the fields.
func TestEncodeRoundTrip(t *testing.T) {
	yes, no := true, false
	ps := []Prospect{
		{ID: 7, Email: "a@example.com", FirstName: `A "q" <b>`, Company: "X & Y", IsDoNotEmail: &yes, OptedOut: &no,
			CampaignID: 12, Fields: map[string]string{"zeta": "z", "alpha": "a", "list_3": "1"}},
		{FID: "00Q000000000001AAA", Email: "b@example.com", Zip: "01234"},
	}
	want4 := []map[string]string{
		{"id": "7", "email": "a@example.com", "first_name": `A "q" <b>`, "company": "X & Y", "is_do_not_email": "true",
			"opted_out": "false", "campaign_id": "12", "zeta": "z", "alpha": "a", "list_3": "1"},
		{"fid": "00Q000000000001AAA", "email": "b@example.com", "zip": "01234"},
	}
	var doc struct {
		Prospects []map[string]any `json:"prospects"`
	}
	if err := json.Unmarshal(encodeBatch(nil, 4, JSON, opUpsert, ps), &doc); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	for _, m := range doc.Prospects {
		g := map[string]string{}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				g[k] = v
			case bool:
				g[k] = map[bool]string{true: "true", false: "false"}[v]
			}
		}
		got = append(got, g)
	}
	if d := cmp.Diff(want4, got); d != "" {
		t.Errorf("v4 JSON (-want +got):\n%s", d)
	}

	var xdoc struct {
		Items []struct {
			Identifier string `xml:"identifier,attr"`
			Fields     []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"prospect"`
	}
	// v3 keyed by id leaves id out of the body and keeps the email.
	if err := xml.Unmarshal(encodeBatch(nil, 3, XML, opUpdate, ps[:1]), &xdoc); err != nil {
		t.Fatal(err)
	}
	gotX := map[string]string{}
	for _, f := range xdoc.Items[0].Fields {
		gotX[f.XMLName.Local] = f.Value
	}
	want3 := map[string]string{}
	for k, v := range want4[0] {
		if k != "id" {
			want3[k] = v
		}
	}
	if xdoc.Items[0].Identifier != "7" {
		t.Errorf("identifier %q", xdoc.Items[0].Identifier)
	}
	if d := cmp.Diff(want3, gotX); d != "" {
		t.Errorf("v3 XML (-want +got):\n%s", d)
	}
}
