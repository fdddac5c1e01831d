package pardot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/crmbatch/crmbatch/internal/codec"
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

// readSeed returns a file of testdata: the seed's examples as the seed
// prints them.
func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// betweenTags is the whitespace XML ignores between elements.
var betweenTags = regexp.MustCompile(`>\s+<`)

// TestSeedExamplesByteForByte encodes the seed's v3 examples. The seed (a
// pastebin copy of Pardot's page) lost the examples' indentation and keeps
// one element or key per line; the encoder writes the same bytes without
// that insignificant whitespace: json.Compact for the JSON, whitespace
// between tags for the XML (text inside elements is kept, so "New first
// name" must match exactly). The inline URL example is compact already and
// must match untouched.
func TestSeedExamplesByteForByte(t *testing.T) {
	t.Parallel()
	var wantJSON bytes.Buffer
	if err := json.Compact(&wantJSON, readSeed(t, "seed_v3.json")); err != nil {
		t.Fatal(err)
	}
	wantXML := string(betweenTags.ReplaceAll(bytes.TrimSpace(readSeed(t, "seed_v3.xml")), []byte("><")))
	for _, op := range []operation{opUpdate, opUpsert} {
		if got := string(encodeBatch(nil, 3, JSON, op, seedProspects())); got != wantJSON.String() {
			t.Errorf("%s JSON:\n got %s\nwant %s", op.path(), got, wantJSON.String())
		}
		if got := string(encodeBatch(nil, 3, XML, op, seedProspects())); got != wantXML {
			t.Errorf("%s XML:\n got %s\nwant %s", op.path(), got, wantXML)
		}
	}

	// The inline example: some@email.com first, then 1234, no whitespace.
	ps := seedProspects()[:2]
	ps[0], ps[1] = ps[1], ps[0]
	got := string(encodeBatch(nil, 3, JSON, opUpdate, ps))
	if want := string(bytes.TrimSpace(readSeed(t, "seed_v3_url.json"))); got != want {
		t.Errorf("inline example:\n got %s\nwant %s", got, want)
	}
}

// xmlProspects reads a prospects document in XML: each prospect's
// identifier attribute (version 3) and its fields.
type xmlProspects struct {
	Items []struct {
		Identifier string `xml:"identifier,attr"`
		Fields     []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"prospect"`
}

// decodeV3 reads a version 3 keyed document in either format back into
// prospects, in document order: a key of digits is the id, any other key
// the email, and the typed fields the seed uses are filled.
func decodeV3(t *testing.T, doc []byte) []Prospect {
	t.Helper()
	type entry struct {
		key    string
		fields map[string]string
	}
	var entries []entry
	if bytes.HasPrefix(bytes.TrimSpace(doc), []byte("<")) {
		var d xmlProspects
		if err := xml.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for _, it := range d.Items {
			e := entry{key: it.Identifier, fields: map[string]string{}}
			for _, f := range it.Fields {
				e.fields[f.XMLName.Local] = f.Value
			}
			entries = append(entries, e)
		}
	} else {
		var d struct {
			Prospects codec.OrderedMap[map[string]string] `json:"prospects"`
		}
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for _, k := range d.Prospects.Keys() {
			f, _ := d.Prospects.Get(k)
			entries = append(entries, entry{key: k, fields: f})
		}
	}
	var ps []Prospect
	for _, e := range entries {
		p := Prospect{FirstName: e.fields["first_name"], LastName: e.fields["last_name"]}
		if id, err := strconv.ParseInt(e.key, 10, 64); err == nil {
			p.ID = id
		} else {
			p.Email = e.key
		}
		delete(e.fields, "first_name")
		delete(e.fields, "last_name")
		if len(e.fields) > 0 {
			t.Errorf("prospect %q: unexpected fields %v", e.key, e.fields)
		}
		ps = append(ps, p)
	}
	return ps
}

// TestSeedDecodesToRecords reads the seed's keyed maps, as printed, back
// into records: the three prospects in order (1234 by id, the two others
// by email), each with its two names; and the encoder's output of those
// records reads back the same.
func TestSeedDecodesToRecords(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"seed_v3.json", "seed_v3.xml"} {
		if d := cmp.Diff(seedProspects(), decodeV3(t, readSeed(t, name))); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
	for _, f := range []Format{JSON, XML} {
		if d := cmp.Diff(seedProspects(), decodeV3(t, encodeBatch(nil, 3, f, opUpdate, seedProspects()))); d != "" {
			t.Errorf("encoded %v (-want +got):\n%s", f, d)
		}
	}
	want := []Prospect{seedProspects()[1], seedProspects()[0]}
	if d := cmp.Diff(want, decodeV3(t, readSeed(t, "seed_v3_url.json"))); d != "" {
		t.Errorf("inline example (-want +got):\n%s", d)
	}
}

// TestEncodeMatchesStdlib checks the hand-written escaping against
// encoding/json and encoding/xml on hostile text.
func TestEncodeMatchesStdlib(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"plain", `quo"te\back`, "<tag>&amp;", "tab\tnew\nline\rret", "\x00\x01\x1f\x7f",
		"unicode é 中文 🙂", "\u2028\u2029", "bad utf8 \xff\xfe", "'single'", "]]>",
	} {
		want, _ := json.Marshal(s)
		if got := codec.AppendJSONString(nil, s, true); string(got) != string(want) {
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
	t.Parallel()
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

	var xdoc xmlProspects
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
