package agilirontest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/internal/fakekit"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

const oneLead = `{"Leads":{"Lead":[{"LastName":"Doe","Company":"Co"}]}}`

func do(t *testing.T, method, url, ct, key, body string) (int, string, http.Header) {
	t.Helper()
	a := testkit.Call(t, method, url, map[string]string{"Content-Type": ct, "apiKey": key}, strings.NewReader(body))
	return a.Status, string(a.Body), a.Header
}

func TestServerStrictness(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	defer srv.Close()
	srv.SetMaxBatch(2)
	bulk := srv.BaseURL() + "Bulk-Leads"
	tests := []struct {
		name, method, url, ct, key, body string
		want                             int
	}{
		{"no key", http.MethodPut, bulk, "application/json", "", oneLead, http.StatusUnauthorized},
		{"wrong key", http.MethodPut, bulk, "application/json", "nope", oneLead, http.StatusUnauthorized},
		{"key in query", http.MethodPut, bulk + "?key=" + agilirontest.APIKey, "application/json", "", oneLead, http.StatusOK},
		{"wadl path", http.MethodPut, srv.URL + agilirontest.WADLPrefix + "Bulk-Leads", "application/json", agilirontest.APIKey, oneLead, http.StatusOK},
		{"post bulk-leads is undocumented", http.MethodPost, bulk, "application/json", agilirontest.APIKey, oneLead, http.StatusMethodNotAllowed},
		{"add contacts", http.MethodPost, srv.BaseURL() + "Bulk-Contacts", "application/json", agilirontest.APIKey, `{"Contacts":{"Contact":[{"LastName":"Doe"}]}}`, http.StatusOK},
		{"update accounts", http.MethodPut, srv.BaseURL() + "Bulk-Accounts", "application/json", agilirontest.APIKey, `{"Accounts":{"Account":{"AccountID":"1","AccountName":"A"}}}`, http.StatusOK},
		{"contacts body for accounts", http.MethodPost, srv.BaseURL() + "Bulk-Accounts", "application/json", agilirontest.APIKey, `{"Contacts":{"Contact":[{"LastName":"Doe"}]}}`, http.StatusBadRequest},
		{"no content type", http.MethodPut, bulk, "", agilirontest.APIKey, oneLead, http.StatusUnsupportedMediaType},
		{"malformed json", http.MethodPut, bulk, "application/json", agilirontest.APIKey, `{"Leads":`, http.StatusBadRequest},
		{"no Leads", http.MethodPut, bulk, "application/json", agilirontest.APIKey, `{"Lead":[]}`, http.StatusBadRequest},
		{"empty", http.MethodPut, bulk, "application/json", agilirontest.APIKey, `{"Leads":{"Lead":[]}}`, http.StatusBadRequest},
		{"xml ok", http.MethodPost, srv.BaseURL() + "Leads", "application/xml", agilirontest.APIKey, `<Leads><Lead><LastName>D</LastName><Company>C</Company></Lead></Leads>`, http.StatusOK},
		{"too many", http.MethodPut, bulk, "application/json", agilirontest.APIKey, `{"Leads":{"Lead":[{},{},{}]}}`, http.StatusBadRequest},
		{"bad callback", http.MethodPut, bulk + "?callback_url=ftp://x", "application/json", agilirontest.APIKey, oneLead, http.StatusBadRequest},
		{"delete", http.MethodDelete, bulk, "", agilirontest.APIKey, "", http.StatusMethodNotAllowed},
		{"unknown batch", http.MethodGet, srv.BaseURL() + "BatchStatus/nope", "", agilirontest.APIKey, "", http.StatusNotFound},
		{"get leads", http.MethodGet, srv.BaseURL() + "Leads", "", agilirontest.APIKey, "", http.StatusMethodNotAllowed},
		{"unknown resource", http.MethodGet, srv.BaseURL() + "Products", "", agilirontest.APIKey, "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body, _ := do(t, tt.method, tt.url, tt.ct, tt.key, tt.body); code != tt.want {
				t.Fatalf("status %d (%s), want %d", code, body, tt.want)
			}
		})
	}
	if srv.Stats().Batches != 4 || len(srv.All(agilirontest.Leads)) != 1 {
		t.Fatalf("%d batches queued, %d leads added; want 4 (Bulk-*) and 1 (POST Leads)", srv.Stats().Batches, len(srv.All(agilirontest.Leads)))
	}
}

