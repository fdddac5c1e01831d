package hubspottest

import (
	"fmt"
	"strings"
	"testing"
)

// readBody is a batch read of n ids, with history for firstname when
// history is set.
func readBody(n int, history bool) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf(`{"id":"%d"}`, i+1)
	}
	hist := "[]"
	if history {
		hist = `["firstname"]`
	}
	return `{"inputs":[` + strings.Join(ids, ",") + `],"properties":[],"propertiesWithHistory":` + hist + `}`
}

// HubSpot refuses a history read of more than 50 ids with a
// VALIDATION_ERROR; 50 with history, and 51 without, are read.
func TestHistoryReadLimit(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	path := "/crm/objects/2026-09/contacts/batch/read"
	s, _, b := post(t, srv, path, DefaultToken, json1, readBody(51, true))
	if s != 400 || b["category"] != "VALIDATION_ERROR" ||
		b["message"] != "The maximum number of inputs supported in a batch request for property histories is 50. Please reduce the number of items and try again" {
		t.Errorf("51 with history: %d %v", s, b)
	}
	for _, tc := range []struct {
		n       int
		history bool
	}{{50, true}, {51, false}, {100, false}} {
		if s, _, b := post(t, srv, path, DefaultToken, json1, readBody(tc.n, tc.history)); s != 207 {
			t.Errorf("%d ids, history %v: %d %v", tc.n, tc.history, s, b)
		}
	}
	if st := srv.Stats(); st.ByOp["read"] != 3 {
		t.Errorf("the refused read was processed: %+v", st)
	}
}

// A portal's validation rules hold API writes from 2026-09 on; the legacy
// v3 and the 2026-03 paths ignore them.
func TestValidationRulesFrom2026_09(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.RequireWhen("0-3", "closedate", "dealstage", "closedwon")
	won := `{"inputs":[{"properties":{"dealstage":"closedwon"},"associations":[],"objectWriteTraceId":"w"},` +
		`{"properties":{"dealstage":"closedwon","closedate":"1794787200000"},"associations":[],"objectWriteTraceId":"d"}]}`
	for _, tc := range []struct {
		version string
		status  int
		stored  int
	}{
		{"2026-09", 207, 1},
		{"2027-03", 207, 2}, // later versions keep the rules
		{"2026-03", 201, 4},
		{"v3", 201, 6},
	} {
		path := "/crm/objects/" + tc.version + "/deals/batch/create"
		if tc.version == "v3" {
			path = "/crm/v3/objects/deals/batch/create"
		}
		s, _, b := post(t, srv, path, DefaultToken, json1, won)
		if s != tc.status || srv.Count("deals") != tc.stored {
			t.Fatalf("%s: %d with %d deals stored, want %d with %d (%v)", tc.version, s, srv.Count("deals"), tc.status, tc.stored, b)
		}
		if s == 207 {
			e := b["errors"].([]any)[0].(map[string]any)
			if e["category"] != "VALIDATION_ERROR" || fmt.Sprint(e["context"]) != "map[objectWriteTraceId:[w]]" {
				t.Errorf("%s: error %v", tc.version, e)
			}
		}
	}
	// An update is checked against the object it would leave: closing a
	// dated deal needs nothing more, closing an undated one is refused.
	dated := srv.Put("deals", map[string]string{"dealstage": "open", "closedate": "1794787200000"})
	undated := srv.Put("deals", map[string]string{"dealstage": "open"})
	s, _, b := post(t, srv, "/crm/objects/2026-09/deals/batch/update", DefaultToken, json1,
		fmt.Sprintf(`{"inputs":[{"id":"%s","properties":{"dealstage":"closedwon"}},{"id":"%s","properties":{"dealstage":"closedwon"}}]}`, dated, undated))
	if s != 207 || b["numErrors"] != 1.0 {
		t.Fatalf("update: %d %v", s, b)
	}
	if o, _ := srv.Object("deals", undated); o.Properties["dealstage"] != "open" {
		t.Errorf("the refused update landed: %v", o.Properties)
	}
	if o, _ := srv.Object("deals", dated); o.Properties["dealstage"] != "closedwon" {
		t.Errorf("the valid update did not land: %v", o.Properties)
	}
}
