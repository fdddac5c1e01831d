package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/google/go-cmp/cmp"
)

// xmlCases are, per vendor, an XML file in the typed form with records the
// fake accepts and records it refuses (or that do not decode), and the
// records the first run rejects with their statuses. Rejects are written
// as outcomes arrive, so the test compares them in sorted order.
var xmlCases = []struct {
	vendor, op string
	xml        string
	rejected   []int    // the indexes of the rejected records among the input's
	statuses   []string // their statuses, sorted
}{
	{
		vendor: "pardot", op: "create",
		xml: `<?xml version="1.0" encoding="UTF-8"?>
<prospects>
  <prospect><email>ada@example.com</email><first_name>Ada</first_name><favorite_color>blue</favorite_color></prospect>
  <prospect><email>not-an-email</email><first_name>Bob</first_name><is_do_not_email>true</is_do_not_email></prospect>
  <prospect>
    <id>x1</id>
    <email>cy@example.com</email>
  </prospect>
  <prospect><email>dee@example.com</email></prospect>
</prospects>
`,
		rejected: []int{1, 2}, // a refused email, an id that is not a number
		statuses: []string{"failed", "invalid input"},
	},
	{
		vendor: "hubspot", op: "upsert",
		xml: `<inputs>
<input><id>ada@example.com</id><idProperty>email</idProperty><properties><property name="email">ada@example.com</property><property name="firstname">Ada</property></properties></input>
<input><id>bad-email</id><idProperty>email</idProperty><properties><property name="email">bad-email</property><property name="firstname">Bob &amp; Co</property></properties></input>
<input><id>cy@example.com</id><idProperty>email</idProperty><properties><property name="email">cy@example.com</property></properties></input>
</inputs>`,
		rejected: []int{1},
		statuses: []string{"failed"},
	},
	{
		vendor: "propel", op: "customers-by-sourceid",
		xml: `<customers>
<customer><source>CRM</source><sourceId>1</sourceId><firstName>Ada</firstName><email>ada@example.com</email></customer>
<customer><source>CRM</source><sourceId>3</sourceId><firstName>Cy</firstName><email>not-an-email</email></customer>
</customers>`,
		rejected: []int{1},
		statuses: []string{"failed"},
	},
	{
		vendor: "noojee", op: "insert",
		xml: `<leads>
  <!-- a comment between records -->
  <lead><field name="Name">Ada</field><field name="FirstPhone">0390001111</field><njExternalLeadId>A1</njExternalLeadId></lead>
  <lead><field name="Name">Bob</field><njExternalLeadId>A2</njExternalLeadId><njPriority>5</njPriority></lead>
  <lead><field name="Name">Cy</field><field name="FirstPhone">0390003333</field><njExternalLeadId>A3</njExternalLeadId></lead>
</leads>`,
		rejected: []int{1},
		statuses: []string{"failed"},
	},
	{
		vendor: "agiliron", op: "add",
		xml: `<Leads>
<Lead><FirstName>Ada</FirstName><LastName>Lovelace</LastName><Company>ACME</Company><Email>ada@example.com</Email>
  <LeadCustomFields><CustomField><Name>Shoe_Size</Name><Value>7</Value></CustomField></LeadCustomFields></Lead>
<Lead><FirstName>Bob</FirstName><Company>ACME</Company><Email>bob@example.com</Email>
  <LeadCustomFields><CustomField><Name>Shoe_Size</Name><Value>9</Value></CustomField></LeadCustomFields></Lead>
<Lead><FirstName>Cy</FirstName><LastName>C</LastName><Company>ACME</Company><Emial>cy@example.com</Emial></Lead>
</Leads>`,
		rejected: []int{1, 2}, // no LastName; an element a Lead has not, which decoding would drop
		statuses: []string{"failed", "invalid input"},
	},
}

