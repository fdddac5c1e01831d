package agilirontest

import (
	"strings"
	"testing"
)

// FuzzParseRecords: the fake's own request parser never panics, and what
// it accepts has a field map per record.
func FuzzParseRecords(f *testing.F) {
	for _, s := range []string{
		`{"Leads":{"Lead":[{"LastName":"Doe","Company":"Co","LeadCustomFields":{"CustomField":{"Name":"a","Value":"b"}}}]}}`,
		`{"Leads":{"Lead":{"LastName":"Doe"}}}`,
		`<Leads><Lead><LastName>D</LastName><LeadCustomFields><CustomField><Name>a</Name><Value>b</Value></CustomField></LeadCustomFields></Lead></Leads>`,
		`{"Leads":{"Lead":[{"LastName":1}]}}`, `<Leads><Contact/></Leads>`, `{}`, `<a>`, ``,
	} {
		f.Add(strings.HasPrefix(s, "<"), []byte(s))
	}
	f.Fuzz(func(t *testing.T, xmlIn bool, body []byte) {
		recs, err := parseRecords(kinds[Leads], xmlIn, body)
		if err != nil {
			return
		}
		for i, r := range recs {
			if r.Fields == nil {
				t.Fatalf("record %d has no field map", i)
			}
		}
	})
}

func TestParseRecordsIsStrict(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"number field":          `{"Leads":{"Lead":[{"LastName":1}]}}`,
		"two roots":             `{"Leads":{"Lead":[]},"Contacts":{}}`,
		"wrong single":          `{"Leads":{"Contact":[{}]}}`,
		"custom without a name": `{"Leads":{"Lead":[{"LeadCustomFields":{"CustomField":{"Value":"v"}}}]}}`,
	}
	for name, body := range bad {
		if _, err := parseRecords(kinds[Leads], false, []byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	badXML := map[string]string{
		"wrong root":   `<Contacts><Contact/></Contacts>`,
		"nested field": `<Leads><Lead><LastName><x/></LastName></Lead></Leads>`,
		"custom junk":  `<Leads><Lead><LeadCustomFields><Other/></LeadCustomFields></Lead></Leads>`,
	}
	for name, body := range badXML {
		if _, err := parseRecords(kinds[Leads], true, []byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	recs, err := parseRecords(kinds[Leads], true, []byte(`<Leads><Lead><LastName>D</LastName><Email/></Lead></Leads>`))
	if err != nil || len(recs) != 1 || recs[0].Get("LastName") != "D" || recs[0].Fields["Email"] != "" {
		t.Errorf("%+v %v", recs, err)
	}
}