// jsonPath reads a JSON body and walks it by keys.
func jsonPath(t *testing.T, body string, keys ...string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %q in %s", k, body)
		}
		v = m[k]
	}
	return v
}

func TestServerBatchLifecycle(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	defer srv.Close()
	srv.UseManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	srv.SetProcessingDelay(time.Hour) // stays Processing until Close
	code, body, _ := do(t, http.MethodPost, srv.BaseURL()+"Bulk-Contacts?sendRecordNo=true", "application/json", agilirontest.APIKey,
		`{"Contacts":{"Contact":[{"LastName":"Doe"},{"LastName":""}]}}`)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	id, _ := jsonPath(t, body, "MCM", "parameters", "results", "message", "batch_id").(string)
	_, st, _ := do(t, http.MethodGet, srv.BaseURL()+"BatchStatus/"+id, "", agilirontest.APIKey, "")
	if jsonPath(t, st, "BatchStatus", "Status") != "Processing" || jsonPath(t, st, "BatchStatus", "RequestStartTime") != "2026-01-02 03:04:05" {
		t.Fatalf("status right after the ack: %s", st)
	}
	if len(srv.All(agilirontest.Contacts)) != 0 {
		t.Fatal("contacts written before processing")
	}
}

func TestServerProcessesABatch(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	defer srv.Close()
	_, body, _ := do(t, http.MethodPost, srv.BaseURL()+"Bulk-Contacts?sendRecordNo=true", "application/xml", agilirontest.APIKey,
		`<Contacts><Contact><LastName>Doe</LastName><CustomFields><CustomField><Name>Tier</Name><Value>Gold</Value></CustomField></CustomFields></Contact><Contact><LastName></LastName></Contact></Contacts>`)
	id, _ := jsonPath(t, body, "MCM", "parameters", "results", "message", "batch_id").(string)
	if err := srv.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, st, _ := do(t, http.MethodGet, srv.BaseURL()+"BatchStatus/"+id, "", agilirontest.APIKey, "")
	resp, _ := jsonPath(t, st, "BatchStatus", "Response").(string)
	if jsonPath(t, st, "BatchStatus", "Status") != "Completed" || !strings.Contains(resp, agilirontest.MsgContactLastNameBlank) ||
		!strings.Contains(resp, `"Record":2`) {
		t.Fatalf("final status %s", st)
	}
	all := srv.All(agilirontest.Contacts)
	if len(all) != 1 || all[0].Custom["Tier"] != "Gold" || srv.Writes(all[0].Get("ContactId")) != 1 {
		t.Fatalf("stored %+v", all)
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	defer srv.Close()
	add := srv.BaseURL() + "Leads"
	post := func() (int, string, error) {
		req, _ := http.NewRequest(http.MethodPost, add, strings.NewReader(oneLead))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("apiKey", agilirontest.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	srv.FailNext(1, fakekit.Status(http.StatusServiceUnavailable))
	srv.FailNext(1, fakekit.Drop())
	srv.FailNext(1, fakekit.DropAfterWrite())
	srv.FailNext(1, fakekit.VendorCode(0, "Error"))
	srv.FailNext(1, fakekit.Malformed())
	if code, _, err := post(); err != nil || code != http.StatusServiceUnavailable {
		t.Errorf("503: %d %v", code, err)
	}
	if _, _, err := post(); err == nil {
		t.Error("drop: an answer came")
	}
	if _, _, err := post(); err == nil {
		t.Error("drop after write: an answer came")
	}
	if code, body, err := post(); err != nil || code != http.StatusOK || !strings.Contains(body, `"status":"Error"`) {
		t.Errorf("vendor code: %d %s %v", code, body, err)
	}
	if code, body, _ := post(); code != http.StatusOK || json.Valid([]byte(body)) {
		t.Errorf("malformed: %d %s", code, body)
	}
	if n := len(srv.All(agilirontest.Leads)); n != 1 {
		t.Errorf("%d leads stored, want 1 (only the drop after write)", n)
	}
	if st := srv.Stats(); st.Requests != 5 || st.Writes != 5 {
		t.Errorf("stats %+v", st)
	}
	srv.SetCountOnly(true)
	if code, _, _ := post(); code != http.StatusOK || len(srv.All(agilirontest.Leads)) != 1 || srv.Stats().Stored != 2 {
		t.Errorf("count only: %d, %d stored, stats %+v", code, len(srv.All(agilirontest.Leads)), srv.Stats())
	}
}

// TestCodeRule: Agiliron's codes are words (the MCM status), so FailNext
// takes a word Code and writes it as given (fakekit.FaultRules).
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := agilirontest.NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, false)
}

// TestDelaysFollowTheManualClock: a batch's processing delay and a
// delayed callback wait on the fake's clock, and syncTime and the
// BatchStatus times read it: the test moves them with Advance, and no
// wall-clock time passes in the fake's waits.
func TestDelaysFollowTheManualClock(t *testing.T) {
	t.Parallel()
	called := make(chan string, 2)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		called <- string(b)
	}))
	defer cb.Close()
	srv := agilirontest.NewServer()
	defer srv.Close()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := srv.UseManualClock(start)
	srv.SetProcessingDelay(time.Minute)
	srv.SetCallbackDelay(time.Hour)
	srv.FailCallbacks(1, agilirontest.CallbackDelayed)
	_, body, _ := do(t, http.MethodPost, srv.BaseURL()+"Bulk-Contacts?callback_url="+cb.URL, "application/json", agilirontest.APIKey,
		`{"Contacts":{"Contact":[{"LastName":"Doe"}]}}`)
	if sync := jsonPath(t, body, "MCM", "response", "syncTime"); sync != "2026-01-02 03:04:05" {
		t.Fatalf("syncTime %v, want the fake's clock", sync)
	}
	id, _ := jsonPath(t, body, "MCM", "parameters", "results", "message", "batch_id").(string)
	status := func() (string, string) {
		_, st, _ := do(t, http.MethodGet, srv.BaseURL()+"BatchStatus/"+id, "", agilirontest.APIKey, "")
		end, _ := jsonPath(t, st, "BatchStatus", "RequestEndTime").(string)
		return jsonPath(t, st, "BatchStatus", "Status").(string), end
	}
	// waitFor polls cond: the bound is generous, only a hung fake hits it.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("never: %s", what)
			}
		}
	}

	clock.Advance(59 * time.Second)
	if st, _ := status(); st != "Processing" || len(srv.All(agilirontest.Contacts)) != 0 {
		t.Fatalf("at 59s of a 1m delay: %s, %d contacts", st, len(srv.All(agilirontest.Contacts)))
	}
	clock.Advance(time.Second)
	waitFor("the batch completes once the clock reaches its delay", func() bool { st, _ := status(); return st == "Completed" })
	if _, end := status(); end != "2026-01-02 03:05:05" {
		t.Fatalf("RequestEndTime %q, want start + 1m on the fake's clock", end)
	}
	// The delayed callback now waits on the clock, an hour from the end.
	waitFor("the callback waits on the clock", func() bool { return clock.Waiting() == 1 })
	clock.Advance(59 * time.Minute)
	if n := srv.Stats().Callbacks; n != 0 || clock.Waiting() != 1 {
		t.Fatalf("at 59m of a 1h callback delay: %d callbacks, %d waiting", n, clock.Waiting())
	}
	clock.Advance(time.Minute)
	select {
	case got := <-called:
		if !strings.Contains(got, `"SuccessNumber":"1"`) {
			t.Fatalf("callback body %s", got)
		}
	case <-time.After(10 * time.Second): // generous: only a hung fake hits it
		t.Fatal("no callback once the clock reached its delay")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Wait(ctx); err != nil || srv.Stats().Callbacks != 1 {
		t.Fatalf("wait: %v, %d callbacks", err, srv.Stats().Callbacks)
	}
}
