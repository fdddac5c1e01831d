package pardot_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// seenRequest is one request as the scripted server read it.
type seenRequest struct {
	Method, Path, Query, ContentType string
	Parts                            map[string]string // multipart parts by name, or "" for a plain body
	Auth, BusinessUnit               string
}

// TestImportWireShape pins the exact requests of one import: the create
// with its input and file parts, the submit, the status read and the
// errors file, with the OAuth headers.
func TestImportWireShape(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []seenRequest
	)
	answers := map[string]string{
		"POST /api/v5/imports":          `{"id":42,"status":"Open","isExpired":false,"batchesRef":"x"}`,
		"PATCH /api/v5/imports/42":      `{"id":42,"status":"Waiting","isExpired":false}`,
		"GET /api/v5/imports/42":        `{"id":42,"status":"Complete","isExpired":false,"createdCount":1,"updatedCount":0,"errorCount":1,"errorsRef":"x"}`,
		"GET /api/v5/imports/42/errors": "matchEmail,email,firstName,error\r\n,b@example.com,\"Bo, Jr\",Invalid campaign\r\n",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seenRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Parts: map[string]string{},
			Auth: r.Header.Get("Authorization"), BusinessUnit: r.Header.Get("Pardot-Business-Unit-Id")}
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		s.ContentType = mt
		if mt == "multipart/form-data" {
			mr := multipart.NewReader(r.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				s.Parts[p.FormName()+" "+p.FileName()+" "+p.Header.Get("Content-Type")] = string(b)
			}
		} else if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			s.Parts[""] = string(b)
		}
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
		body, ok := answers[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := pardot.New(pardot.WithBaseURL(srv.URL), pardot.WithToken(pardottest.AccessToken, pardottest.BusinessUnitID),
		pardot.WithImportWaitForTest((&waits{}).wait))
	if err != nil {
		t.Fatal(err)
	}
	ps := []pardot.Prospect{{Email: "a@example.com", FirstName: "Ada"}, {Email: "b@example.com", FirstName: "Bo, Jr"}}
	rep, err := c.Prospects().Import(context.Background(), pardot.ImportCreate, slices.Values(ps))
	checkRun(t, rep, err, counts(2, 1, 1, 0))
	wantFailed(t, rep, 1, "Invalid campaign")

	cols := "email,salutation,firstName,lastName,company,website,jobTitle,department,country,addressOne,addressTwo,city,state,territory,zip,phone,fax,source,annualRevenue,employees,industry,yearsInBusiness,comments,notes,campaignId,userId,salesforceOwnerId,isDoNotEmail,isDoNotCall,optedOut"
	empty := strings.Repeat(",", 27) // the 27 columns after firstName
	var input []string
	for _, col := range strings.Split(cols, ",") {
		input = append(input, `{"field":"`+col+`","nullOverwrite":false}`)
	}
	auth, bu := "Bearer "+pardottest.AccessToken, pardottest.BusinessUnitID
	want := []seenRequest{
		{Method: "POST", Path: "/api/v5/imports", ContentType: "multipart/form-data", Auth: auth, BusinessUnit: bu, Parts: map[string]string{
			"file prospects.csv text/csv": "matchEmail," + cols + "\r\n" +
				",a@example.com,,Ada" + empty + "\r\n" +
				",b@example.com,,\"Bo, Jr\"" + empty + "\r\n",
			"input  ": `{"operation":"Upsert","object":"Prospect","createOnNoMatch":true,"columns":[` + strings.Join(input, ",") + `]}`,
		}},
		{Method: "PATCH", Path: "/api/v5/imports/42", ContentType: "application/json", Auth: auth, BusinessUnit: bu,
			Parts: map[string]string{"": `{"status":"Ready"}`}},
		{Method: "GET", Path: "/api/v5/imports/42", Query: "fields=id%2Cstatus%2CisExpired%2CcreatedCount%2CupdatedCount%2CerrorCount%2CerrorsRef",
			Auth: auth, BusinessUnit: bu, Parts: map[string]string{}},
		{Method: "GET", Path: "/api/v5/imports/42/errors", Auth: auth, BusinessUnit: bu, Parts: map[string]string{}},
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}
