package codec

import (
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// stringMapDoc holds a StringMap as a field, the way vendors use it.
type stringMapDoc struct {
	XMLName xml.Name  `json:"-" xml:"doc"`
	Map     StringMap `json:"map,omitempty" xml:"entry,omitempty"`
	After   string    `json:"after,omitempty" xml:"after,omitempty"`
}

func TestStringMapXMLSortedAndEscaped(t *testing.T) {
	doc := stringMapDoc{Map: StringMap{"b": `<x> & "y"`, "a": "1", "": "empty key"}, After: "z"}
	got, err := xml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `<doc><entry name="">empty key</entry><entry name="a">1</entry><entry name="b">&lt;x&gt; &amp; &#34;y&#34;</entry><after>z</after></doc>`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var back stringMapDoc
	if err := xml.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc, back, cmpopts.IgnoreTypes(xml.Name{})); diff != "" {
		t.Errorf("XML round trip (-want +got):\n%s", diff)
	}
}

func TestStringMapXMLEmptyAndRepeated(t *testing.T) {
	got, err := xml.Marshal(stringMapDoc{Map: StringMap{}})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `<doc></doc>` {
		t.Errorf("empty map: %s", got)
	}
	var back stringMapDoc
	if err := xml.Unmarshal([]byte(`<doc><entry name="k">1</entry><entry name="k">2</entry><entry name="j"></entry></doc>`), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(StringMap{"k": "2", "j": ""}, back.Map); diff != "" {
		t.Errorf("repeated key keeps the last value (-want +got):\n%s", diff)
	}
}

func TestStringMapXMLRefusesEntryWithoutName(t *testing.T) {
	var back stringMapDoc
	err := xml.Unmarshal([]byte(`<doc><entry>1</entry></doc>`), &back)
	if err == nil {
		t.Fatal("an entry without a name attribute was accepted")
	}
}

func TestStringMapJSON(t *testing.T) {
	doc := stringMapDoc{Map: StringMap{"b": "2", "a": "1"}}
	got, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"map":{"a":"1","b":"2"}}` {
		t.Errorf("got %s", got)
	}
}

// FuzzStringMapXML decodes arbitrary XML without panicking; a decoded map
// encodes, and decodes again to the same map.
func FuzzStringMapXML(f *testing.F) {
	for _, s := range []string{
		`<doc><entry name="a">1</entry><entry name="b">&lt;&amp;</entry></doc>`,
		`<doc><entry name="k">1</entry><entry name="k">2</entry></doc>`,
		`<doc><entry>no name</entry></doc>`,
		`<doc><entry name="x"><b>nested</b>text</entry></doc>`,
		`<doc><entry name="&#xD;">&#xD;&#x9;</entry></doc>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var doc stringMapDoc
		if xml.Unmarshal(b, &doc) != nil {
			return
		}
		out, err := xml.Marshal(doc)
		if err != nil {
			t.Fatalf("re-encoding %q: %v", doc.Map, err)
		}
		var again stringMapDoc
		if err := xml.Unmarshal(out, &again); err != nil {
			t.Fatalf("decoding our own %s: %v", out, err)
		}
		if diff := cmp.Diff(doc.Map, again.Map, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %s (-first +second):\n%s", out, diff)
		}
	})
}