// xmlRejectsFile is an XML rejects file as a reader outside the command
// sees it: the wrappers' metadata and the records inside them.
type xmlRejectsFile struct {
	XMLName xml.Name
	Rejects []struct {
		Line    int    `xml:"line,attr"`
		Key     string `xml:"key,attr"`
		Status  string `xml:"status,attr"`
		Code    string `xml:"code,attr"`
		Message string `xml:"message,attr"`
		Record  string `xml:",innerxml"`
	} `xml:"_crmbatch_reject"`
}

func readXMLRejects(t *testing.T, path string) xmlRejectsFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f xmlRejectsFile
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s is not XML: %v\n%s", path, err, b)
	}
	return f
}

// xmlRecords reads a file's records with the command's reader, each in
// its canonical form (the record re-encoded), or the element's text as
// read for one that does not decode; sorted.
func xmlRecords(t *testing.T, path, vendor, op string) []string {
	t.Helper()
	out := xmlRecordsInOrder(t, path, vendor, op)
	slices.Sort(out)
	return out
}

// xmlRecordsInOrder is xmlRecords in the file's order.
func xmlRecordsInOrder(t *testing.T, path, vendor, op string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	form := xmlFormFor(vendor, op)
	var out []string
	rows, err := xmlRows(context.Background(), bufio.NewReader(f), form, func(re rowError) {
		out = append(out, "undecodable: "+string(re.Raw))
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := range rows {
		b, err := xml.Marshal(r.Record)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// statuses are the rejects' statuses, sorted.
func (f xmlRejectsFile) statuses() []string {
	var s []string
	for _, r := range f.Rejects {
		s = append(s, r.Status)
	}
	slices.Sort(s)
	return s
}

// TestXMLImportRejectsImportAgain: for each vendor's fake, an XML file in
// the typed form is imported; the records the fake refuses (and one that
// does not decode) are written to an XML rejects file, each in the same
// form with its status, code and message; that file, imported again as it
// is, reads back exactly the rejected records, which are refused again the
// same way.
func TestXMLImportRejectsImportAgain(t *testing.T) {
	for _, tt := range xmlCases {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			if tt.vendor == "propel" && reflect.TypeFor[propel.Customer]().Field(0).Tag.Get("xml") == "" {
				t.Skip("propel's types have no XML form on this branch yet (issue 19, branch x-propel): passes with it merged")
			}
			in := write(t, "in.xml", tt.xml)
			code, out, errOut := runCmd(t, "", "-vendor", tt.vendor, "-op", tt.op, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			inputs := xmlRecordsInOrder(t, in, tt.vendor, tt.op)
			var want []string
			for _, i := range tt.rejected {
				want = append(want, inputs[i])
			}
			slices.Sort(want)
			first := in + ".rejects.xml"
			if diff := cmp.Diff(want, xmlRecords(t, first, tt.vendor, tt.op)); diff != "" {
				t.Errorf("records in the rejects file (-want +got):\n%s", diff)
			}
			rej := readXMLRejects(t, first)
			if rej.XMLName.Local != xmlFormFor(tt.vendor, tt.op).list || !slices.Equal(rej.statuses(), tt.statuses) {
				t.Fatalf("rejects file <%s> with statuses %q, want <%s> with %q", rej.XMLName.Local, rej.statuses(), xmlFormFor(tt.vendor, tt.op).list, tt.statuses)
			}
			for i, r := range rej.Rejects {
				if r.Message == "" || r.Line < 2 {
					t.Errorf("reject %d: line %d, message %q; want the record's line and a message", i, r.Line, r.Message)
				}
			}

			// Imported again as it is: the same records, refused again alike.
			code, out, errOut = runCmd(t, "", "-vendor", tt.vendor, "-op", tt.op, "-in", first, "-fake")
			if code != exitRejects {
				t.Fatalf("re-import: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			if !strings.Contains(out, plural(len(want), "record")+" read from "+first) {
				t.Errorf("re-import summary:\n%s\nwant %d records read", out, len(want))
			}
			second := first + ".rejects.xml"
			if diff := cmp.Diff(want, xmlRecords(t, second, tt.vendor, tt.op)); diff != "" {
				t.Errorf("records rejected again (-want +got):\n%s", diff)
			}
			if got := readXMLRejects(t, second).statuses(); !slices.Equal(got, tt.statuses) {
				t.Errorf("rejected again with statuses %q, want %q", got, tt.statuses)
			}
		})
	}
}

// TestXMLRejectsFixedImport: a rejects file, fixed in place, imports
// with everything going in and no rejects left.
func TestXMLRejectsFixedImport(t *testing.T) {
	t.Parallel()
	in := write(t, "in.xml", xmlCases[3].xml) // noojee: Bob has no phone
	if code, out, errOut := runCmd(t, "", "-vendor", "noojee", "-in", in, "-fake"); code != exitRejects {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	b, err := os.ReadFile(in + ".rejects.xml")
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(b), `<field name="Name">Bob</field>`, `<field name="FirstPhone">0390002222</field><field name="Name">Bob</field>`, 1)
	again := write(t, "fixed.xml", fixed)
	code, out, errOut := runCmd(t, "", "-vendor", "noojee", "-in", again, "-fake")
	if code != exitOK || !strings.Contains(out, "1 succeeded, 0 failed") {
		t.Fatalf("fixed re-import: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(again + ".rejects.xml"); err == nil {
		t.Error("a run where everything went in left a rejects file")
	}
}

// TestXMLReport: -report FILE.xml holds what the JSON report holds.
func TestXMLReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var reps [2]runReport
	for i, name := range []string{"run.json", "run.xml"} {
		in := write(t, "in.xml", xmlCases[3].xml)
		path := dir + "/" + name
		if code, out, errOut := runCmd(t, "", "-vendor", "noojee", "-in", in, "-fake", "-report", path); code != exitRejects {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		unmarshal := json.Unmarshal
		if i == 1 {
			unmarshal = xml.Unmarshal
			if !strings.HasPrefix(string(b), xml.Header+"<report>") {
				t.Errorf("XML report starts %.60q", b)
			}
		}
		if err := unmarshal(b, &reps[i]); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		reps[i].XMLName, reps[i].ElapsedSeconds, reps[i].Input, reps[i].RejectsFile = xml.Name{}, 0, "", ""
	}
	if diff := cmp.Diff(reps[0], reps[1]); diff != "" {
		t.Errorf("JSON and XML reports differ (-json +xml):\n%s", diff)
	}
	if reps[1].Counts.Read != 3 || len(reps[1].Failures) != 1 || len(reps[1].Failures[0].Examples) != 1 {
		t.Errorf("XML report: %+v", reps[1])
	}
}

// TestXMLFileRefusedBeforeSending: an XML file of the wrong records, or
// not XML, or flags that do not apply, get one error and exit 2.
func TestXMLFileRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content string
		args                []string
		want                string
	}{
		{"wrong root", "in.xml", "<prospects><prospect/></prospects>", nil, "the root element is <prospects>: want <leads> holding one <lead> per record"},
		{"not XML", "in.xml", "Name,FirstPhone\nAda,1\n", nil, "not XML"},
		{"no element", "in.xml", "<?xml version=\"1.0\"?>\n", nil, "no XML element"},
		{"XML named .csv", "in.csv", "<leads><lead/></leads>", nil, "this looks like XML, not CSV: use -format xml"},
		{"map", "in.xml", "<leads/>", []string{"-map", "m.txt"}, "-map renames CSV and JSON Lines columns"},
		{"csv rejects", "in.xml", "<leads/>", []string{"-rejects-format", "csv"}, "XML input is rejected as XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := write(t, tt.file, tt.content)
			code, out, errOut := runCmd(t, "", append([]string{"-vendor", "noojee", "-in", in, "-fake"}, tt.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q\nstdout: %s", code, errOut, exitUsage, tt.want, out)
			}
			if _, err := os.Stat(in + ".rejects.xml"); err == nil {
				t.Error("a refused file left a rejects file")
			}
		})
	}
	if code, _, errOut := runCmd(t, "", "-vendor", "noojee", "-in", "in.csv", "-rejects-format", "xml"); code != exitUsage || !strings.Contains(errOut, "only for XML input") {
		t.Errorf("-rejects-format xml with CSV input: exit %d, %s", code, errOut)
	}
}

// TestXMLStreamsOneRecordAtATime: the reader keeps one record's text,
// not the file's.
func TestXMLStreamsOneRecordAtATime(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("<leads>\n")
	const n = 20000
	for range n {
		b.WriteString(`<lead><field name="Name">Ada</field><field name="FirstPhone">0390001111</field></lead>` + "\n")
	}
	b.WriteString("</leads>\n")
	rc := &recorder{r: bufio.NewReader(strings.NewReader(b.String()))}
	d := xml.NewDecoder(rc)
	if _, err := xmlRoot(d); err != nil {
		t.Fatal(err)
	}
	most := 0
	count := 0
	for {
		el, _, err := nextElement(d, rc)
		if err != nil {
			break
		}
		count++
		most = max(most, cap(rc.buf))
		if !strings.HasPrefix(string(el), "<lead>") || !strings.HasSuffix(string(el), "</lead>") {
			t.Fatalf("element %q", el)
		}
	}
	if count != n || most > 4096 {
		t.Errorf("%d records, buffer up to %d bytes; want %d records in a buffer of about one", count, most, n)
	}
}

// TestXMLUnknownElementRefused: a child element the record type does not
// read (encoding/xml would drop it) refuses the record, naming the
// element and the nearest known one; Pardot's unknown elements are its
// custom fields, and Noojee's callback elements are read by its own
// decoder.
func TestXMLUnknownElementRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor, op, element, want string
	}{
		{"agiliron", "add", "<Lead><LastName>L</LastName><Emial>x</Emial></Lead>", "<Lead> has an element <Emial> that Lead records do not have (did you mean <Email>?): it would be lost"},
		{"hubspot", "create", "<input><property name=\"email\">x</property></input>", "<input> has an element <property>"},
		{"noojee", "insert", "<lead><njPriorty>5</njPriorty></lead>", "did you mean <njPriority>?"},
		{"noojee", "insert", "<lead><njCallBackDate>2024/05/01 09:30</njCallBackDate><callBackZone>Australia/Melbourne</callBackZone></lead>", ""},
		{"pardot", "create", "<prospect><favorite_color>blue</favorite_color></prospect>", ""},
	}
	for _, tt := range tests {
		form := xmlFormFor(tt.vendor, tt.op)
		err := form.checkChildren([]byte(tt.element))
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s %s: %v, want %q", tt.vendor, tt.element, err, tt.want)
		}
	}
}

