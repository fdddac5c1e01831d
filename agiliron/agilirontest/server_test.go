package agilirontest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
)

const oneLead = `{"Leads":{"Lead":[{"LastName":"Doe","Company":"Co"}]}}`

func do(t *testing.T, method, url, ct, key, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if key != "" {
		req.Header.Set("apiKey", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestServerStrictness(t *testing.T) {
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
	if srv.Stats().Batches != 4 || srv.Len() != 1 {
		t.Fatalf("%d batches queued, %d leads added; want 4 (Bulk-*) and 1 (POST Leads)", srv.Stats().Batches, srv.Len())
	}
}

func TestServerBatchLifecycle(t *testing.T) {
	srv := agilirontest.NewServer()
	defer srv.Close()
	srv.SetProcessingDelay(50 * time.Millisecond)
	code, body, h := do(t, http.MethodPost, srv.BaseURL()+"Bulk-Contacts?sendRecordNo=true", "application/json", agilirontest.APIKey,
		`{"Contacts":{"Contact":[{"LastName":"Doe"},{"LastName":""}]}}`)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	ack, err := agiliron.DecodeAck(h.Get("Content-Type"), []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	status := func() *agiliron.BatchStatus {
		_, b, h := do(t, http.MethodGet, srv.BaseURL()+"BatchStatus/"+ack.BatchID, "", agilirontest.APIKey, "")
		st, err := agiliron.DecodeBatchStatus(h.Get("Content-Type"), []byte(b))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := status(); st.Completed() || st.Status != "Processing" {
		t.Fatalf("status right after the ack: %+v", st)
	}
	if len(srv.Contacts()) != 0 {
		t.Fatal("contacts written before processing")
	}
	if err := srv.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := status()
	if !st.Completed() || st.Result.SuccessNumber != 1 || st.Result.FailureNumber != 1 ||
		st.Result.Failure[0].Message != agilirontest.MsgContactLastNameBlank || st.Result.Failure[0].Record != 2 {
		t.Fatalf("final status %+v / %+v", st, st.Result)
	}
	if len(srv.Contacts()) != 1 || srv.Writes(st.Result.Success[0].LeadID) != 1 {
		t.Fatal("the good contact was not stored once")
	}
}

func TestClientOptions(t *testing.T) {
	srv := agilirontest.NewServer()
	defer srv.Close()
	c, err := agiliron.New(srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.AddLeads(context.Background(), []agiliron.Lead{{LastName: "Doe", Company: "Co"}})
	if err != nil || rep.Succeeded != 1 || srv.Len() != 1 {
		t.Fatalf("err %v, report %+v, %d stored", err, rep, srv.Len())
	}
}
