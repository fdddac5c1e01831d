package agiliron_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/crmbatch/crmbatch/agiliron"
)

func golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compactJSON removes the whitespace between JSON tokens.
func compactJSON(t testing.TB, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("compact %q: %v", b, err)
	}
	return out.String()
}

var xmlGap = regexp.MustCompile(`>\s+<`)

// compactXML removes the whitespace between XML tags.
func compactXML(b []byte) string {
	return xmlGap.ReplaceAllString(string(bytes.TrimSpace(b)), "><")
}

// seedLeads are the two leads of the seed's Update Bulk Leads sample.
func seedLeads() []agiliron.Lead {
	custom := []agiliron.CustomField{{Name: "Text", Value: "value"}, {Name: "Date", Value: "00-00-0000"}}
	return []agiliron.Lead{{
		LeadID: "123", Salutation: "--None--", FirstName: "John", LastName: "Doe", Company: "Company",
		Phone: "9867675645", Mobile: "9867675645", Email: "[email protected]",
		Industry: "Biotechnology", SICCode: "8889", AnnualRevenue: "5555", NumberOfEmployees: "3",
		ContactType: "Analyst", LeadSource: "Existing Customer", LeadStatus: "Contact in Future",
		Rating: "Acquired", EmailOptOut: "1", CreatedTime: "07-30-2020 06:12:06", ModifiedTime: "07-01-2021 10:35:52",
		Street: "Agiliron, 1515 Clay St", City: "St Oakland", State: "California", Zip: "94612",
		Country: "United States", AssignedTo: "admin", DefaultCurrency: "US Dollar", CustomFields: custom,
	}, {
		LeadID: "456", Salutation: "Mr.", FirstName: "Test", LastName: "Lead", Company: "Company",
		Mobile: "9867675645", Fax: "updoer", Email: "[email protected]", Industry: "--None--",
		SICCode: "0", AnnualRevenue: "0", ContactType: "--None--", LeadSource: "--None--",
		LeadStatus: "--None--", Rating: "--None--", EmailOptOut: "0", YahooID: "[email protected]",
		CreatedTime: "08-13-2020 00:59:18", ModifiedTime: "08-13-2020 01:00:06",
		Street: "Agiliron, 1515 Clay St", City: "St Oakland", State: "CA", Zip: "94612",
		Country: "United States", Description: "description", AssignedTo: "admin",
		DefaultCurrency: "US Dollar", CustomFields: custom,
	}}
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}
