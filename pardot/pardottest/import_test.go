package pardottest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// importReq sends one Import API request with the fake's credentials.
func importReq(t *testing.T, srv *Server, method, path, contentType string, body []byte) (int, string) {
	t.Helper()
	a := testkit.Call(t, method, srv.URL+path, map[string]string{"Authorization": "Bearer " + AccessToken,
		"Pardot-Business-Unit-Id": BusinessUnitID, "Content-Type": contentType}, bytes.NewReader(body))
	return a.Status, string(a.Body)
}

// multipartBody builds a body with an optional input and a file part.
func multipartBody(input, file string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if file != "" {
		w, _ := mw.CreateFormFile("file", "p.csv")
		_, _ = io.WriteString(w, file)
	}
	if input != "" {
		_ = mw.WriteField("input", input)
	}
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

const upsert = `{"operation":"Upsert","object":"Prospect"}`

// createImport creates an Open import with file and returns its id path.
func createImport(t *testing.T, srv *Server, file string) string {
	t.Helper()
	body, ct := multipartBody(upsert, file)
	status, got := importReq(t, srv, http.MethodPost, "/api/v5/imports", ct, body)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, got)
	}
	var st struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(got), &st); err != nil || st.Status != "Open" {
		t.Fatalf("create answer %s", got)
	}
	return "/api/v5/imports/" + itoa(int(st.ID))
}

func TestImportRefusesWhatPardotRefuses(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	good := "matchEmail,email,firstName\r\n,a@example.com,Ada\r\n"
	for _, tc := range []struct {
		name, input, file string
	}{
		{"unknown column", upsert, "email,favoriteColor\r\na@example.com,blue\r\n"},
		{"two match columns", upsert, "matchEmail,matchId,email\r\n,,a@example.com\r\n"},
		{"operation", `{"operation":"Insert","object":"Prospect"}`, good},
		{"object", `{"operation":"Upsert","object":"List"}`, good},
		{"no input", "", good},
		{"ready without file", `{"operation":"Upsert","object":"Prospect","status":"Ready"}`, ""},
		{"too large", upsert, "email\r\n" + strings.Repeat("a@example.com\r\n", ImportMaxFileBytes/15+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(tc.input, tc.file)
			if status, got := importReq(t, srv, http.MethodPost, "/api/v5/imports", ct, body); status != http.StatusBadRequest {
				t.Errorf("status %d (%s), want 400", status, got)
			}
		})
	}
}

func TestImportBatchLimitsAndHeader(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	file := "email,firstName\r\na@example.com,Ada\r\n"
	path := createImport(t, srv, file)
	for i := 2; i <= ImportMaxBatches; i++ {
		body, ct := multipartBody("", file)
		if status, got := importReq(t, srv, http.MethodPost, path+"/batches", ct, body); status != http.StatusNoContent {
			t.Fatalf("batch %d: %d %s", i, status, got)
		}
	}
	body, ct := multipartBody("", file)
	if status, _ := importReq(t, srv, http.MethodPost, path+"/batches", ct, body); status != http.StatusBadRequest {
		t.Errorf("batch 11: status %d, want 400", status)
	}
	other := createImport(t, srv, file)
	body, ct = multipartBody("", "firstName,email\r\nAda,b@example.com\r\n")
	if status, _ := importReq(t, srv, http.MethodPost, other+"/batches", ct, body); status != http.StatusBadRequest {
		t.Errorf("a batch with another header: status %d, want 400", status)
	}
}

func TestImportStatesErrorsAndExpiry(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	clock := srv.UseManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	srv.SetImportTiming(time.Minute, time.Minute)
	path := createImport(t, srv, "matchEmail,email,company\r\n,a@example.com,Acme\r\n,bad email,Acme\r\n,c@example.com,"+strings.Repeat("x", 256)+"\r\n")
	read := func() string {
		t.Helper()
		status, got := importReq(t, srv, http.MethodGet, path+"?fields=id,status,createdCount,errorCount", "", nil)
		if status != http.StatusOK {
			t.Fatalf("read: %d %s", status, got)
		}
		return got
	}
	if status, _ := importReq(t, srv, http.MethodGet, path, "", nil); status != http.StatusBadRequest {
		t.Errorf("a read without fields: %d, want 400", status)
	}
	if status, _ := importReq(t, srv, http.MethodGet, path+"/errors", "", nil); status != http.StatusBadRequest {
		t.Errorf("errors of an Open import: %d, want 400", status)
	}
	if status, got := importReq(t, srv, http.MethodPatch, path, "application/json", []byte(`{"status":"Ready"}`)); status != http.StatusOK || !strings.Contains(got, `"Waiting"`) {
		t.Fatalf("submit: %d %s", status, got)
	}
	for _, want := range []string{`"status":"Waiting"`, `"status":"Processing"`, `"status":"Complete"`} {
		if got := read(); !strings.Contains(got, want) {
			t.Errorf("read %s, want %s", got, want)
		}
		clock.Advance(time.Minute)
	}
	if got := read(); !strings.Contains(got, `"createdCount":1`) || !strings.Contains(got, `"errorCount":2`) {
		t.Errorf("complete read %s", got)
	}
	status, got := importReq(t, srv, http.MethodGet, path+"/errors", "", nil)
	want := "matchEmail,email,company,error\r\n,bad email,Acme," + MsgImportInvalidEmail + "\r\n"
	if status != http.StatusOK || !strings.HasPrefix(got, want) || !strings.Contains(got, "Field company exceeds") {
		t.Errorf("errors file %d:\n%s", status, got)
	}
	clock.Advance(ImportResultTTL + time.Hour)
	if status, _ := importReq(t, srv, http.MethodGet, path+"/errors", "", nil); status != http.StatusBadRequest {
		t.Errorf("errors of an expired import: %d, want 400", status)
	}
	stale := createImport(t, srv, "email\r\nz@example.com\r\n")
	clock.Advance(ImportOpenTTL + time.Minute)
	if status, _ := importReq(t, srv, http.MethodPatch, stale, "application/json", []byte(`{"status":"Ready"}`)); status != http.StatusBadRequest {
		t.Errorf("submitting an expired import: %d, want 400", status)
	}
	if srv.Len() != 1 {
		t.Errorf("stored %d, want 1 (the expired import wrote nothing)", srv.Len())
	}
}

func TestImportDailyBatchesAndAuth(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	srv.SetImportDailyBatches(1)
	path := createImport(t, srv, "email\r\na@example.com\r\n")
	body, ct := multipartBody("", "email\r\nb@example.com\r\n")
	if status, _ := importReq(t, srv, http.MethodPost, path+"/batches", ct, body); status != http.StatusBadRequest {
		t.Errorf("a batch over the daily limit: %d, want 400", status)
	}
	a := testkit.Call(t, http.MethodGet, srv.URL+path+"?fields=id", map[string]string{"Authorization": "Bearer not-a-token",
		"Pardot-Business-Unit-Id": BusinessUnitID}, nil)
	if a.Status != http.StatusUnauthorized {
		t.Errorf("unknown token: %d, want 401", a.Status)
	}
}
