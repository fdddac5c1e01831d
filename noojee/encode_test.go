package noojee

import (
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
