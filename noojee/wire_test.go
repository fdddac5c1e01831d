package noojee_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
)

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

// expect registers one POST to endpoint that must carry exactly query and
// the JSON headers, capturing its body into *body.
func expect(endpoint, query string, body *[]byte, reply string, status int) *gock.Response {
	return gock.New("https://pbx.example.com").
		Post("/servicemanager/rest/CampaignAPI/"+endpoint).
		MatchHeader("Content-Type", "^application/json$").
		MatchHeader("Accept", "^application/json$").
		AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
			if req.URL.RawQuery != query {
				return false, nil
			}
			data, err := testkit.PeekBody(req)
			*body = data
			return err == nil, err
		}).
		Reply(status).
		BodyString(reply)
}

// The exact request of each endpoint, against golden bodies. (gock is
// global: these tests stay serial.)
func TestWireShapes(t *testing.T) {
	defer gock.Off()
	hc := &http.Client{}
	gock.InterceptClient(hc)
	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey("wire-key-123"), noojee.WithHTTPClient(hc),
		noojee.WithEngine(batch.Config{Retry: fastRetry, Concurrency: 1}))
	if err != nil {
		t.Fatal(err)
	}
	tg := target
	tg.AllowDuplicates = true
	camp := c.Campaign(tg)
	const q = "allowDuplicates=true&fAllocationId=3&fCampaignId=42&fTemplateId=7&apiKey=wire-key-123"
	const qNoDup = "fAllocationId=3&fCampaignId=42&fTemplateId=7&apiKey=wire-key-123"
	ctx := context.Background()
	leads := wireLeads()

	t.Run("insertLeadsFast", func(t *testing.T) {
		var body []byte
		expect("insertLeadsFast", q, &body, `{"code":0,"message":"Imported 2 Updated 0 Rejected 0 leads.\n\nErrors (If any):\n Name,FirstPhone,njExternalLeadId,Error Reason,\n"}`, 200)
		rep, err := camp.Create(ctx, slices.Values(leads))
		if err != nil {
			t.Fatal(err)
		}
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 2, Failed: 0, NotAttempted: 0})
		testkit.Golden(t, "insertLeadsFast.json", body)
	})
	t.Run("insertLeadFast", func(t *testing.T) {
		var body []byte
		expect("insertLeadFast", qNoDup, &body, `{"code":0,"message":"OK","leadId":1001}`, 200)
		res, err := c.Campaign(target).CreateOne(ctx, leads[0])
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(noojee.Result{Message: "OK", LeadID: "1001"}, res); d != "" {
			t.Errorf("result (-want +got):\n%s", d)
		}
		testkit.Golden(t, "insertLeadFast.json", body)
	})
	t.Run("updateLeadFast", func(t *testing.T) {
		var body []byte
		expect("updateLeadFast", qNoDup, &body, `{"code":0,"message":"OK"}`, 200)
		upd := noojee.Lead{ExternalID: "CRM-42", Disposition: noojee.NoChange, Fields: map[string]string{"FirstPhone": noojee.NoChange, "City": "Abbotsford"}}
		if _, err := c.Campaign(target).UpdateOne(ctx, upd); err != nil {
			t.Fatal(err)
		}
		testkit.Golden(t, "updateLeadFast.json", body)
	})
	t.Run("109 then OK", func(t *testing.T) {
		var first, second []byte
		expect("insertLeadsFast", qNoDup, &first, `{"code":109,"message":"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}`, 400).SetHeader("Retry-After", "0.001")
		expect("insertLeadsFast", qNoDup, &second, `{"code":0,"message":"Imported 1 Updated 0 Rejected 0 leads."}`, 200)
		rep, err := c.Campaign(target).Create(ctx, slices.Values(leads[1:]))
		if err != nil {
			t.Fatal(err)
		}
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
		if rep.Outcomes[0].Attempts != 2 || !bytes.Equal(first, second) || rep.Requests != 2 {
			t.Errorf("attempts %d, requests %d; resent body equal: %v", rep.Outcomes[0].Attempts, rep.Requests, bytes.Equal(first, second))
		}
	})
	if !gock.IsDone() {
		t.Errorf("unmatched mocks: %d pending", len(gock.Pending()))
	}
}
