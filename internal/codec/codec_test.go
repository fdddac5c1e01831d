package codec

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestStringJSON(t *testing.T) {
	tests := []struct {
		in   string
		want String
		bad  bool
	}{
		{`"123"`, "123", false},
		{`123`, "123", false},
		{`3002196`, "3002196", false},
		{`1.5e3`, "1.5e3", false},
		{`null`, "", false},
		{`true`, "true", false},
		{`"a\"b"`, `a"b`, false},
		{`{}`, "", true},
		{`[1]`, "", true},
	}
	for _, tt := range tests {
		var s String
		err := json.Unmarshal([]byte(tt.in), &s)
		if (err != nil) != tt.bad || s != tt.want {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q, bad=%v", tt.in, s, err, tt.want, tt.bad)
		}
	}
	out, _ := json.Marshal(struct{ K String }{"42"})
	if string(out) != `{"K":"42"}` {
		t.Errorf("Marshal = %s", out)
	}
}

func TestStringXML(t *testing.T) {
	var v struct {
		Key String `xml:"key"`
		ID  String `xml:"id,attr"`
	}
	if err := xml.Unmarshal([]byte(`<r id="9"><key>C-1002</key></r>`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Key != "C-1002" || v.ID != "9" {
		t.Errorf("got %+v", v)
	}
}

func TestIntJSON(t *testing.T) {
	tests := []struct {
		in   string
		want Int
		bad  bool
	}{
		{`1800`, 1800, false},
		{`"1899"`, 1899, false},
		{`" 7 "`, 7, false},
		{`""`, 0, false},
		{`null`, 0, false},
		{`12.0`, 12, false},
		{`12.5`, 0, true},
		{`"abc"`, 0, true},
		{`{}`, 0, true},
	}
	for _, tt := range tests {
		var n Int
		err := json.Unmarshal([]byte(tt.in), &n)
		if (err != nil) != tt.bad || (!tt.bad && n != tt.want) {
			t.Errorf("Unmarshal(%s) = %d, %v; want %d, bad=%v", tt.in, n, err, tt.want, tt.bad)
		}
	}
	out, _ := json.Marshal(struct{ N Int }{5})
	if string(out) != `{"N":5}` {
		t.Errorf("Marshal = %s", out)
	}
}

func TestIntXML(t *testing.T) {
	var v struct {
		N    Int `xml:"SuccessNumber"`
		Code Int `xml:"code,attr"`
	}
	if err := xml.Unmarshal([]byte("<result code=\"66\"><SuccessNumber>\n 3 \n</SuccessNumber></result>"), &v); err != nil {
		t.Fatal(err)
	}
	if v.N != 3 || v.Code != 66 {
		t.Errorf("got %+v", v)
	}
	if err := xml.Unmarshal([]byte(`<result><SuccessNumber>x</SuccessNumber></result>`), &v); err == nil {
		t.Error("a non-number was accepted")
	}
	out, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"r"`
		N       Int      `xml:"n"`
	}{N: 12})
	if string(out) != `<r><n>12</n></r>` {
		t.Errorf("Marshal = %s", out)
	}
}

type lead struct {
	LeadID String `json:"LeadId" xml:"LeadId"`
	Name   string `json:"LeadName,omitempty" xml:"LeadName,omitempty"`
}

func TestOneOrManyJSON(t *testing.T) {
	tests := []struct {
		in   string
		want OneOrMany[lead]
	}{
		{`{"LeadId":"123","LeadName":"John Doe"}`, OneOrMany[lead]{{"123", "John Doe"}}},
		{`[{"LeadId":123},{"LeadId":"456"}]`, OneOrMany[lead]{{"123", ""}, {"456", ""}}},
		{`null`, nil},
		{`[]`, OneOrMany[lead]{}},
	}
	for _, tt := range tests {
		var l OneOrMany[lead]
		if err := json.Unmarshal([]byte(tt.in), &l); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, l); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
	var l OneOrMany[lead]
	if err := json.Unmarshal([]byte(`"x"`), &l); err == nil {
		t.Error("a string was accepted as a lead")
	}
	out, _ := json.Marshal(struct{ L OneOrMany[lead] }{})
	if string(out) != `{"L":[]}` {
		t.Errorf("Marshal empty = %s", out)
	}
}

func TestOneOrManyXML(t *testing.T) {
	type result struct {
		Success OneOrMany[lead] `xml:"Success>Leads"`
	}
	for _, tt := range []struct {
		in   string
		want OneOrMany[lead]
	}{
		{`<result><Success><Leads><LeadId>123</LeadId></Leads></Success></result>`, OneOrMany[lead]{{"123", ""}}},
		{`<result><Success><Leads><LeadId>1</LeadId></Leads><Leads><LeadId>2</LeadId></Leads></Success></result>`, OneOrMany[lead]{{"1", ""}, {"2", ""}}},
		{`<result></result>`, nil},
	} {
		var r result
		if err := xml.Unmarshal([]byte(tt.in), &r); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, r.Success); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
	out, err := xml.Marshal(struct {
		XMLName xml.Name        `xml:"Leads"`
		Lead    OneOrMany[lead] `xml:"Lead"`
	}{Lead: OneOrMany[lead]{{"1", "A"}, {"2", ""}}})
	if err != nil || string(out) != `<Leads><Lead><LeadId>1</LeadId><LeadName>A</LeadName></Lead><Lead><LeadId>2</LeadId></Lead></Leads>` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
}

func TestOrderedMap(t *testing.T) {
	type names struct {
		First string `json:"first_name"`
		Last  string `json:"last_name"`
	}
	var m OrderedMap[names]
	m.Set("1234", names{"New first name", "New last name"})
	m.Set("some@email.com", names{"A", "B"})
	m.Set("1234", names{"X", "Y"}) // replaced in place
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"1234":{"first_name":"X","last_name":"Y"},"some@email.com":{"first_name":"A","last_name":"B"}}`
	if string(out) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", out, want)
	}

	var back OrderedMap[string]
	if err := json.Unmarshal([]byte(`{"z":"1","a":"2","m":"3"}`), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"z", "a", "m"}, back.Keys()); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if v, ok := back.Get("a"); !ok || v != "2" || back.Len() != 3 {
		t.Errorf("Get(a) = %q, %v", v, ok)
	}
	for _, in := range []string{`null`, `[]`, `[ ]`, `{}`} {
		var e OrderedMap[string]
		if err := json.Unmarshal([]byte(in), &e); err != nil || e.Len() != 0 {
			t.Errorf("Unmarshal(%s): %v, len %d", in, err, e.Len())
		}
	}
	for _, in := range []string{`[1]`, `"x"`, `{"a":1}`, `{"a"`} {
		var e OrderedMap[string]
		if err := json.Unmarshal([]byte(in), &e); err == nil {
			t.Errorf("Unmarshal(%s) accepted", in)
		}
	}
}

