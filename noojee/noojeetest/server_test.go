package noojeetest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

const query = "?fTemplateId=1&fCampaignId=2&fAllocationId=3&apiKey=" + noojeetest.APIKey

// post sends body and returns status and decoded code (-1 when none). It
// may run on other goroutines than the test's: testkit.Call reports with
// Errorf.
func post(t *testing.T, srv *noojeetest.Server, endpoint, q, contentType, body string) (int, int) {
	t.Helper()
	a := testkit.Call(t, http.MethodPost, srv.URL+noojeetest.Path+endpoint+q, map[string]string{"Content-Type": contentType}, strings.NewReader(body))
	var r struct {
		Code *int `json:"code"`
	}
	if json.Unmarshal(a.Body, &r) != nil || r.Code == nil {
		return a.Status, -1
	}
	return a.Status, *r.Code
}

// The fake is strict about the request, like the real server.
func TestStrictRequests(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	lead := `{"FirstPhone":"0383218199","njExternalLeadId":"A"}`
	cases := []struct {
		name, endpoint, q, ct, body string
		status, code                int
	}{
		{"no key", "insertLeadFast", "?fTemplateId=1&fCampaignId=2&fAllocationId=3", "application/json", lead, 401, -1},
		{"bad key", "insertLeadFast", "?fTemplateId=1&fCampaignId=2&fAllocationId=3&apiKey=x", "application/json", lead, 401, -1},
		{"form body", "insertLeadFast", query, "application/x-www-form-urlencoded", lead, 415, -1},
		{"unknown op", "insertLead", query, "application/json", lead, 404, -1},
		{"no template", "insertLeadFast", "?fCampaignId=2&fAllocationId=3&apiKey=" + noojeetest.APIKey, "application/json", lead, 400, 116},
		{"no campaign", "insertLeadFast", "?fTemplateId=1&fAllocationId=3&apiKey=" + noojeetest.APIKey, "application/json", lead, 400, 117},
		{"no allocation", "insertLeadFast", "?fTemplateId=1&fCampaignId=2&apiKey=" + noojeetest.APIKey, "application/json", lead, 400, 115},
		{"array to single", "insertLeadFast", query, "application/json", "[" + lead + "]", 400, -1},
		{"object to bulk", "insertLeadsFast", query, "application/json", lead, 400, -1},
		{"nested value", "insertLeadFast", query, "application/json", `{"FirstPhone":{"x":1}}`, 400, -1},
		{"no phone", "insertLeadFast", query, "application/json", `{"Name":"x"}`, 400, 102},
		{"no change", "insertLeadFast", query, "application/json", `{"FirstPhone":"1","City":"<NO CHANGE>"}`, 400, 108},
		{"bad date", "insertLeadFast", query, "application/json", `{"FirstPhone":"1","njCallBackDate":"2024-01-01"}`, 400, 114},
		{"ok", "insertLeadFast", query, "application/json", lead, 200, 0},
		{"dup ext id", "insertLeadFast", query, "application/json", `{"FirstPhone":"2","njExternalLeadId":"A"}`, 400, 112},
		{"dup phone", "insertLeadFast", query, "application/json", `{"FirstPhone":"03 8321 8199"}`, 400, 105},
		{"dup allowed", "insertLeadFast", query + "&allowDuplicates=true", "application/json", `{"FirstPhone":"03 8321 8199"}`, 200, 0},
		{"bulk dup inside", "insertLeadsFast", query, "application/json", `[{"FirstPhone":"5"},{"FirstPhone":"5"}]`, 200, 0},
		{"update unknown", "updateLeadFast", query, "application/json", `{"njExternalLeadId":"Z","Name":"x"}`, 400, 101},
		{"update ok", "updateLeadFast", query, "application/json", `{"njExternalLeadId":"A","Name":"x","FirstPhone":"<No Change>"}`, 200, 0},
	}
	for _, tc := range cases {
		status, code := post(t, srv, tc.endpoint, tc.q, tc.ct, tc.body)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: status %d code %d, want %d %d", tc.name, status, code, tc.status, tc.code)
		}
	}
	got := srv.Leads("2")
	if len(got) != 3 { // A, the allowed duplicate, and the first of "bulk dup inside"
		t.Fatalf("%d leads stored, want 3", len(got))
	}
	want := map[string]string{"FirstPhone": "0383218199", "njExternalLeadId": "A", "Name": "x"}
	if d := cmp.Diff(want, got[0].Fields); d != "" || got[0].Updates != 1 {
		t.Errorf("lead A (-want +got):\n%s", d)
	}
}

// Over the concurrency limit the fake answers 109, and never has more
// calls in flight than the limit.
func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)
	srv.SetLatency(20 * time.Millisecond)
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Go(func() {
			_, codes[i] = post(t, srv, "insertLeadFast", query+"&allowDuplicates=true", "application/json", `{"FirstPhone":"1"}`)
		})
	}
	wg.Wait()
	n109 := 0
	for _, c := range codes {
		if c == 109 {
			n109++
		}
	}
	st := srv.Stats()
	if n109 == 0 || st.MaxInFlight > 2 || srv.LeadCount("2") != 8-n109 {
		t.Errorf("109s %d, max in flight %d, stored %d", n109, st.MaxInFlight, srv.LeadCount("2"))
	}
}

