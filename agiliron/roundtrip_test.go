package agiliron

import (
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// roundTripOpts compare values decoded from either encoding: xml decoding
// fills XMLName (encoding ignores it), and neither encoding tells an empty
// list from a nil one.
var roundTripOpts = cmp.Options{cmpopts.IgnoreTypes(xml.Name{}), cmpopts.EquateEmpty()}

// checkRoundTrip encodes v in JSON and XML, compares each with its golden
// file (testdata/golden/<name>.json, .xml; -update writes them), decodes
// each back to v, and re-encodes each decoded value in the other encoding
// to the other golden bytes: JSON → value → XML and XML → value → JSON.
func checkRoundTrip[T any](t *testing.T, name string, v T) {
	t.Helper()
	j, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("%s: json: %v", name, err)
	}
	x, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("%s: xml: %v", name, err)
	}
	testkit.Golden(t, name+".json", j)
	testkit.Golden(t, name+".xml", x)

	var fromJSON, fromXML T
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatalf("%s: json back: %v", name, err)
	}
	if err := xml.Unmarshal(x, &fromXML); err != nil {
		t.Fatalf("%s: xml back: %v", name, err)
	}
	if diff := cmp.Diff(v, fromJSON, roundTripOpts); diff != "" {
		t.Errorf("%s: value → JSON → value (-want +got):\n%s", name, diff)
	}
	if diff := cmp.Diff(v, fromXML, roundTripOpts); diff != "" {
		t.Errorf("%s: value → XML → value (-want +got):\n%s", name, diff)
	}
	if x2, err := xml.MarshalIndent(fromJSON, "", "  "); err != nil || string(x2) != string(x) {
		t.Errorf("%s: JSON → value → XML = %s, %v; want %s", name, x2, err, x)
	}
	if j2, err := json.MarshalIndent(fromXML, "", "  "); err != nil || string(j2) != string(j) {
		t.Errorf("%s: XML → value → JSON = %s, %v; want %s", name, j2, err, j)
	}
}

// escapeLead is a lead whose values need escaping in both encodings.
func escapeLead() Lead {
	l := seedLeads()[1]
	l.Company = `R&D <"Labs"> Ltd`
	l.Description = "two\nlines\tand \u00e9"
	return l
}

func TestRoundTripRecords(t *testing.T) {
	account := docAccount()
	account.AccountID = "77"
	account.CustomFields = CustomFields{{Name: "Tier", Value: "Gold"}}
	checkRoundTrip(t, "lead", seedLeads()[0])
	checkRoundTrip(t, "lead_escaped", escapeLead())
	checkRoundTrip(t, "lead_new", Lead{LastName: "Doe", Company: "Co"})
	checkRoundTrip(t, "contact", docContact())
	checkRoundTrip(t, "account", account)
	checkRoundTrip(t, "account_new", docAccount())
	checkRoundTrip(t, "custom_fields", CustomFields{{Name: "Text", Value: "value"}, {Name: "Date", Value: "00-00-0000"}})
	checkRoundTrip(t, "custom_field", CustomField{Name: "Tier", Value: "Gold & Silver"})
}

func TestRoundTripResults(t *testing.T) {
	ack, err := decodeAck("", testkit.Testdata(t, "ack.xml"))
	if err != nil {
		t.Fatal(err)
	}
	withRecords, err := decodeResult("", testkit.Testdata(t, "webhook_record.xml"))
	if err != nil {
		t.Fatal(err)
	}
	status, err := decodeBatchStatus("", testkit.Testdata(t, "batchstatus_update.xml"))
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, "ack", ack)
	checkRoundTrip(t, "batch_result", *withRecords)
	checkRoundTrip(t, "batch_result_empty", BatchResult{})
	checkRoundTrip(t, "result_entry", withRecords.Failure[0])
	checkRoundTrip(t, "batch_status", *status)
	checkRoundTrip(t, "batch_status_pending", BatchStatus{ID: "12", BatchID: "b-1", Status: "Processing",
		RequestStartTime: "2021-12-13 09:51:27"})
	checkRoundTrip(t, "result", Result{BatchID: "thggii1212kjkl", ID: "456", Name: "Test Lead",
		Message: messageLastNameBlank, Record: 2})
	checkRoundTrip(t, "result_zero", Result{})
}

