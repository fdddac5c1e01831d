package hubspottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// upload posts an import of csv with the given importRequest JSON; the
// fields are written in the order given ("importRequest", "files").
func upload(t *testing.T, srv *Server, req, csv string, order ...string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if len(order) == 0 {
		order = []string{"importRequest", "files"}
	}
	for _, f := range order {
		switch f {
		case "importRequest":
			_ = mw.WriteField("importRequest", req)
		case "files":
			w, _ := mw.CreateFormFile("files", "f.csv")
			_, _ = io.WriteString(w, csv)
		}
	}
	_ = mw.Close()
	return do(t, http.MethodPost, srv.BaseURL()+"/crm/v3/imports", mw.FormDataContentType(), &body)
}

// get reads path from the fake.
func get(t *testing.T, srv *Server, path string) (int, map[string]any) {
	t.Helper()
	return do(t, http.MethodGet, srv.BaseURL()+path, "", nil)
}

// do sends one request with the fake's token and decodes the JSON answer
// (nil when it is not JSON).
func do(t *testing.T, method, url, contentType string, body io.Reader) (int, map[string]any) {
	t.Helper()
	a := testkit.Call(t, method, url, map[string]string{"Content-Type": contentType, "Authorization": "Bearer " + DefaultToken}, body)
	var out map[string]any
	_ = json.Unmarshal(a.Body, &out)
	return a.Status, out
}

