package noojee

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// njCallBackDate is written in the lead's contact-hours zone: its own
// CallBackZone, else the IANA zone its ContactHours names, else the
// campaign's Zone, else the time's own zone.
func TestCallBackZone(t *testing.T) {
	t.Parallel()
	melb, err := time.LoadLocation("Australia/Melbourne")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	at := time.Date(2024, 5, 1, 0, 30, 0, 0, time.UTC) // 10:30 in Melbourne (AEST)
	perth := time.FixedZone("AWST", 8*3600)
	nz := time.FixedZone("NZST", 12*3600)
	cases := []struct {
		name string
		lead Lead
		tg   Target
		want string
	}{
		{"own zone wins", Lead{CallBack: at, CallBackZone: perth, ContactHours: "Australia/Melbourne"}, Target{Zone: nz}, "2024/05/01 08:30"},
		{"contact hours zone", Lead{CallBack: at, ContactHours: "Australia/Melbourne"}, Target{Zone: nz}, "2024/05/01 10:30"},
		{"contact hours zone, cached", Lead{CallBack: at, ContactHours: "Australia/Melbourne"}, Target{}, "2024/05/01 10:30"},
		{"named hours fall to campaign", Lead{CallBack: at, ContactHours: "Business Hours"}, Target{Zone: nz}, "2024/05/01 12:30"},
		{"Local is not a contact zone", Lead{CallBack: at, ContactHours: "Local"}, Target{Zone: nz}, "2024/05/01 12:30"},
		{"time's own zone", Lead{CallBack: at.In(melb)}, Target{}, "2024/05/01 10:30"},
	}
	for _, tc := range cases {
		got := string(encodeLead(nil, &tc.lead, &tc.tg))
		want := `"njCallBackDate":"` + tc.want + `"`
		if !contains(got, want) {
			t.Errorf("%s: %s, want %s", tc.name, got, want)
		}
	}
	if p, err := ParseCallBack("2024/05/01 10:30", melb); err != nil || !p.Equal(at) {
		t.Errorf("ParseCallBack: %v %v", p, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// A lead read back from its JSON or XML form sends the same request body
// as the lead that was written, whatever the campaign's zone; a file's
// njCallBackDate without a zone is sent as written.
func TestFormSendsTheSameBody(t *testing.T) {
	t.Parallel()
	melb, err := time.LoadLocation("Australia/Melbourne")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	tg := &Target{Zone: time.FixedZone("NZST", 12*3600)}
	at := time.Date(2024, 4, 30, 23, 30, 0, 0, time.UTC)
	for _, l := range []Lead{
		{Fields: Fields{"Name": "Ada", "FirstPhone": "0383218199"}, ExternalID: "C-1", Priority: PriorityOf(3), CallBack: at, CallBackZone: melb},
		{Fields: Fields{"FirstPhone": "0383218199"}, CallBack: at, ContactHours: "Australia/Melbourne", Disposition: "Sale"},
		{Fields: Fields{"FirstPhone": "0383218199"}, CallBack: at, CallBackZone: time.FixedZone("AWST", 8*3600)},
		{Fields: Fields{"FirstPhone": "0383218199"}, CallBack: at, CallBackZone: time.UTC},
	} {
		want := string(encodeLead(nil, &l, tg))
		js, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		x, err := xml.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON, fromXML Lead
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(x, &fromXML); err != nil {
			t.Fatal(err)
		}
		if got := string(encodeLead(nil, &fromJSON, tg)); got != want {
			t.Errorf("from JSON %s sends\n%s\nwant\n%s", js, got, want)
		}
		if got := string(encodeLead(nil, &fromXML, tg)); got != want {
			t.Errorf("from XML %s sends\n%s\nwant\n%s", x, got, want)
		}
	}
	var l Lead
	if err := xml.Unmarshal([]byte(`<lead><field name="FirstPhone">1</field><njCallBackDate>2026/12/01 09:30</njCallBackDate></lead>`), &l); err != nil {
		t.Fatal(err)
	}
	if got, want := string(encodeLead(nil, &l, tg)), `{"FirstPhone":"1","njCallBackDate":"2026/12/01 09:30"}`; got != want {
		t.Errorf("zoneless file date sent as %s, want %s", got, want)
	}
}
