package agiliron

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

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
func seedLeads() []Lead {
	custom := []CustomField{{Name: "Text", Value: "value"}, {Name: "Date", Value: "00-00-0000"}}
	return []Lead{{
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

// Test-only shortcuts over the record codecs.
func encodeLeads(f Format, in []Lead) ([]byte, error)       { return encodeRecords(leadSpec, f, in) }
func encodeContacts(f Format, in []Contact) ([]byte, error) { return encodeRecords(contactSpec, f, in) }
func encodeAccounts(f Format, in []Account) ([]byte, error) { return encodeRecords(accountSpec, f, in) }
func decodeLeads(ct string, b []byte) ([]Lead, error)       { return decodeRecords(leadSpec, ct, b) }
func decodeContacts(ct string, b []byte) ([]Contact, error) { return decodeRecords(contactSpec, ct, b) }
func decodeAccounts(ct string, b []byte) ([]Account, error) { return decodeRecords(accountSpec, ct, b) }

// docContact is the first contact of the Add Bulk Contacts sample
// (add-bulk-contacts-1).
func docContact() Contact {
	return Contact{
		Salutation: "--None--", FirstName: "Test", LastName: "New Contact", OfficePhone: "56412356",
		Mobile: "7412536589", HomePhone: "56412356", Fax: "5689746", AccountName: "Account1", AccountID: "234",
		VendorName: "Vendor1", VendorID: "30", ContactType: "Competitor", Title: "Test Title",
		Department: "Test Department", Email: "[email protected]", YahooID: "[email protected]",
		AssistantPhone: "5989654", DoNotCall: "0", EmailOptOut: "0", AssignedToUser: "Administrator",
		LeadSource: "Self Generated", Birthday: "01-21-2020", ContactProfile: "Buyer",
		MailingStreet: "1515 Clay Street", MailingCity: "Oakland", MailingState: "CA", MailingZip: "94624",
		MailingCountry: "United States", OtherStreet: "1515 Clay Street", OtherCity: "Oakland", OtherState: "CA",
		OtherZip: "94624", OtherCountry: "United States", CreatedTime: "01-24-2020 05:32:01",
		ModifiedTime: "01-24-2020 05:32:01", Description: "The Description Goes here.", B2BCustomer: "Yes",
		B2BChannels:  "Ebay",
		CustomFields: []CustomField{{Name: "CustomFied1", Value: "Custom info 1"}, {Name: "CustomFied2", Value: "Custom info 2"}},
	}
}

// docAccount is the account of the Add Bulk Accounts sample
// (add-bulk-accounts, up to TickerSymbol) completed from the Read Account
// sample (read-account-1), whose copy here ends at ModifiedTime.
func docAccount() Account {
	return Account{
		AccountNumber: "105835", AccountName: "Test Account1", Website: "www.abc.com", Telephone: "56412356",
		Fax: "5689746", OtherPhone: "56984663", Email: "[email protected]", Employees: "25",
		OtherEmail: "[email protected]", Ownership: "Ownership info", Rating: "none", Industry: "Recreation",
		SICCode: "10", Type: "Wholesale", AnnualRevenue: "65", AssignedToUser: "admin",
		CreatedTime: "01-24-2020 05:19:56", ModifiedTime: "01-24-2020 05:19:56",
	}
}
