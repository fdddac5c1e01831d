package agiliron

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// e2eRecords is how many records one call moves in BenchmarkEndToEnd.
const e2eRecords = 10_000

// BenchmarkEndToEnd creates 10,000 leads and 10,000 contacts through the
// client, against the fake in its own process (count-only, no faults, no
// processing delay), beside a plain net/http + encoding/json loop doing
// the least Agiliron requires, in the same run (testkit.VersusPlain).
// Both use the defaults: JSON, 100 records a request, one request at a
// time (the engine's default concurrency).
//
// Leads: POST Leads (Add Lead) is synchronous; the loop posts each chunk
// and decodes the status and the new ids from the MCM answer.
//
// Contacts: POST Bulk-Contacts is asynchronous and the client, with no
// webhook configured, polls BatchStatus: the first poll after
// min(100 ms, poll interval), then doubling up to the poll interval (5 s).
// The loop does the same: it decodes the batch id from the
// acknowledgement, sleeps 100 ms, GETs BatchStatus (doubling the wait
// while not Completed), and decodes the per-record results (id, record
// number, message) from the Response JSON text. Both sides therefore
// spend about 100 ms a batch asleep: the wall ratio is near 1 by
// construction, and allocations and bytes are what tell them apart.
// ContactsPoll1ms is the same with WithPollInterval(time.Millisecond) on
// the client and 1 ms on the loop, so that the wall times show the work.
func BenchmarkEndToEnd(b *testing.B) {
	b.Run("Leads", func(b *testing.B) {
		base := e2eFake(b)
		c := e2eClient(b, base)
		leads := e2eLeads()
		client := func() error {
			rep, err := c.Leads().Create(context.Background(), slices.Values(leads))
			return testkit.CountsError(rep, err, testkit.Counts{Total: len(leads), Succeeded: len(leads)})
		}
		plain := func() error { return plainCreateLeads(base, leads) }
		testkit.VersusPlain(b, len(leads), client, plain)
	})
	contacts := func(b *testing.B, firstWait, maxWait time.Duration, opts ...Option) {
		base := e2eFake(b)
		c := e2eClient(b, base, opts...)
		recs := e2eContacts()
		client := func() error {
			rep, err := c.Contacts().Create(context.Background(), slices.Values(recs))
			return testkit.CountsError(rep, err, testkit.Counts{Total: len(recs), Succeeded: len(recs)})
		}
		plain := func() error { return plainCreateContacts(base, recs, firstWait, maxWait) }
		testkit.VersusPlain(b, len(recs), client, plain)
	}
	b.Run("Contacts", func(b *testing.B) { contacts(b, firstPoll, defaultPollInterval) })
	b.Run("ContactsPoll1ms", func(b *testing.B) {
		contacts(b, time.Millisecond, time.Millisecond, WithPollInterval(time.Millisecond))
	})
}

// e2eFake starts the fake in its own process, counting only, and returns
// its base URL (ending in a slash).
func e2eFake(b *testing.B) string {
	return testkit.FakeProcess(b, func() string {
		srv := agilirontest.NewServer()
		srv.SetCountOnly(true)
		srv.SetMaxBatch(DefaultBatchSize)
		return srv.BaseURL()
	})
}

