package agiliron_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// docLead is the lead of Agiliron's Add Lead sample (add-lead-1).
func docLead() agiliron.Lead {
	return agiliron.Lead{
		Salutation: "--None--", FirstName: "Test", LastName: "New Lead", Company: "Test Company",
		Designation: "Test Title", Phone: "56412356", Mobile: "7412536589", Fax: "5689746",
		Email: "[email protected]", Industry: "Recreation", SICCode: "10", AnnualRevenue: "65",
		NumberOfEmployees: "25", ContactType: "Customer", LeadSource: "Self Generated", LeadStatus: "Contacted",
		Rating: "Acquired", EmailOptOut: "No", YahooID: "[email protected]",
		CreatedTime: "01-24-2020 05:01:35", ModifiedTime: "01-24-2020 05:05:56",
		Street: "1515 Clay Street", City: "Oakland", State: "CA", Zip: "94624", Country: "United States",
		Description: "The Description Goes here.", AssignedTo: "admin", DefaultCurrency: "USD",
		CustomFields: []agiliron.CustomField{{Name: "CustomFied1", Value: "Custom info 1"}, {Name: "CustomFied2", Value: "Custom info 2"}},
	}
}

// wireFormats are the two formats with their media type and body
// comparison.
func wireFormats(t *testing.T) []struct {
	name      string
	format    agiliron.Format
	mediaType string
	ext       string
	compact   func([]byte) string
} {
	return []struct {
		name      string
		format    agiliron.Format
		mediaType string
		ext       string
		compact   func([]byte) string
	}{
		{"json", agiliron.JSON, "application/json", "json", func(b []byte) string { return compactJSON(t, b) }},
		{"xml", agiliron.XML, "application/xml", "xml", compactXML},
	}
}

// TestGoldenLeadsCreate: AddLeads is POST Leads (Add Lead, the documented
// multi-lead create) on the api-40.php path, with the Add Lead sample's
// body byte for byte, no callback_url or sendRecordNo (Add Lead documents
// neither), and its synchronous answer is the final result: no
// BatchStatus poll.
func TestGoldenLeadsCreate(t *testing.T) {
	for _, tt := range wireFormats(t) {
		t.Run(tt.name, func(t *testing.T) {
			hc := gockClient(t)
			var sent []byte
			gock.New(gockBase).
				Post("/agiliron/api-40.php/Leads").
				AddMatcher(exactQuery("")).
				MatchHeader("apiKey", "^gock-key-123456$").
				MatchHeader("Accept", "^"+tt.mediaType+"$").
				MatchHeader("Content-Type", "^"+tt.mediaType+"; charset=utf-8$").
				AddMatcher(bodyInto(&sent)).
				Reply(200).SetHeader("Content-Type", tt.mediaType).BodyString(string(testkit.Testdata(t, "created."+tt.ext)))
			c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
				agiliron.WithFormat(tt.format), agiliron.WithHTTPClient(hc))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Leads().Create(context.Background(), slices.Values([]agiliron.Lead{docLead()}))
			if err != nil {
				t.Fatal(err)
			}
			if !gock.IsDone() {
				t.Fatalf("pending mocks: %v", gock.Pending())
			}
			if diff := cmp.Diff(tt.compact(testkit.Testdata(t, "add_leads."+tt.ext)), tt.compact(sent)); diff != "" {
				t.Errorf("body differs from the Add Lead sample (-doc +sent):\n%s", diff)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0})
			if diff := cmp.Diff(agiliron.Result{ID: "394607", Record: 1}, rep.Outcomes[0].Result); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if rep.Requests != 1 {
				t.Fatalf("%d requests, want 1 (no BatchStatus poll)", rep.Requests)
			}
		})
	}
}

// TestGoldenLeadsCreateRefused: a non-success answer rejects a lone lead with
// Agiliron's message, and an answer that is not an MCM envelope leaves the
// leads unknown, never sent again.
func TestGoldenLeadsCreateRefused(t *testing.T) {
	hc := gockClient(t)
	gock.New(gockBase).Post("/agiliron/api-40.php/Leads").Times(1).
		Reply(200).SetHeader("Content-Type", "application/json").
		BodyString(`{"MCM":{"response":{"objectType":"Leads"},"parameters":{"results":{"message":{"status":"Error","error_message":"Lead Company cannot be blank"}}}}}`)
	gock.New(gockBase).Post("/agiliron/api-40.php/Leads").Times(1).
		Reply(200).SetHeader("Content-Type", "text/html").BodyString("<html>busy</html>")
	c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
		agiliron.WithHTTPClient(hc), agiliron.WithBatchSize(1), agiliron.WithEngine(batch.Config{Retry: fastRetry}))
	if err != nil {
		t.Fatal(err)
	}
	l := docLead()
	rep, _ := c.Leads().Create(context.Background(), slices.Values([]agiliron.Lead{l, l}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 0, Failed: 2})
	var ae *agiliron.Error
	if o := rep.Outcomes[0]; !rejected(o.Err) || !errors.As(o.Err, &ae) || ae.Message != "Lead Company cannot be blank" {
		t.Fatalf("outcome 0 = %+v", o)
	}
	if o := rep.Outcomes[1]; !errors.Is(o.Err, batch.ErrOutcomeUnknown) || o.Attempts != 1 {
		t.Fatalf("outcome 1 = %+v, want unknown after one attempt", o)
	}
	if !gock.IsDone() || rep.Requests != 2 {
		t.Fatalf("%d requests, pending %v", rep.Requests, gock.Pending())
	}
}

