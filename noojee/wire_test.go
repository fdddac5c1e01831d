package noojee_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/noojee"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// wireLeads are the leads of the golden requests.
func wireLeads() []noojee.Lead {
	melb := time.FixedZone("AEST", 10*3600)
	return []noojee.Lead{
		{
			Fields:     map[string]string{"Name": "Ada Lovelace", "FirstPhone": "0383218199", "PostCode": "3064", "Note": "says \"hi\" <b>&</b>"},
			ExternalID: "CRM-42", Priority: noojee.PriorityOf(5),
			CallBack: time.Date(2024, 4, 30, 23, 30, 0, 0, time.UTC), CallBackZone: melb,
		},
		{
			Fields:       map[string]string{"Name": "Charles Babbage", "FirstPhone": "0383218200", "City": "Abbotsford"},
			ExternalID:   "CRM-43",
			ContactHours: "Default",
		},
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-golden +got):\n%s", name, d)
	}
}

// expect registers one POST to endpoint that must carry exactly query and
// the JSON headers, capturing its body into *body.
func expect(endpoint, query string, body *[]byte, reply string, status int) {
	gock.New("https://pbx.example.com").
		Post("/servicemanager/rest/CampaignAPI/"+endpoint).
		MatchHeader("Content-Type", "^application/json$").
		MatchHeader("Accept", "^application/json$").
		AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
			if req.URL.RawQuery != query {
				return false, nil
			}
			data, err := io.ReadAll(req.Body)
			if err != nil {
				return false, err
			}
			req.Body = io.NopCloser(bytes.NewReader(data))
			*body = data
			return true, nil
		}).
		Reply(status).
		BodyString(reply)
}

// The exact request of each endpoint, against golden bodies.
func TestWireShapes(t *testing.T) {
	defer gock.Off()
	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey("wire-key-123"),
		noojee.WithConcurrency(1), noojee.WithRetryPolicy(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	gock.InterceptClient(c.HTTPClient())
	tg := target
	tg.AllowDuplicates = true
	camp := c.Campaign(tg)
	const q = "allowDuplicates=true&apiKey=wire-key-123&fAllocationId=3&fCampaignId=42&fTemplateId=7"
	const qNoDup = "apiKey=wire-key-123&fAllocationId=3&fCampaignId=42&fTemplateId=7"
	ctx := context.Background()
	leads := wireLeads()

	t.Run("insertLeadsFast", func(t *testing.T) {
		var body []byte
		expect(noojee.EndpointInsertLeadsFast, q, &body, `{"code":0,"message":"Imported 2 Updated 0 Rejected 0 leads.\n\nErrors (If any):\n Name,FirstPhone,njExternalLeadId,Error Reason,\n"}`, 200)
		rep, err := camp.InsertLeads(ctx, leads)
		if err != nil {
			t.Fatal(err)
		}
		checkCounts(t, rep, 2, 2, 0, 0)
		golden(t, "insertLeadsFast.json", body)
	})
	t.Run("insertLeadFast", func(t *testing.T) {
		var body []byte
		expect(noojee.EndpointInsertLeadFast, qNoDup, &body, `{"code":0,"message":"OK","leadId":1001}`, 200)
		res, err := c.Campaign(target).InsertLead(ctx, leads[0])
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(noojee.Result{Code: noojee.CodeOK, Message: "OK", LeadID: "1001"}, res); d != "" {
			t.Errorf("result (-want +got):\n%s", d)
		}
		golden(t, "insertLeadFast.json", body)
	})
	t.Run("updateLeadFast", func(t *testing.T) {
		var body []byte
		expect(noojee.EndpointUpdateLeadFast, qNoDup, &body, `{"code":0,"message":"OK"}`, 200)
		upd := noojee.Lead{ExternalID: "CRM-42", Disposition: noojee.NoChange, Fields: map[string]string{"FirstPhone": noojee.NoChange, "City": "Abbotsford"}}
		if _, err := c.Campaign(target).UpdateLead(ctx, upd); err != nil {
			t.Fatal(err)
		}
		golden(t, "updateLeadFast.json", body)
	})
	t.Run("109 then OK", func(t *testing.T) {
		var first, second []byte
		expect(noojee.EndpointInsertLeadFast, qNoDup, &first, `{"code":109,"message":"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}`, 400)
		expect(noojee.EndpointInsertLeadFast, qNoDup, &second, `{"code":0,"message":"OK"}`, 200)
		rep, err := c.Campaign(target).InsertEach(ctx, leads[1:])
		if err != nil {
			t.Fatal(err)
		}
		checkCounts(t, rep, 1, 1, 0, 0)
		if rep.Outcomes[0].Attempts != 2 || !bytes.Equal(first, second) {
			t.Errorf("attempts %d; resent body equal: %v", rep.Outcomes[0].Attempts, bytes.Equal(first, second))
		}
	})
	if !gock.IsDone() {
		t.Errorf("unmatched mocks: %d pending", len(gock.Pending()))
	}
}
