package hubspottest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// post sends a raw request and returns status, headers and decoded body.
func post(t *testing.T, srv *Server, path, token, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return resp.StatusCode, resp.Header, m
}

const json1 = "application/json"

// The fake refuses what HubSpot refuses.
func TestStrictRequests(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.SetMaxBatch(2)
	create := "/crm/v3/objects/contacts/batch/create"
	ok := `{"inputs":[{"properties":{"email":"a@example.com"},"associations":[],"objectWriteTraceId":"t1"}]}`
	cases := []struct {
		name, path, token, ctype, body string
		status                         int
		category                       string
	}{
		{"no token", create, "", json1, ok, 401, "INVALID_AUTHENTICATION"},
		{"wrong token", create, "nope", json1, ok, 401, "INVALID_AUTHENTICATION"},
		{"wrong content type", create, DefaultToken, "text/plain", ok, 415, ""},
		{"unknown path", "/crm/v3/objects/contacts/batch/delete", DefaultToken, json1, ok, 404, "NOT_FOUND"},
		{"unknown field", create, DefaultToken, json1, `{"inputs":[{"properties":{},"associations":[],"bogus":1}]}`, 400, "VALIDATION_ERROR"},
		{"no associations", create, DefaultToken, json1, `{"inputs":[{"properties":{"a":"b"}}]}`, 400, "VALIDATION_ERROR"},
		{"number property", create, DefaultToken, json1, `{"inputs":[{"properties":{"a":1},"associations":[]}]}`, 400, "VALIDATION_ERROR"},
		{"empty inputs", create, DefaultToken, json1, `{"inputs":[]}`, 400, "VALIDATION_ERROR"},
		{"too many inputs", create, DefaultToken, json1, `{"inputs":[{"properties":{"a":"1"},"associations":[]},{"properties":{"a":"2"},"associations":[]},{"properties":{"a":"3"},"associations":[]}]}`, 400, "VALIDATION_ERROR"},
		{"update without id", "/crm/v3/objects/contacts/batch/update", DefaultToken, json1, `{"inputs":[{"properties":{"a":"b"}}]}`, 400, "VALIDATION_ERROR"},
		{"upsert without idProperty", "/crm/v3/objects/contacts/batch/upsert", DefaultToken, json1, `{"inputs":[{"id":"x","properties":{"a":"b"}}]}`, 400, "VALIDATION_ERROR"},
		{"upsert on non-unique property", "/crm/v3/objects/contacts/batch/upsert", DefaultToken, json1, `{"inputs":[{"id":"x","idProperty":"firstname","properties":{"a":"b"}}]}`, 400, "VALIDATION_ERROR"},
		{"duplicate update ids", "/crm/v3/objects/contacts/batch/update", DefaultToken, json1, `{"inputs":[{"id":"1","properties":{}},{"id":"1","properties":{}}]}`, 400, "VALIDATION_ERROR"},
		{"ok", create, DefaultToken, json1, ok, 201, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := post(t, srv, tc.path, tc.token, tc.ctype, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%v)", status, tc.status, body)
			}
			if tc.category != "" && body["category"] != tc.category {
				t.Errorf("category %v, want %s", body["category"], tc.category)
			}
		})
	}
	if n := srv.Count("0-1"); n != 1 {
		t.Errorf("%d contacts stored, want 1", n)
	}
	if st := srv.Stats(); st.Requests != len(cases) || st.Unauthorized != 2 || st.ByOp["create"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestRollingLimitAndHeaders(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	clock := srv.UseManualClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv.SetRateLimit(2, 300*time.Millisecond)
	path := "/crm/v3/objects/deals/batch/read"
	body := `{"inputs":[{"id":"1"}],"properties":[],"propertiesWithHistory":[]}`
	var statuses []int
	var last http.Header
	var lastBody map[string]any
	for range 3 {
		s, h, b := post(t, srv, path, DefaultToken, json1, body)
		statuses = append(statuses, s)
		last, lastBody = h, b
	}
	if diff := cmp.Diff([]int{207, 207, 429}, statuses); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if last.Get("X-HubSpot-RateLimit-Max") != "2" || last.Get("X-HubSpot-RateLimit-Remaining") != "0" ||
		last.Get("X-HubSpot-RateLimit-Interval-Milliseconds") != "300" || last.Get("Retry-After") == "" {
		t.Errorf("headers %v", last)
	}
	if lastBody["policyName"] != "TEN_SECONDLY_ROLLING" || lastBody["errorType"] != "RATE_LIMIT" {
		t.Errorf("body %v", lastBody)
	}
	if last.Get("Retry-After") != "0.300" {
		t.Errorf("Retry-After %q, want the window on the fake's clock", last.Get("Retry-After"))
	}
	clock.Advance(301 * time.Millisecond)
	if s, _, _ := post(t, srv, path, DefaultToken, json1, body); s != 207 {
		t.Errorf("after the window: %d", s)
	}
	if st := srv.Stats(); st.RateLimited != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultsInOrder(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.FailNext(1, fakekit.RateLimited(1500*time.Millisecond))
	srv.FailNext(1, Migration(3*time.Second))
	srv.FailNext(1, fakekit.Fault{Status: 409, Code: "CONFLICT", Message: "exists"})
	srv.FailNext(1, DailyLimit())
	path := "/crm/v3/objects/contacts/batch/archive"
	body := `{"inputs":[{"id":"1"}]}`
	want := []struct {
		status     int
		retryAfter string
		field      string
	}{{429, "1.500", "TEN_SECONDLY_ROLLING"}, {477, "3", "Migration in progress"}, {409, "", "CONFLICT"}, {429, "", "DAILY"}, {204, "", ""}}
	for i, w := range want {
		s, h, b := post(t, srv, path, DefaultToken, json1, body)
		if s != w.status || h.Get("Retry-After") != w.retryAfter {
			t.Errorf("request %d: %d Retry-After %q, want %d %q", i, s, h.Get("Retry-After"), w.status, w.retryAfter)
		}
		if w.field != "" && b["policyName"] != w.field && b["message"] != w.field && b["category"] != w.field {
			t.Errorf("request %d body %v", i, b)
		}
	}
	if st := srv.Stats(); st.Faults != 4 || st.ByOp["archive"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestReadBackAndWrites(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.SetUniqueProperty("p_cars", "vin")
	id := srv.Put("p_cars", map[string]string{"vin": "V1", "color": "red"})
	s, _, b := post(t, srv, "/crm/v3/objects/p_cars/batch/upsert", DefaultToken, json1,
		`{"inputs":[{"id":"v1","idProperty":"vin","properties":{"color":"blue"},"objectWriteTraceId":"a"},{"id":"V2","idProperty":"vin","properties":{"color":"green"},"objectWriteTraceId":"b"}]}`)
	if s != 200 {
		t.Fatalf("upsert: %d %v", s, b)
	}
	results := b["results"].([]any)
	got := map[string]any{}
	for _, r := range results {
		m := r.(map[string]any)
		got[m["objectWriteTraceId"].(string)] = m["new"]
	}
	if diff := cmp.Diff(map[string]any{"a": false, "b": true}, got); diff != "" {
		t.Errorf("new flags (-want +got):\n%s", diff)
	}
	o, ok := srv.Object("p_cars", id)
	if !ok || o.Properties["color"] != "blue" || o.Writes != 1 {
		t.Errorf("object %+v", o)
	}
	v2, ok := srv.Find("p_cars", "vin", "v2")
	if !ok || v2.Writes != 1 || v2.Properties["color"] != "green" {
		t.Errorf("created %+v", v2)
	}
	if objs := srv.Objects("p_cars"); len(objs) != 2 || objs[0].ID != id {
		t.Errorf("objects %+v", objs)
	}
	// The stored copy is the fake's, not the caller's.
	o.Properties["color"] = "mutated"
	if again, _ := srv.Object("p_cars", id); again.Properties["color"] != "blue" {
		t.Error("Object returned shared state")
	}
}

func TestFailInputsMultiStatus(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.FailInputs(func(in Input) *InputError {
		if in.Properties["n"] == "2" {
			return &InputError{Category: "RATE_LIMITS", Message: "slow down"}
		}
		return nil
	})
	var inputs []string
	for i := range 3 {
		inputs = append(inputs, fmt.Sprintf(`{"properties":{"n":"%d"},"associations":[],"objectWriteTraceId":"t%d"}`, i, i))
	}
	s, _, b := post(t, srv, "/crm/v3/objects/leads/batch/create", DefaultToken, json1, `{"inputs":[`+strings.Join(inputs, ",")+`]}`)
	if s != 207 || b["numErrors"] != 1.0 {
		t.Fatalf("%d %v", s, b)
	}
	e := b["errors"].([]any)[0].(map[string]any)
	if e["category"] != "RATE_LIMITS" || !cmp.Equal(e["context"], map[string]any{"objectWriteTraceId": []any{"t2"}}) {
		t.Errorf("error %v", e)
	}
	if srv.Count("0-136") != 2 {
		t.Errorf("%d leads", srv.Count("leads"))
	}
	srv.FailInputs(nil)
	srv.SetAllOrNothing(true)
	s, _, _ = post(t, srv, "/crm/v3/objects/leads/batch/create", DefaultToken, json1, `{"inputs":[{"properties":{},"associations":[],"objectWriteTraceId":"x"}]}`)
	if s != 400 || srv.Count("leads") != 2 {
		t.Errorf("all-or-nothing: %d, %d leads", s, srv.Count("leads"))
	}
}

// A dropped connection answers nothing; DropAfterWrite writes first.
func TestDropBeforeAndAfterWrite(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.FailNext(1, fakekit.Drop())
	srv.FailNext(1, fakekit.DropAfterWrite())
	body := `{"inputs":[{"properties":{"email":"d@example.com"},"associations":[],"objectWriteTraceId":"t1"}]}`
	for i := range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"/crm/v3/objects/contacts/batch/create", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DefaultToken)
		req.Header.Set("Content-Type", json1)
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("request %d answered %d, want a dropped connection", i, resp.StatusCode)
		}
		if want := i; srv.Count("contacts") != want {
			t.Errorf("after request %d: %d contacts, want %d", i, srv.Count("contacts"), want)
		}
	}
}

// Counting-only mode answers as strictly but keeps no record.
func TestCountOnlyKeepsNothing(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.SetCountOnly(true)
	s, _, b := post(t, srv, "/crm/v3/objects/contacts/batch/create", DefaultToken, json1,
		`{"inputs":[{"properties":{"email":"a@example.com"},"associations":[],"objectWriteTraceId":"t1"},{"properties":{"email":"b@example.com"},"associations":[],"objectWriteTraceId":"t2"}]}`)
	if s != 201 || len(b["results"].([]any)) != 2 {
		t.Fatalf("create: %d %v", s, b)
	}
	s, _, b = post(t, srv, "/crm/v3/objects/contacts/batch/update", DefaultToken, json1, `{"inputs":[{"id":"77","properties":{"firstname":"X"}}]}`)
	if s != 200 || len(b["results"].([]any)) != 1 {
		t.Fatalf("update: %d %v", s, b)
	}
	if n, st := srv.Count("contacts"), srv.Stats(); n != 0 || st.Written != 3 {
		t.Errorf("%d contacts kept, %d written; want 0 and 3", n, st.Written)
	}
}

// TestCodeRule: HubSpot's codes are words (its error categories), so a
// fault's Code is written as given (fakekit.FaultRules).
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, false)
}