// Injected faults come in order and are used up.
func TestFaultQueue(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.FailNext(1, noojeetest.Busy(0))
	srv.FailNext(1, noojeetest.Exception())
	srv.FailNext(1, fakekit.Status(503))
	var got [][2]int
	for range 4 {
		s, c := post(t, srv, "insertLeadFast", query+"&allowDuplicates=true", "application/json", `{"FirstPhone":"1"}`)
		got = append(got, [2]int{s, c})
	}
	want := [][2]int{{400, 109}, {500, 103}, {503, -1}, {200, 0}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if srv.LeadCount("2") != 1 || srv.Stats().Faults != 3 {
		t.Errorf("stored %d, faults %d", srv.LeadCount("2"), srv.Stats().Faults)
	}
}

// A bulk call is answered in the documented import-summary form: the
// accepted leads are stored, each refused one is a CSV row echoing its
// fields with the code's name as the Error Reason.
func TestBulkAnswerIsTheImportSummary(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.AddDNC("0400 000 002")
	body := `[{"Name":"Ann","FirstPhone":"0400000001","njExternalLeadId":"A"},` +
		`{"Name":"Bob, Jr","FirstPhone":"0400 000 002","njExternalLeadId":"B"},` +
		`{"Name":"Cat","FirstPhone":"0400000001","njExternalLeadId":"C"}]`
	a := testkit.Call(t, http.MethodPost, srv.URL+noojeetest.Path+"insertLeadsFast"+query, map[string]string{"Content-Type": "application/json"}, strings.NewReader(body))
	var got map[string]any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"code": float64(0), "message": "Imported 1 Updated 0 Rejected 2 leads.\n\nErrors (If any):\n" +
		" FirstPhone,Name,njExternalLeadId,Error Reason,\n" +
		"0400 000 002,\"Bob, Jr\",B,DNC,\n" +
		"0400000001,Cat,C,DUPLICATE,\n"}
	if d := cmp.Diff(want, got); d != "" || a.Status != 200 {
		t.Errorf("status %d, answer (-want +got):\n%s", a.Status, d)
	}
	if n := srv.LeadCount("2"); n != 1 || srv.Stats().Rejected != 2 {
		t.Errorf("stored %d, rejected %d; want 1 and 2", n, srv.Stats().Rejected)
	}
}

// RemoveBulkEndpoint: insertLeadsFast answers 404 and writes nothing; the
// one-lead insertLeadFast still works.
func TestRemoveBulkEndpoint(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.RemoveBulkEndpoint()
	if s, c := post(t, srv, "insertLeadsFast", query, "application/json", `[{"FirstPhone":"1"}]`); s != 404 || c != -1 {
		t.Errorf("insertLeadsFast: status %d code %d, want 404 and no code", s, c)
	}
	if s, c := post(t, srv, "insertLeadFast", query, "application/json", `{"FirstPhone":"1"}`); s != 200 || c != 0 {
		t.Errorf("insertLeadFast: status %d code %d", s, c)
	}
	if n, r := srv.LeadCount("2"), srv.Stats().Requests["insertLeadsFast"]; n != 1 || r != 1 {
		t.Errorf("stored %d, insertLeadsFast calls %d; want 1 and 1", n, r)
	}
}

// A storm runs on the fake's clock; counting-only keeps no lead; the
// batch limit is a setter.
func TestStormClockCountOnlyAndMaxBatch(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	clock := srv.UseManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv.BusyFor(time.Minute)
	if _, code := post(t, srv, "insertLeadFast", query, "application/json", `{"FirstPhone":"1"}`); code != 109 {
		t.Errorf("in the storm: code %d, want 109", code)
	}
	clock.Advance(time.Minute)
	srv.SetCountOnly(true)
	if _, code := post(t, srv, "insertLeadFast", query, "application/json", `{"FirstPhone":"1"}`); code != 0 {
		t.Errorf("after the storm: code %d, want 0", code)
	}
	if srv.LeadCount("2") != 0 || srv.Stats().Stored != 1 {
		t.Errorf("count-only: kept %d, counted %d", srv.LeadCount("2"), srv.Stats().Stored)
	}
	srv.SetMaxBatch(1)
	if status, _ := post(t, srv, "insertLeadsFast", query, "application/json", `[{"FirstPhone":"2"},{"FirstPhone":"3"}]`); status != 400 {
		t.Errorf("over the batch limit: HTTP %d, want 400", status)
	}
}

// TestCodeRule: Noojee's codes are numbers, so FailNext refuses a word
// Code (fakekit.FaultRules) instead of answering it as something else.
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := noojeetest.NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, true)
}
