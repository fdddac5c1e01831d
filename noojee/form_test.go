package noojee_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
)

// formOpts compare decoded values with the originals: times as instants,
// zones by name, a decoded XMLName ignored, nil and empty alike.
var formOpts = cmp.Options{
	cmp.Comparer(func(a, b *time.Location) bool {
		if a == nil || b == nil {
			return a == b
		}
		return a.String() == b.String()
	}),
	cmpopts.IgnoreTypes(xml.Name{}),
	cmpopts.EquateEmpty(),
}

// mustZone loads an IANA zone.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// formCase is one value of an exported type, named for its golden files.
type formCase struct {
	name  string
	value any             // the value, not a pointer
	fresh func() any      // a pointer to a new zero value of its type
	deref func(p any) any // *T to T
}

// caseOf builds a formCase for a value of type T.
func caseOf[T any](name string, v T) formCase {
	return formCase{name: name, value: v, fresh: func() any { return new(T) }, deref: func(p any) any { return *p.(*T) }}
}

// formCases are values of every exported data type: Lead, Target, Result.
func formCases(t testing.TB) []formCase {
	melb := mustZone(t, "Australia/Melbourne")
	return []formCase{
		caseOf("lead_full", noojee.Lead{
			Fields:     noojee.Fields{"Name": "Ada Lovelace", "FirstPhone": "0383218199", "PostCode": "3064", "Note": `says "hi" <b>&</b>`},
			ExternalID: "CRM-42", Priority: noojee.PriorityOf(5),
			CallBack: time.Date(2024, 4, 30, 23, 30, 0, 0, time.UTC), CallBackZone: melb,
			ContactHours: "Business Hours", Disposition: "Call Back",
		}),
		caseOf("lead_update_nochange", noojee.Lead{
			Fields:     noojee.Fields{"FirstPhone": noojee.NoChange, "Status": "gold"},
			ExternalID: "CRM-43", Priority: noojee.PriorityOf(0), Disposition: noojee.NoChange,
		}),
		caseOf("lead_contacthours_zone", noojee.Lead{
			Fields:       noojee.Fields{"Name": "Charles Babbage", "FirstPhone": "0383218200"},
			ExternalID:   "CRM-44",
			CallBack:     time.Date(2024, 7, 1, 9, 0, 0, 0, mustZone(t, "Australia/Perth")),
			ContactHours: "Australia/Perth",
		}),
		caseOf("lead_utc_callback", noojee.Lead{
			Fields:   noojee.Fields{"FirstPhone": "0383218201"},
			CallBack: time.Date(2024, 12, 24, 18, 5, 0, 0, time.UTC), CallBackZone: time.UTC,
		}),
		caseOf("lead_empty", noojee.Lead{}),
		caseOf("target_full", noojee.Target{
			TemplateID: "7", CampaignID: "42", AllocationID: "3", AllowDuplicates: true,
			PhoneFields: []string{"FirstPhone", "MobilePhone"}, Zone: melb,
		}),
		caseOf("target_minimal", noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"}),
		caseOf("result", noojee.Result{Message: "Lead inserted", LeadID: "1001"}),
		caseOf("result_empty", noojee.Result{}),
	}
}

// Every exported data type, both encodings both ways, against golden
// files: value → JSON → value, value → XML → value, and JSON → value → XML
// and XML → value → JSON give the other golden file.
func TestFormRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range formCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			js, err := json.MarshalIndent(c.value, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			testkit.Golden(t, "form/"+c.name+".json", js)
			x, err := xml.MarshalIndent(c.value, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			testkit.Golden(t, "form/"+c.name+".xml", x)

			fromJSON := c.fresh()
			if err := json.Unmarshal(js, fromJSON); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.value, c.deref(fromJSON), formOpts); d != "" {
				t.Errorf("value → JSON → value (-want +got):\n%s", d)
			}
			fromXML := c.fresh()
			if err := xml.Unmarshal(x, fromXML); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.value, c.deref(fromXML), formOpts); d != "" {
				t.Errorf("value → XML → value (-want +got):\n%s", d)
			}

			x2, err := xml.MarshalIndent(c.deref(fromJSON), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if string(x2) != string(x) {
				t.Errorf("JSON → value → XML:\n got %s\nwant %s", x2, x)
			}
			js2, err := json.MarshalIndent(c.deref(fromXML), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if string(js2) != string(js) {
				t.Errorf("XML → value → JSON:\n got %s\nwant %s", js2, js)
			}
		})
	}
}

// leadsFile is a file of leads as a caller might keep one.
type leadsFile struct {
	XMLName xml.Name      `xml:"leads"`
	Leads   []noojee.Lead `xml:"lead"`
}

// A list of leads in one document: each keeps its element and reads back.
func TestFormLeadsDocument(t *testing.T) {
	t.Parallel()
	var leads []noojee.Lead
	for _, c := range formCases(t) {
		if l, ok := c.value.(noojee.Lead); ok {
			leads = append(leads, l)
		}
	}
	x, err := xml.MarshalIndent(leadsFile{Leads: leads}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, "form/leads_document.xml", x)
	var back leadsFile
	if err := xml.Unmarshal(x, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(leads, back.Leads, formOpts); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	js, err := json.Marshal(leads)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON []noojee.Lead
	if err := json.Unmarshal(js, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(leads, fromJSON, formOpts); d != "" {
		t.Errorf("JSON (-want +got):\n%s", d)
	}
}

// A callback with no zone in the file is read as written: the lead sends
// those digits whatever the campaign's zone (CallBackZone is UTC), and
// writes them back with no zone.
func TestFormCallBackWithoutZone(t *testing.T) {
	t.Parallel()
	in := `<lead><field name="FirstPhone">0383218199</field><njCallBackDate>2026/12/01 09:30</njCallBackDate></lead>`
	var l noojee.Lead
	if err := xml.Unmarshal([]byte(in), &l); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC); !l.CallBack.Equal(want) || l.CallBackZone != time.UTC {
		t.Errorf("CallBack %v in %v; want %v in UTC", l.CallBack, l.CallBackZone, want)
	}
	if got := noojee.FormatCallBack(l.CallBack, l.CallBackZone); got != "2026/12/01 09:30" {
		t.Errorf("sent as %q", got)
	}
	out, err := xml.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("written back as\n%s\nwant\n%s", out, in)
	}
}