func FuzzOrderedMap(f *testing.F) {
	for _, s := range []string{`{"0":"Invalid prospect email address","3":"Invalid prospect ID"}`, `[]`, `null`, `{"a":{"b":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m OrderedMap[json.RawMessage]
		if json.Unmarshal(b, &m) != nil {
			return
		}
		if len(m.Keys()) != m.Len() {
			t.Fatal("keys and values disagree")
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseInt(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Int
		bad  bool
	}{{" 42 ", 42, false}, {"", 0, false}, {"7.0", 7, false}, {"7.5", 0, true}, {"x", 0, true}} {
		got, err := ParseInt(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v", tt.in, got, err)
		}
	}
}

// FuzzOrderedMapKeyOrder checks the key scanner against the standard
// decoder's token stream: the same keys, in the same order.
func FuzzOrderedMapKeyOrder(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1,{"x":"}"}],"c":"\"q\\"}`, `{"z":{"y":{}},"y":null}`, `{ "a" : "b" , "a" : 2 }`, `{"\u00e9":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m OrderedMap[json.RawMessage]
		if json.Unmarshal(b, &m) != nil {
			return
		}
		var want []string
		dec := json.NewDecoder(bytes.NewReader(b))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return // null or []
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, _ := dec.Token()
			k := tok.(string)
			var skip json.RawMessage
			dec.Decode(&skip)
			if !seen[k] {
				seen[k] = true
				want = append(want, k)
			}
		}
		if diff := cmp.Diff(want, m.Keys(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("keys of %q (-decoder +scanner):\n%s", b, diff)
		}
	})
}

// TestOrderedMapXML writes and reads the seed's v3 XML shape.
func TestOrderedMapXML(t *testing.T) {
	type names struct {
		First string `xml:"first_name"`
		Last  string `xml:"last_name"`
	}
	type prospects struct {
		XMLName   xml.Name          `xml:"prospects"`
		Prospects OrderedMap[names] `xml:"prospect"`
	}
	var in prospects
	in.Prospects.Set("1234", names{"New first name", "New last name"})
	in.Prospects.Set("some@email.com", names{"New first name", "New last name"})
	out, err := xml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `<prospects><prospect identifier="1234"><first_name>New first name</first_name><last_name>New last name</last_name></prospect>` +
		`<prospect identifier="some@email.com"><first_name>New first name</first_name><last_name>New last name</last_name></prospect></prospects>`
	if string(out) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", out, want)
	}
	var back prospects
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1234", "some@email.com"}, back.Prospects.Keys()); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if v, _ := back.Prospects.Get("some@email.com"); v.First != "New first name" {
		t.Errorf("value %+v", v)
	}
	if err := xml.Unmarshal([]byte(`<prospects><prospect><first_name>x</first_name></prospect></prospects>`), &back); err == nil {
		t.Error("an entry without its key attribute was accepted")
	}
}