// waitApplied waits until the fake has applied every row of import id
// (in the background; its state still follows the fake's clock).
func waitApplied(srv *Server, id string) {
	for {
		srv.mu.Lock()
		done := srv.findImport(id).finished
		srv.mu.Unlock()
		if done {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// errorLines reads every page of import id's errors, one line per error:
// its lineNumber, errorType and rowData.
func errorLines(t *testing.T, srv *Server, id string) []string {
	t.Helper()
	var lines []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("errors page in a loop")
		}
		_, p := get(t, srv, "/crm/v3/imports/"+id+"/errors?limit=2&includeErrorMessage=true&includeRowData=true&after="+after)
		for _, r := range p["results"].([]any) {
			e := r.(map[string]any)
			sd := e["sourceData"].(map[string]any)
			lines = append(lines, fmt.Sprintf("%v %v %v %v", sd["lineNumber"], e["errorType"], e["errorMessage"], sd["rowData"]))
		}
		paging, _ := p["paging"].(map[string]any)
		if paging == nil {
			return lines
		}
		after = paging["next"].(map[string]any)["after"].(string)
	}
}

const upsertByEmail = `{"name":"t","importOperations":{"0-1":"UPSERT"},"files":[{"fileName":"f.csv","fileFormat":"CSV","fileImportPage":{"hasHeader":true,"columnMappings":[` +
	`{"columnObjectTypeId":"0-1","columnName":"email","propertyName":"email","columnType":"HUBSPOT_ALTERNATE_ID"},` +
	`{"columnObjectTypeId":"0-1","columnName":"firstname","propertyName":"firstname"}]}}]}`

func TestImportStatesAndErrorPages(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	clock := srv.UseManualClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv.SetImportSpeed(1) // 5 rows: 5 s
	csv := "email,firstname\na@x.com,A\nbad-1,B\nc@x.com,C\nbad-2,D\nbad-3,E,extra\n"
	// The file may come before the importRequest.
	status, ans := upload(t, srv, upsertByEmail, csv, "files", "importRequest")
	if status != 200 || ans["state"] != "STARTED" {
		t.Fatalf("%d %v", status, ans)
	}
	id := ans["id"].(string)
	// Wait for the rows to be applied (in the background), then read the
	// states as the clock moves.
	waitApplied(srv, id)
	clock.Advance(2 * time.Second)
	if _, a := get(t, srv, "/crm/v3/imports/"+id); a["state"] != "PROCESSING" {
		t.Fatalf("at 2 s: %v", a)
	}
	clock.Advance(3 * time.Second)
	_, a := get(t, srv, "/crm/v3/imports/"+id)
	counters := a["metadata"].(map[string]any)["counters"].(map[string]any)
	if a["state"] != "DONE" || counters["CREATED_OBJECTS"] != 2.0 || counters["ERRORS"] != 3.0 {
		t.Fatalf("at 5 s: %v", a)
	}
	lines := errorLines(t, srv, id)
	want := []string{
		"3 INVALID_EMAIL Email address bad-1 is invalid [bad-1 B]",
		"5 INVALID_EMAIL Email address bad-2 is invalid [bad-2 D]",
		"6 INCORRECT_NUMBER_OF_COLUMNS Expected 2 columns but found 3 [bad-3 E extra]",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if o, ok := srv.Find("contacts", "email", "c@x.com"); !ok || o.Properties["firstname"] != "C" {
		t.Fatalf("c@x.com: %+v %v", o, ok)
	}
}

func TestImportRefusals(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	tooMany := "email,firstname\n" + strings.Repeat("a@x.com,A\n", MaxImportFileRows)
	for name, tc := range map[string]struct{ req, csv string }{
		"no name":           {strings.Replace(upsertByEmail, `"name":"t"`, `"name":""`, 1), "email\na@x.com\n"},
		"unknown field":     {strings.Replace(upsertByEmail, `"name":"t"`, `"name":"t","bogus":1`, 1), "email\na@x.com\n"},
		"unmapped column":   {upsertByEmail, "email,phone\na@x.com,1\n"},
		"no id column":      {strings.Replace(upsertByEmail, `,"columnType":"HUBSPOT_ALTERNATE_ID"`, "", 1), "email\na@x.com\n"},
		"bad operation":     {strings.Replace(upsertByEmail, `"UPSERT"`, `"MERGE"`, 1), "email\na@x.com\n"},
		"too many rows":     {upsertByEmail, tooMany},
		"missing file part": {upsertByEmail, ""},
	} {
		order := []string{"importRequest", "files"}
		if tc.csv == "" {
			order = order[:1]
		}
		if status, ans := upload(t, srv, tc.req, tc.csv, order...); status != http.StatusBadRequest {
			t.Errorf("%s: %d %v", name, status, ans)
		}
	}
	if n := len(srv.Imports()); n != 0 {
		t.Fatalf("%d imports created by refused uploads", n)
	}
}

func TestImportQuirks(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	csv := "email,firstname\na@x.com,A\nbad-1,B\nc@x.com,C\nbad-2,D\nbad-3,E,extra\n"
	srv.SetImportQuirks(ImportQuirks{
		Unlisted:     1,
		CounterDelta: map[string]int{"CREATED_OBJECTS": 1, "UNIQUE_OBJECTS_WRITTEN": 7},
		Rewrite: func(e ImportError) ImportError {
			if e.LineNumber == 3 {
				e.LineNumber, e.RowData[0] = 0, "nobody@x.com"
			}
			return e
		},
	})
	_, ans := upload(t, srv, upsertByEmail, csv)
	id := ans["id"].(string)
	waitApplied(srv, id)
	_, a := get(t, srv, "/crm/v3/imports/"+id)
	counters := a["metadata"].(map[string]any)["counters"].(map[string]any)
	if a["state"] != "DONE" || counters["CREATED_OBJECTS"] != 3.0 || counters["ERRORS"] != 3.0 || counters["UNIQUE_OBJECTS_WRITTEN"] != 7.0 || counters["TOTAL_ROWS"] != 5.0 {
		t.Fatalf("counters %v, want CREATED_OBJECTS 2+1, ERRORS 3 (unlisted ones counted), UNIQUE_OBJECTS_WRITTEN 7", a)
	}
	want := []string{
		"0 INVALID_EMAIL Email address bad-1 is invalid [nobody@x.com B]",
		"5 INVALID_EMAIL Email address bad-2 is invalid [bad-2 D]",
	}
	if lines := errorLines(t, srv, id); strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got := srv.Imports()[0].Errors[0]; got.LineNumber != 3 || got.RowData[0] != "bad-1" {
		t.Fatalf("the rewrite changed the stored error: %+v", got)
	}
	srv.SetImportQuirks(ImportQuirks{NoCounters: true})
	_, ans = upload(t, srv, upsertByEmail, csv)
	id = ans["id"].(string)
	waitApplied(srv, id)
	if _, a := get(t, srv, "/crm/v3/imports/"+id); a["state"] != "DONE" || a["metadata"].(map[string]any)["counters"] != nil {
		t.Fatalf("NoCounters: %v", a)
	}
	srv.SetImportQuirks(ImportQuirks{})
	_, ans = upload(t, srv, upsertByEmail, csv)
	id = ans["id"].(string)
	waitApplied(srv, id)
	if len(errorLines(t, srv, id)) != 3 {
		t.Fatal("quirks not cleared")
	}
}