// TestGoldenBulkResources checks the exact wire shape of the four
// Bulk-Contacts and Bulk-Accounts calls in both formats: method, path (the
// api-40.php form), query, headers and body (the docs' samples), then the
// BatchStatus poll whose Response names each record by its own id key.
func TestGoldenBulkResources(t *testing.T) {
	type outcome struct{ id, name string }
	tests := []struct {
		name, method, path, file, objectType, status string
		run                                          func(c *agiliron.Client) (outcome, error)
		want                                         outcome
	}{
		{"add contacts", http.MethodPost, "Bulk-Contacts", "add_contacts", "Contacts",
			`{"SuccessNumber":1,"FailureNumber":0,"Success":[{"Contacts":{"ContactId":5001,"ContactName":"Test New Contact","Record":1}}],"Failure":[]}`,
			func(c *agiliron.Client) (outcome, error) {
				rep, err := c.Contacts().Create(context.Background(), slices.Values([]agiliron.Contact{docContact()}))
				return outcome{rep.Outcomes[0].Result.ID, rep.Outcomes[0].Result.Name}, err
			}, outcome{"5001", "Test New Contact"}},
		{"update contacts", http.MethodPut, "Bulk-Contacts", "update_contacts", "Contacts",
			`{"SuccessNumber":1,"FailureNumber":0,"Success":[{"Contacts":{"ContactId":5001,"ContactName":"Test New Contact","Record":1}}],"Failure":[]}`,
			func(c *agiliron.Client) (outcome, error) {
				ct := docContact()
				ct.ContactID = "5001"
				rep, err := c.Contacts().Update(context.Background(), slices.Values([]agiliron.Contact{ct}))
				return outcome{rep.Outcomes[0].Result.ID, rep.Outcomes[0].Result.Name}, err
			}, outcome{"5001", "Test New Contact"}},
		{"add accounts", http.MethodPost, "Bulk-Accounts", "add_accounts", "Accounts",
			`{"SuccessNumber":1,"FailureNumber":0,"Success":[{"Accounts":{"AccountID":"6548","AccountName":"Test Account1","Record":"1"}}],"Failure":[]}`,
			func(c *agiliron.Client) (outcome, error) {
				rep, err := c.Accounts().Create(context.Background(), slices.Values([]agiliron.Account{docAccount()}))
				return outcome{rep.Outcomes[0].Result.ID, rep.Outcomes[0].Result.Name}, err
			}, outcome{"6548", "Test Account1"}},
		{"update accounts", http.MethodPut, "Bulk-Accounts", "update_accounts", "Accounts",
			`{"SuccessNumber":1,"FailureNumber":0,"Success":[{"Accounts":{"AccountID":6548,"AccountName":"Test Account1","Record":1}}],"Failure":[]}`,
			func(c *agiliron.Client) (outcome, error) {
				a := docAccount()
				a.AccountID = "6548"
				rep, err := c.Accounts().Update(context.Background(), slices.Values([]agiliron.Account{a}))
				return outcome{rep.Outcomes[0].Result.ID, rep.Outcomes[0].Result.Name}, err
			}, outcome{"6548", "Test Account1"}},
	}
	for _, tt := range tests {
		for _, f := range wireFormats(t) {
			t.Run(tt.name+"/"+f.name, func(t *testing.T) {
				hc := gockClient(t)
				var sent []byte
				ack := strings.ReplaceAll(string(testkit.Testdata(t, "ack."+f.ext)), "Leads", tt.objectType)
				mock := gock.New(gockBase)
				if tt.method == http.MethodPut {
					mock = mock.Put("/agiliron/api-40.php/" + tt.path)
				} else {
					mock = mock.Post("/agiliron/api-40.php/" + tt.path)
				}
				mock.
					AddMatcher(exactQuery("sendRecordNo=true")).
					MatchHeader("apiKey", "^gock-key-123456$").
					MatchHeader("Accept", "^"+f.mediaType+"$").
					MatchHeader("Content-Type", "^"+f.mediaType+"; charset=utf-8$").
					AddMatcher(bodyInto(&sent)).
					Reply(200).SetHeader("Content-Type", f.mediaType).BodyString(ack)
				status, _ := jsonString(tt.status)
				gock.New(gockBase).
					Get("/agiliron/api-40.php/BatchStatus/thggii1212kjkl").
					AddMatcher(exactQuery("")).
					Reply(200).SetHeader("Content-Type", "application/json").
					BodyString(`{"BatchStatus":{"Id":"12","BatchId":"thggii1212kjkl","Response":` + status + `,"Status":"Completed"}}`)
				c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
					agiliron.WithFormat(f.format), agiliron.WithHTTPClient(hc), agiliron.WithPollInterval(time.Millisecond))
				if err != nil {
					t.Fatal(err)
				}
				got, err := tt.run(c)
				if err != nil {
					t.Fatal(err)
				}
				if !gock.IsDone() {
					t.Fatalf("pending mocks: %v", gock.Pending())
				}
				if diff := cmp.Diff(f.compact(testkit.Testdata(t, tt.file+"."+f.ext)), f.compact(sent)); diff != "" {
					t.Errorf("body differs from the sample (-doc +sent):\n%s", diff)
				}
				if got != tt.want {
					t.Fatalf("result %+v, want %+v", got, tt.want)
				}
			})
		}
	}
}

// TestGoldenPathStyleWADL: WithPathStyle(PathWADL) keeps the WADL's
// api-40/ form selectable.
func TestGoldenPathStyleWADL(t *testing.T) {
	hc := gockClient(t)
	gock.New(gockBase).Get("/agiliron/api-40/BatchStatus/abc").
		Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(testkit.Testdata(t, "batchstatus_pending.json")))
	c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithPathStyle(agiliron.PathWADL),
		agiliron.WithAPIKey("gock-key-123456"), agiliron.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BatchStatus(context.Background(), "abc"); err != nil || !gock.IsDone() {
		t.Fatalf("err %v, pending %v", err, gock.Pending())
	}
}