// TestXMLHelp: -help says how XML is read and rejected, and names each
// vendor's XML file form.
func TestXMLHelp(t *testing.T) {
	t.Parallel()
	_, out, _ := runCmd(t, "", "-help")
	for _, want := range []string{"-format xml", "<" + xmlRejectElement + " line key status code message>", "-report FILE.xml",
		"xml: <Leads><Lead>…", "xml: <inputs><input>…", "xml: <leads><lead>…", "xml: <prospects><prospect>…",
		"xml: <customers><customer>… or <contacts><contact>… or <companies><company>…"} {
		if !strings.Contains(out, want) {
			t.Errorf("-help lacks %q", want)
		}
	}
}

// TestXMLRejectsEndedAtOnce: a second Ctrl-C flushes an XML rejects file
// with its root's end, so it stays well-formed and imports as it is.
func TestXMLRejectsEndedAtOnce(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/r.xml"
	rw, err := newRejectWriter(path, "xml", false)
	if err != nil {
		t.Fatal(err)
	}
	rw.xmlForm = xmlFormFor("noojee", "insert")
	lead := func(name string) any {
		v, err := rw.xmlForm.decode([]byte(`<lead><field name="Name">` + name + `</field></lead>`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	rw.write(reject{Line: 2, Status: "not attempted", Message: "stopped", Record: lead("Ada")})
	rw.flush()
	rw.write(reject{Line: 3, Status: "not attempted", Message: "stopped", Record: lead("Bob")})
	if got := xmlRecords(t, path, "noojee", "insert"); len(got) != 1 || !strings.Contains(got[0], "Ada") {
		t.Errorf("records after an exit at once: %q, want Ada's alone", got)
	}
	if len(readXMLRejects(t, path).Rejects) != 1 {
		t.Error("the file does not hold one reject")
	}
}

// TestXMLResume: an XML import stopped by the vendor (a token it refuses)
// keeps its journal; -resume with a good token sends the rest, found by
// their positions in the XML file, and every record ends in the fake.
func TestXMLResume(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	var b strings.Builder
	b.WriteString("<inputs>\n")
	const n = 300
	for i := range n {
		fmt.Fprintf(&b, "<input><id>c%d@example.com</id><idProperty>email</idProperty><properties><property name=\"email\">c%d@example.com</property></properties></input>\n", i, i)
	}
	b.WriteString("</inputs>\n")
	in := write(t, "in.xml", b.String())
	runWith := func(token string, extra ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		args := append([]string{"-vendor", "hubspot", "-op", "upsert", "-in", in, "-base-url", srv.BaseURL(), "-concurrency", "1"}, extra...)
		code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string {
			if k == "HUBSPOT_TOKEN" {
				return token
			}
			return ""
		})
		return code, out.String(), errOut.String()
	}
	if code, out, errOut := runWith("not-" + hubspottest.DefaultToken); code != exitRejects || !strings.Contains(out, "journal kept") {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := runWith(hubspottest.DefaultToken, "-resume", "-force")
	if code != exitOK {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := len(srv.Objects("contacts")); got != n {
		t.Errorf("the fake holds %d contacts, want %d", got, n)
	}
}

// TestXMLChildNames: the child elements a type reads, as encoding/xml
// reads them: tags' first names, untagged fields by name, embedded
// structs' fields, nothing for attributes and text, and no list at all
// for a type that takes any element.
func TestXMLChildNames(t *testing.T) {
	t.Parallel()
	type inner struct {
		Deep string `xml:"deep"`
	}
	type record struct {
		XMLName xml.Name `xml:"record"`
		inner
		Plain   string
		Tagged  string   `xml:"tagged,omitempty"`
		List    []string `xml:"items>item"`
		Attr    string   `xml:"kind,attr"`
		Text    string   `xml:",chardata"`
		Skipped string   `xml:"-"`
		hidden  string
	}
	type open struct {
		Name string     `xml:"name"`
		Rest []xml.Name `xml:",any"`
	}
	if got, want := xmlChildNames[record](), []string{"deep", "Plain", "tagged", "items"}; !slices.Equal(got, want) {
		t.Errorf("record: %q, want %q", got, want)
	}
	if got := xmlChildNames[open](); got != nil {
		t.Errorf("a type with an any field: %q, want nil (any element)", got)
	}
	_ = record{}.hidden
}

// TestXMLHubSpotCreateKeys: a HubSpot create read from XML is keyed as a
// CSV row is — a contact's email, else its line as the objectWriteTraceId
// — while its rejects keep the record as read (no trace id added).
func TestXMLHubSpotCreateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct{ object, wantKey string }{
		{"contacts", "bad-email"},
		{"deals", "line-3"},
	}
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			t.Parallel()
			in := write(t, "in.xml", `<inputs>
<input><properties><property name="dealname">Big</property><property name="email">ada@example.com</property></properties></input>
<input><properties><property name="dealname">Small</property><property name="email">bad-email</property></properties></input>
</inputs>`)
			code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-object", tt.object, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			rej := readXMLRejects(t, in+".rejects.xml")
			if len(rej.Rejects) != 1 || rej.Rejects[0].Key != tt.wantKey || rej.Rejects[0].Line != 3 || strings.Contains(rej.Rejects[0].Record, "objectWriteTraceId") {
				t.Errorf("rejects %+v, want line 3 keyed %q, the record as read", rej.Rejects, tt.wantKey)
			}
		})
	}
}