// TestRecordFormIsTheWire ties a record's own form to the request body:
// the body is the records' forms inside <Leads>…</Leads> or
// {"Leads":{"Lead":[…]}}.
func TestRecordFormIsTheWire(t *testing.T) {
	for _, l := range []Lead{seedLeads()[0], escapeLead(), {LastName: "Doe", Company: "Co"}} {
		x, err := xml.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		j, err := l.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		bx, err := encodeLeads(XML, []Lead{l})
		if err != nil {
			t.Fatal(err)
		}
		bj, err := encodeLeads(JSON, []Lead{l})
		if err != nil {
			t.Fatal(err)
		}
		if want := "<Leads>" + string(x) + "</Leads>"; string(bx) != want {
			t.Errorf("XML body %s\nwant %s", bx, want)
		}
		if want := `{"Leads":{"Lead":[` + string(j) + `]}}`; string(bj) != want {
			t.Errorf("JSON body %s\nwant %s", bj, want)
		}
	}
}

// TestResultFormsAreRead checks that the client's own decoders read a
// BatchResult's forms, and a BatchStatus' XML form, back to the value.
func TestResultFormsAreRead(t *testing.T) {
	want, err := decodeResult("", testkit.Testdata(t, "webhook_record.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, marshal := range []func(any) ([]byte, error){json.Marshal, xml.Marshal} {
		b, err := marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeResult("", b)
		if err != nil {
			t.Fatalf("decodeResult(%s): %v", b, err)
		}
		if diff := cmp.Diff(want, got, roundTripOpts); diff != "" {
			t.Errorf("decodeResult(%s) (-want +got):\n%s", b, diff)
		}
	}
	status := &BatchStatus{ID: "11", BatchID: "b", Status: "Completed", RequestStartTime: "2021-06-11 04:13:24",
		RequestEndTime: "2021-06-11 04:13:25", Result: want}
	b, err := xml.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeBatchStatus("", b)
	if err != nil {
		t.Fatalf("decodeBatchStatus(%s): %v", b, err)
	}
	if diff := cmp.Diff(status, got, roundTripOpts); diff != "" {
		t.Errorf("decodeBatchStatus(%s) (-want +got):\n%s", b, diff)
	}
}

// TestCustomFieldsReadForms reads the custom-fields forms Agiliron and
// callers write: one object or a list, none as "", null or an empty list,
// the XML element given twice.
func TestCustomFieldsReadForms(t *testing.T) {
	ab := CustomFields{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}}
	jsonCases := map[string]CustomFields{
		`{"LastName":"D","LeadCustomFields":{"CustomField":{"Name":"a","Value":"1"}}}`:                            ab[:1],
		`{"LastName":"D","LeadCustomFields":{"CustomField":[{"Name":"a","Value":"1"},{"Name":"b","Value":"2"}]}}`: ab,
		`{"LastName":"D","LeadCustomFields":""}`:                                                                  nil,
		`{"LastName":"D","LeadCustomFields":null}`:                                                                nil,
		`{"LastName":"D","LeadCustomFields":{"CustomField":[]}}`:                                                  nil,
		`{"LastName":"D"}`: nil,
	}
	for in, want := range jsonCases {
		var l Lead
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, l.CustomFields); diff != "" || l.LastName != "D" {
			t.Errorf("%s: %+v (-want +got):\n%s", in, l, diff)
		}
	}
	xmlCases := map[string]CustomFields{
		`<Lead><LastName>D</LastName><LeadCustomFields><CustomField><Name>a</Name><Value>1</Value></CustomField></LeadCustomFields><LeadCustomFields><CustomField><Name>b</Name><Value>2</Value></CustomField></LeadCustomFields></Lead>`: ab,
		`<Lead><LastName>D</LastName><LeadCustomFields></LeadCustomFields></Lead>`: nil,
		`<Lead><LastName>D</LastName></Lead>`:                                      nil,
	}
	for in, want := range xmlCases {
		var l Lead
		if err := xml.Unmarshal([]byte(in), &l); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, l.CustomFields); diff != "" || l.LastName != "D" {
			t.Errorf("%s: %+v (-want +got):\n%s", in, l, diff)
		}
	}
	var l Lead
	if err := xml.Unmarshal([]byte(`<Contact><LastName>D</LastName></Contact>`), &l); err == nil {
		t.Error("a <Contact> decoded as a Lead")
	}
	if err := json.Unmarshal([]byte(`{"LeadCustomFields":{"CustomField":"x"}}`), &l); err == nil {
		t.Error("a CustomField string decoded")
	}
}
