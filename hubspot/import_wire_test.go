package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// uploaded is what one POST /crm/v3/imports carried, part by part.
type uploaded struct {
	ContentType  string
	Fields       []string // form field names in order
	FileName     string
	FileType     string
	ImportReqest string // compact JSON
	CSV          string
}

// readUpload parses the multipart body of an import upload.
func readUpload(req *http.Request) (uploaded, error) {
	var u uploaded
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil {
		return u, err
	}
	u.ContentType = mt
	body, err := testkit.PeekBody(req)
	if err != nil {
		return u, err
	}
	if int64(len(body)) != req.ContentLength {
		return u, errors.New("Content-Length differs from the body")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return u, err
		}
		data, _ := io.ReadAll(p)
		u.Fields = append(u.Fields, p.FormName())
		switch p.FormName() {
		case "importRequest":
			var b bytes.Buffer
			if err := json.Compact(&b, data); err != nil {
				return u, err
			}
			u.ImportReqest = b.String()
		case "files":
			u.FileName, u.FileType, u.CSV = p.FileName(), p.Header.Get("Content-Type"), string(data)
		}
	}
}

// TestWireImport pins the import's requests: the multipart upload (the
// importRequest JSON and the CSV), the state read and the errors pages,
// and places HubSpot's documented error shape back on its record.
func TestWireImport(t *testing.T) {
	defer gock.Off()
	c := gockClient(t, WithImports(ImportConfig{PollInterval: 1}))
	var up uploaded
	var upErr error
	gock.New(gockBase).Post("/crm/v3/imports").
		AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
			up, upErr = readUpload(req)
			return req.Header.Get("Authorization") == "Bearer pat-test-token", nil
		}).
		Reply(200).JSON(map[string]any{"id": "74312", "state": "STARTED", "createdAt": "2026-11-29T10:00:00Z",
		"metadata": map[string]any{"counters": map[string]int{}, "fileIds": []string{"1"}}})
	gock.New(gockBase).Get("/crm/v3/imports/74312").Reply(200).JSON(map[string]any{"id": "74312", "state": "PROCESSING"})
	gock.New(gockBase).Get("/crm/v3/imports/74312").Reply(200).
		JSON(map[string]any{"id": "74312", "state": "DONE", "metadata": map[string]any{"counters": map[string]int{"TOTAL_ROWS": 3, "CREATED_OBJECTS": 1}}})
	gock.New(gockBase).Get("/crm/v3/imports/74312/errors").
		MatchParams(map[string]string{"limit": "100", "includeErrorMessage": "true", "includeRowData": "true"}).
		ParamPresent("limit").
		AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) { return req.URL.Query().Get("after") == "", nil }).
		Reply(200).BodyString(`{"results":[{"createdAt":1764410400000,"errorType":"INVALID_EMAIL","id":"e1","errorMessage":"Email address b@ is invalid","invalidValue":"b@","knownColumnNumber":0,"objectType":"CONTACT","objectTypeId":"0-1","sourceData":{"rowData":["b@","B",""],"lineNumber":3,"fileId":1}}],"paging":{"next":{"after":"MQ==","link":"x"}}}`)
	gock.New(gockBase).Get("/crm/v3/imports/74312/errors").MatchParam("after", "MQ==").
		Reply(200).BodyString(`{"results":[{"errorType":"INVALID_ENUMERATION_OPTION","errorMessage":"\"Gold\" is not an option of tier","sourceData":{"lineNumber":4}}]}`)

	in := []UpsertInput{
		{IDProperty: "email", ID: "a@example.com", Properties: Properties{"firstname": "A", "tier": "Silver"}},
		{IDProperty: "email", ID: "b@", Properties: Properties{"firstname": "B"}},
		{IDProperty: "email", ID: "c@example.com", Properties: Properties{"tier": "Gold", "firstname": `C "the" third, esq.`}},
	}
	rep, err := c.Objects("contacts").ImportUpsert(context.Background(), slices.Values(in))
	if upErr != nil {
		t.Fatal(upErr)
	}
	if !gock.IsDone() {
		t.Fatalf("pending mocks: %d", len(gock.Pending()))
	}
	want := uploaded{
		ContentType: "multipart/form-data", Fields: []string{"importRequest", "files"},
		FileName: "crmbatch-1.csv", FileType: "text/csv",
		ImportReqest: `{"name":"crmbatch contacts upsert part 1","importOperations":{"0-1":"UPSERT"},"files":[{"fileName":"crmbatch-1.csv","fileFormat":"CSV","fileImportPage":{"hasHeader":true,"columnMappings":[` +
			`{"columnObjectTypeId":"0-1","columnName":"email","propertyName":"email","columnType":"HUBSPOT_ALTERNATE_ID"},` +
			`{"columnObjectTypeId":"0-1","columnName":"firstname","propertyName":"firstname"},` +
			`{"columnObjectTypeId":"0-1","columnName":"tier","propertyName":"tier"}]}}]}`,
		CSV: "email,firstname,tier\na@example.com,A,Silver\nb@,B,\nc@example.com,\"C \"\"the\"\" third, esq.\",Gold\n",
	}
	if diff := cmp.Diff(want, up); diff != "" {
		t.Fatalf("upload (-want +got):\n%s", diff)
	}
	if rep.Requests != 5 || rep.Succeeded != 1 || rep.Failed != 2 || !errors.Is(err, batch.ErrInvalid) {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	for i, msg := range map[int]string{1: "Email address b@ is invalid", 2: `"Gold" is not an option of tier`} {
		o, _ := rep.Outcome(i)
		var e *Error
		if !errors.As(o.Err, &e) || e.Message != msg || o.Status != batch.Failed {
			t.Errorf("record %d: %+v, want failed with %q", i, o, msg)
		}
	}
}

// FuzzImportErrors feeds arbitrary answers to the errors page decoder and
// the placement of each error: never a panic, every error counted, and a
// line outside the file is never placed.
func FuzzImportErrors(f *testing.F) {
	f.Add([]byte(`{"results":[{"errorType":"INVALID_EMAIL","errorMessage":"x","sourceData":{"rowData":["b@"],"lineNumber":3}}],"paging":{"next":{"after":"1"}}}`))
	f.Add([]byte(`{"results":[{"sourceData":{"lineNumber":-4}},{"sourceData":{"lineNumber":99999999999}}]}`))
	f.Add([]byte(`{"results":null,"paging":{"next":null}}`))
	c, err := New(WithToken("t"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var page importErrorsPage
		if json.Unmarshal(data, &page) != nil {
			return
		}
		r := newImportRun(c.Objects("contacts"), opUpsert)
		p := &importPart{file: &csvFile{rows: 3}, byLine: map[int]*Error{}, byKey: map[string]*Error{}, lineKey: map[int]string{}}
		for i := range page.Results {
			r.place(p, &page.Results[i])
		}
		for row := range p.byLine {
			if row < 1 || row > 3 {
				t.Fatalf("placed on row %d of 3", row)
			}
		}
		if p.listed != len(page.Results) || p.unplaced > p.listed {
			t.Fatalf("%d errors read, %d counted, %d unplaced", len(page.Results), p.listed, p.unplaced)
		}
	})
}
