package agiliron

import (
	"encoding/json"
	"encoding/xml"
	"strconv"
	"testing"
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