// A zone with no IANA name (time.FixedZone) is written as its UTC offset
// and read back as a fixed zone: the same instant, the same digits.
func TestFormFixedZone(t *testing.T) {
	t.Parallel()
	aest := time.FixedZone("AEST", 10*3600)
	l := noojee.Lead{CallBack: time.Date(2024, 4, 30, 23, 30, 0, 0, time.UTC), CallBackZone: aest}
	js, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"njCallBackDate":"2024/05/01 09:30","callBackZone":"+10:00"}`; string(js) != want {
		t.Errorf("got %s\nwant %s", js, want)
	}
	var back noojee.Lead
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !back.CallBack.Equal(l.CallBack) || noojee.FormatCallBack(back.CallBack, back.CallBackZone) != "2024/05/01 09:30" {
		t.Errorf("read back as %v in %v", back.CallBack, back.CallBackZone)
	}
	west := noojee.Target{TemplateID: "1", CampaignID: "2", AllocationID: "3", Zone: time.FixedZone("", -(3*3600 + 30*60))}
	x, err := xml.Marshal(west)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<target><fTemplateId>1</fTemplateId><fCampaignId>2</fCampaignId><fAllocationId>3</fAllocationId><zone>-03:30</zone></target>`; string(x) != want {
		t.Errorf("got %s\nwant %s", x, want)
	}
}

// Values the forms cannot hold are refused with an error naming them.
func TestFormRefusesBadValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in, want string }{
		{"date layout", `<lead><njCallBackDate>2026-12-01T09:30:00Z</njCallBackDate></lead>`, "njCallBackDate"},
		{"unknown zone", `<lead><njCallBackDate>2026/12/01 09:30</njCallBackDate><callBackZone>Mars/Olympus</callBackZone></lead>`, "Mars/Olympus"},
		{"offset range", `<lead><callBackZone>+25:00</callBackZone></lead>`, "+25:00"},
		{"local zone", `<lead><callBackZone>Local</callBackZone></lead>`, "Local"},
		{"field without name", `<lead><field>x</field></lead>`, "name"},
	} {
		var l noojee.Lead
		err := xml.Unmarshal([]byte(tt.in), &l)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
	var tg noojee.Target
	if err := json.Unmarshal([]byte(`{"zone":"Nowhere/Atall"}`), &tg); err == nil {
		t.Error("Target: an unknown zone was accepted")
	}
	var l noojee.Lead
	if err := json.Unmarshal([]byte(`{"njCallBackDate":"tomorrow"}`), &l); err == nil {
		t.Error("Lead JSON: a date not in Noojee's layout was accepted")
	}
}

// FuzzLeadXML decodes arbitrary XML as a lead without panicking; a decoded
// lead encodes, decodes to the same lead, and encodes to the same bytes.
func FuzzLeadXML(f *testing.F) {
	for _, s := range []string{
		`<lead><field name="Name">Ada</field><field name="FirstPhone">0383218199</field><njExternalLeadId>C-1</njExternalLeadId></lead>`,
		`<lead><njCallBackDate>2026/12/01 09:30</njCallBackDate><callBackZone>Australia/Melbourne</callBackZone><njPriority>5</njPriority></lead>`,
		`<lead><njCallBackDate>2026/12/01 09:30</njCallBackDate><njContactHours>Australia/Perth</njContactHours></lead>`,
		`<lead><field name="k">1</field><field name="k">2</field><callBackZone>-03:30</callBackZone></lead>`,
		`<lead><field name="&#xD;">&lt;No Change&gt;</field></lead>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var l noojee.Lead
		if xml.Unmarshal(b, &l) != nil {
			return
		}
		out, err := xml.Marshal(l)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var again noojee.Lead
		if err := xml.Unmarshal(out, &again); err != nil {
			t.Fatalf("decoding our own %s: %v", out, err)
		}
		if d := cmp.Diff(l, again, formOpts); d != "" {
			t.Fatalf("round trip of %s (-first +second):\n%s", out, d)
		}
		out2, err := xml.Marshal(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not a fixed point:\n%s\n%s (%v)", out, out2, err)
		}
	})
}

// FuzzLeadJSON is FuzzLeadXML for the JSON form.
func FuzzLeadJSON(f *testing.F) {
	for _, s := range []string{
		`{"fields":{"FirstPhone":"0383218199","Name":"Ada"},"njExternalLeadId":"C-1","njPriority":5}`,
		`{"njCallBackDate":"2026/12/01 09:30","callBackZone":"+10:00"}`,
		`{"fields":null,"njCallBackDate":"2026/12/01 09:30","njContactHours":"Australia/Perth"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var l noojee.Lead
		if json.Unmarshal(b, &l) != nil {
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var again noojee.Lead
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("decoding our own %s: %v", out, err)
		}
		if d := cmp.Diff(l, again, formOpts); d != "" {
			t.Fatalf("round trip of %s (-first +second):\n%s", out, d)
		}
	})
}
