package agiliron

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
)

// benchLeads are 100 full leads (the seed's first, varied).
func benchLeads() []Lead {
	seed := seedLeads()[0]
	out := make([]Lead, 100)
	for i := range out {
		out[i] = seed
		out[i].LeadID = ""
		out[i].Email = "lead" + string(rune('a'+i%26)) + "@example.com"
	}
	return out
}

// plainLeadWire is a lead as a plain struct, for the baselines.
type plainLeadWire struct {
	Salutation, FirstName, LastName, Company, Designation, Phone, Mobile, Fax, Email, Website,
	Industry, SICCode, AnnualRevenue, NumberOfEmployees, ContactType, LeadSource, LeadStatus,
	Rating, EmailOptOut, YahooID, CreatedTime, ModifiedTime, Street, City, State, Zip, Country,
	Description, AssignedTo, AssignedGroupName, DefaultCurrency string
	LeadCustomFields struct{ CustomField []CustomField }
}

func plainLeads(in []Lead) []plainLeadWire {
	out := make([]plainLeadWire, len(in))
	for i, l := range in {
		out[i] = plainLeadWire{l.Salutation, l.FirstName, l.LastName, l.Company, l.Designation, l.Phone, l.Mobile,
			l.Fax, l.Email, l.Website, l.Industry, l.SICCode, l.AnnualRevenue, l.NumberOfEmployees, l.ContactType,
			l.LeadSource, l.LeadStatus, l.Rating, l.EmailOptOut, l.YahooID, l.CreatedTime, l.ModifiedTime,
			l.Street, l.City, l.State, l.Zip, l.Country, l.Description, l.AssignedTo, l.AssignedGroupName,
			l.DefaultCurrency, out[i].LeadCustomFields}
		out[i].LeadCustomFields.CustomField = l.CustomFields
	}
	return out
}