// e2eClient is a client with the defaults, against base.
func e2eClient(b *testing.B, base string, opts ...Option) *Client {
	c, err := New(append([]Option{WithBaseURL(base), WithAPIKey(agilirontest.APIKey)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// e2eLeads are 10,000 new leads: the seed's first, each with its own
// name and email.
func e2eLeads() []Lead {
	seed := seedLeads()[0]
	seed.LeadID = ""
	out := make([]Lead, e2eRecords)
	for i := range out {
		out[i] = seed
		out[i].LastName = "Doe" + strconv.Itoa(i)
		out[i].Email = "lead" + strconv.Itoa(i) + "@example.com"
	}
	return out
}

// e2eContacts are 10,000 new contacts, shaped as the seed's first lead.
func e2eContacts() []Contact {
	leads := e2eLeads()
	out := make([]Contact, len(leads))
	for i, l := range leads {
		out[i] = Contact{Salutation: l.Salutation, FirstName: l.FirstName, LastName: l.LastName,
			OfficePhone: l.Phone, Mobile: l.Mobile, AccountName: l.Company, Email: l.Email,
			ContactType: l.ContactType, LeadSource: l.LeadSource, EmailOptOut: l.EmailOptOut,
			MailingStreet: l.Street, MailingCity: l.City, MailingState: l.State, MailingZip: l.Zip,
			MailingCountry: l.Country, CreatedTime: l.CreatedTime, ModifiedTime: l.ModifiedTime,
			CustomFields: l.CustomFields}
	}
	return out
}

// plainCustom is the custom-field wrapper as the plain loop writes it.
type plainCustom struct {
	CustomField []CustomField `json:"CustomField"`
}

// plainLeadJSON is a lead's wire form as a plain struct, for encoding/json.
type plainLeadJSON struct {
	LeadID string `json:"LeadId,omitempty"`
	Salutation, FirstName, LastName, Company, Designation, Phone, Mobile, Fax, Email, Website,
	Industry, SICCode, AnnualRevenue, NumberOfEmployees, ContactType, LeadSource, LeadStatus,
	Rating, EmailOptOut, YahooID, CreatedTime, ModifiedTime, Street, City, State, Zip, Country,
	Description, AssignedTo, AssignedGroupName, DefaultCurrency string
	LeadCustomFields *plainCustom `json:",omitempty"`
}

// plainContactJSON is a contact's wire form as a plain struct.
type plainContactJSON struct {
	Salutation, FirstName, LastName, OfficePhone, Mobile, HomePhone, OtherPhone, Fax, AccountName,
	AccountID, VendorName, VendorID, ContactType, Title, Department, Email, ReportsTo, ReportsToID,
	Assistant, YahooID, AssistantPhone, DoNotCall, EmailOptOut, AssignedToUser, LeadSource,
	Birthday, ContactProfile, MailingStreet, MailingCity, MailingState, MailingZip, MailingCountry,
	OtherStreet, OtherCity, OtherState, OtherZip, OtherCountry, CreatedTime, ModifiedTime,
	Description, B2BCustomer, B2BChannels string
	CustomFields *plainCustom `json:",omitempty"`
}

// plainPost sends body to url with the client's headers and returns the
// answer's body, refusing a non-2xx status.
func plainPost(url string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("apiKey", agilirontest.APIKey)
	_, out, err := testkit.PlainDo(http.DefaultClient, req)
	return out, err
}

// plainMessage is the MCM answer's message: status, batch id, new ids.
type plainMessage struct {
	MCM struct {
		Parameters struct {
			Results struct {
				Message struct {
					Status  string `json:"status"`
					BatchID string `json:"batch_id"`
					// SuccessMessage is text in an acknowledgement, an
					// object holding the new ids in Add Lead's answer.
					SuccessMessage json.RawMessage `json:"success_message"`
				} `json:"message"`
			} `json:"results"`
		} `json:"parameters"`
	} `json:"MCM"`
}

// plainCreateLeads is POST Leads with plain net/http, 100 leads a
// request, one at a time, checking each answer's status and new ids.
func plainCreateLeads(base string, leads []Lead) error {
	for chunk := range slices.Chunk(leads, DefaultBatchSize) {
		wire := make([]plainLeadJSON, len(chunk))
		for i, l := range chunk {
			wire[i] = plainLeadJSON{l.LeadID, l.Salutation, l.FirstName, l.LastName, l.Company, l.Designation,
				l.Phone, l.Mobile, l.Fax, l.Email, l.Website, l.Industry, l.SICCode, l.AnnualRevenue,
				l.NumberOfEmployees, l.ContactType, l.LeadSource, l.LeadStatus, l.Rating, l.EmailOptOut,
				l.YahooID, l.CreatedTime, l.ModifiedTime, l.Street, l.City, l.State, l.Zip, l.Country,
				l.Description, l.AssignedTo, l.AssignedGroupName, l.DefaultCurrency, nil}
			if len(l.CustomFields) > 0 {
				wire[i].LeadCustomFields = &plainCustom{l.CustomFields}
			}
		}
		body, err := json.Marshal(map[string]map[string][]plainLeadJSON{"Leads": {"Lead": wire}})
		if err != nil {
			return err
		}
		out, err := plainPost(base+leadsPath, body)
		if err != nil {
			return err
		}
		var ans plainMessage
		if err := json.Unmarshal(out, &ans); err != nil {
			return err
		}
		msg := ans.MCM.Parameters.Results.Message
		var added struct {
			LeadID []json.Number `json:"lead_id"`
		}
		if err := json.Unmarshal(msg.SuccessMessage, &added); err != nil {
			return err
		}
		if msg.Status != "Success" || len(added.LeadID) != len(chunk) {
			return fmt.Errorf("leads: status %q, %d ids for %d leads", msg.Status, len(added.LeadID), len(chunk))
		}
	}
	return nil
}

// plainStatus is GET BatchStatus's answer, its result as JSON text.
type plainStatus struct {
	BatchStatus struct {
		Status   string
		Response string
	}
}

// plainEntry is one record's entry in a batch result.
type plainEntry struct {
	Contacts struct {
		ContactID json.Number `json:"ContactId"`
		Message   string
		Record    int
	}
}

// plainResult is a batch result: the per-record entries.
type plainResult struct {
	Success, Failure []plainEntry
}

// plainCreateContacts is POST Bulk-Contacts with plain net/http, 100
// contacts a request, one batch at a time, each then waited for on
// BatchStatus as the client waits (first poll after firstWait, then
// doubling up to maxWait)
// and its per-record results checked: every record numbered, given an id,
// and none failed.
func plainCreateContacts(base string, contacts []Contact, firstWait, maxWait time.Duration) error {
	for chunk := range slices.Chunk(contacts, DefaultBatchSize) {
		wire := make([]plainContactJSON, len(chunk))
		for i, c := range chunk {
			wire[i] = plainContactJSON{c.Salutation, c.FirstName, c.LastName, c.OfficePhone, c.Mobile, c.HomePhone,
				c.OtherPhone, c.Fax, c.AccountName, c.AccountID, c.VendorName, c.VendorID, c.ContactType, c.Title,
				c.Department, c.Email, c.ReportsTo, c.ReportsToID, c.Assistant, c.YahooID, c.AssistantPhone,
				c.DoNotCall, c.EmailOptOut, c.AssignedToUser, c.LeadSource, c.Birthday, c.ContactProfile,
				c.MailingStreet, c.MailingCity, c.MailingState, c.MailingZip, c.MailingCountry, c.OtherStreet,
				c.OtherCity, c.OtherState, c.OtherZip, c.OtherCountry, c.CreatedTime, c.ModifiedTime,
				c.Description, c.B2BCustomer, c.B2BChannels, nil}
			if len(c.CustomFields) > 0 {
				wire[i].CustomFields = &plainCustom{c.CustomFields}
			}
		}
		body, err := json.Marshal(map[string]map[string][]plainContactJSON{"Contacts": {"Contact": wire}})
		if err != nil {
			return err
		}
		out, err := plainPost(base+bulkContacts+"?sendRecordNo=true", body)
		if err != nil {
			return err
		}
		var ack plainMessage
		if err := json.Unmarshal(out, &ack); err != nil {
			return err
		}
		msg := ack.MCM.Parameters.Results.Message
		if msg.Status != "Success" || msg.BatchID == "" {
			return fmt.Errorf("contacts: status %q, batch id %q", msg.Status, msg.BatchID)
		}
		res, err := plainWait(base, msg.BatchID, firstWait, maxWait)
		if err != nil {
			return err
		}
		if len(res.Failure) != 0 || len(res.Success) != len(chunk) {
			return fmt.Errorf("contacts: %d succeeded, %d failed of %d", len(res.Success), len(res.Failure), len(chunk))
		}
		for i, e := range res.Success {
			if e.Contacts.Record != i+1 || e.Contacts.ContactID == "" {
				return fmt.Errorf("contacts: entry %d: %+v", i, e)
			}
		}
	}
	return nil
}

// plainWait polls BatchStatus/{id} until it is Completed and returns its
// result.
func plainWait(base, id string, wait, maxWait time.Duration) (*plainResult, error) {
	for {
		time.Sleep(wait)
		wait = min(wait*2, maxWait)
		req, err := http.NewRequest(http.MethodGet, base+"BatchStatus/"+id, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("apiKey", agilirontest.APIKey)
		_, out, err := testkit.PlainDo(http.DefaultClient, req)
		if err != nil {
			return nil, err
		}
		var st plainStatus
		if err := json.Unmarshal(out, &st); err != nil {
			return nil, err
		}
		if st.BatchStatus.Status != "Completed" {
			continue
		}
		var res plainResult
		if err := json.Unmarshal([]byte(st.BatchStatus.Response), &res); err != nil {
			return nil, err
		}
		return &res, nil
	}
}