func BenchmarkEncodeLeadsJSON(b *testing.B) {
	leads := benchLeads()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeLeads(JSON, leads); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeLeadsJSONBaseline is encoding/json on a plain struct.
func BenchmarkEncodeLeadsJSONBaseline(b *testing.B) {
	leads := map[string]any{"Leads": map[string]any{"Lead": plainLeads(benchLeads())}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(leads); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeLeadsXML(b *testing.B) {
	leads := benchLeads()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeLeads(XML, leads); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeLeadsXMLBaseline is encoding/xml on a plain struct.
func BenchmarkEncodeLeadsXMLBaseline(b *testing.B) {
	type env struct {
		XMLName xml.Name        `xml:"Leads"`
		Lead    []plainLeadWire `xml:"Lead"`
	}
	leads := env{Lead: plainLeads(benchLeads())}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xml.Marshal(leads); err != nil {
			b.Fatal(err)
		}
	}
}

// resultBody is a webhook body in the seed's JSON shape for 100 leads:
// 95 successes under "Leads", 5 failures under "Product".
func resultBody() []byte {
	var succ, fail []map[string]string
	for i := range 100 {
		rec := strconv.Itoa(i + 1)
		if i%20 == 7 {
			fail = append(fail, map[string]string{"LeadId": "", "Message": "Lead Last Name cannot be blank", "Record": rec})
			continue
		}
		succ = append(succ, map[string]string{"LeadId": strconv.Itoa(5000 + i), "LeadName": "Ada Lovelace" + rec, "Record": rec})
	}
	b, _ := json.Marshal(map[string]any{"result": map[string]any{
		"SuccessNumber": strconv.Itoa(len(succ)), "FailureNumber": strconv.Itoa(len(fail)),
		"Success": map[string]any{"Leads": succ}, "Failure": map[string]any{"Product": fail}}})
	return b
}

// BenchmarkDecodeResultJSON decodes a 100-lead webhook body with the
// variant-tolerant decoder.
func BenchmarkDecodeResultJSON(b *testing.B) {
	body := resultBody()
	b.ReportAllocs()
	for b.Loop() {
		r, err := decodeResult("application/json", body)
		if err != nil || len(r.Success) != 95 || len(r.Failure) != 5 {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkDecodeResultJSONBaseline is encoding/json into a struct that
// fits this one variant only.
func BenchmarkDecodeResultJSONBaseline(b *testing.B) {
	body := resultBody()
	type entry struct{ LeadId, LeadName, Message, Record string }
	b.ReportAllocs()
	for b.Loop() {
		var v struct {
			Result struct {
				SuccessNumber, FailureNumber string
				Success                      struct{ Leads []entry }
				Failure                      struct{ Product []entry }
			} `json:"result"`
		}
		if err := json.Unmarshal(body, &v); err != nil || len(v.Result.Success.Leads) != 95 {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddContactsWebhook is end-to-end through Bulk-Contacts: 1000
// contacts in 10 batches of 100, 4 pending at once, results by webhook,
// against the fake.
func BenchmarkAddContactsWebhook(b *testing.B) {
	srv := agilirontest.NewServer()
	defer srv.Close()
	hook, _ := NewWebhookHandler(GenerateSecret())
	hs := httptest.NewServer(hook)
	defer hs.Close()
	c, err := New(WithBaseURL(srv.BaseURL()), WithAPIKey(agilirontest.APIKey),
		WithWebhook(hook, hs.URL), WithEngine(batch.Config{Concurrency: 4}))
	if err != nil {
		b.Fatal(err)
	}
	benchAdd(b, c)
}

// BenchmarkAddContactsPolling is BenchmarkAddContactsWebhook without a
// webhook: results from BatchStatus, polled every 1 ms at most.
func BenchmarkAddContactsPolling(b *testing.B) {
	srv := agilirontest.NewServer()
	defer srv.Close()
	c, err := New(WithBaseURL(srv.BaseURL()), WithAPIKey(agilirontest.APIKey),
		WithEngine(batch.Config{Concurrency: 4}), WithPollInterval(time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	benchAdd(b, c)
}

// BenchmarkAddContactsPlainHTTP is the baseline: the same 10 POSTs made
// with plain net/http, 4 at once, each then polling BatchStatus every 1 ms.
func BenchmarkAddContactsPlainHTTP(b *testing.B) {
	srv := agilirontest.NewServer()
	defer srv.Close()
	body, _ := encodeContacts(JSON, benchContacts())
	post := func() error {
		req, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"Bulk-Contacts?sendRecordNo=true", bytes.NewReader(body))
		req.Header.Set("apiKey", agilirontest.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		var ack struct {
			MCM struct {
				Parameters struct {
					Results struct {
						Message struct {
							BatchID string `json:"batch_id"`
						} `json:"message"`
					} `json:"results"`
				} `json:"parameters"`
			} `json:"MCM"`
		}
		err = json.NewDecoder(resp.Body).Decode(&ack)
		resp.Body.Close()
		if err != nil {
			return err
		}
		for {
			req, _ := http.NewRequest(http.MethodGet, srv.BaseURL()+"BatchStatus/"+ack.MCM.Parameters.Results.Message.BatchID, nil)
			req.Header.Set("apiKey", agilirontest.APIKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			var st struct{ BatchStatus struct{ Status string } }
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if st.BatchStatus.Status == "Completed" {
				return nil
			}
			time.Sleep(time.Millisecond)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		sem := make(chan struct{}, 4)
		errs := make(chan error, 10)
		for range 10 {
			sem <- struct{}{}
			go func() { errs <- post(); <-sem }()
		}
		for range 10 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchContacts is benchLeads as contacts.
func benchContacts() []Contact {
	leads := benchLeads()
	out := make([]Contact, len(leads))
	for i, l := range leads {
		out[i] = Contact{FirstName: l.FirstName, LastName: l.LastName, AccountName: l.Company,
			Email: l.Email, OfficePhone: l.Phone, LeadSource: l.LeadSource, CustomFields: l.CustomFields}
	}
	return out
}

// benchAdd adds 1,000 contacts (10 requests of benchContacts) per
// iteration.
func benchAdd(b *testing.B, c *Client) {
	contacts := make([]Contact, 0, 1000)
	for range 10 {
		contacts = append(contacts, benchContacts()...)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, _ := c.Contacts().Create(context.Background(), slices.Values(contacts))
		if rep.Succeeded != 1000 {
			b.Fatalf("%d succeeded", rep.Succeeded)
		}
	}
}
