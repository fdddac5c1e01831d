package agiliron

import (
	"encoding/xml"
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignoreXMLName = cmpopts.IgnoreTypes(xml.Name{})

func TestEncodeLeadsMatchesSeed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		format  Format
		file    string
		compact func([]byte) string
	}{
		{"json", JSON, "update_leads.json", func(b []byte) string { return compactJSON(t, b) }},
		{"xml", XML, "update_leads.xml", compactXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeLeads(tt.format, seedLeads())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.compact(testkit.Testdata(t, tt.file)), tt.compact(got)); diff != "" {
				t.Errorf("encoded body differs from the seed (-seed +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeLeadsMatchesSeed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ file, ct string }{
		{"update_leads.json", "application/json"},
		{"update_leads.xml", "application/xml"},
		{"update_leads.xml", ""}, // sniffed
	} {
		t.Run(tt.file+"/"+tt.ct, func(t *testing.T) {
			got, err := decodeLeads(tt.ct, testkit.Testdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seedLeads(), got, ignoreXMLName); diff != "" {
				t.Errorf("decoded leads differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeadWithoutIDOrCustomFields(t *testing.T) {
	t.Parallel()
	l := Lead{LastName: "Lovelace", Company: "Analytical & Co <Ltd>"}
	got, err := encodeLeads(JSON, []Lead{l})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"Leads":{"Lead":[{"Salutation":"","FirstName":"","LastName":"Lovelace","Company":"Analytical & Co <Ltd>","Designation":"","Phone":"","Mobile":"","Fax":"","Email":"","Website":"","Industry":"","SICCode":"","AnnualRevenue":"","NumberOfEmployees":"","ContactType":"","LeadSource":"","LeadStatus":"","Rating":"","EmailOptOut":"","YahooID":"","CreatedTime":"","ModifiedTime":"","Street":"","City":"","State":"","Zip":"","Country":"","Description":"","AssignedTo":"","AssignedGroupName":"","DefaultCurrency":""}]}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	x, err := encodeLeads(XML, []Lead{l})
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeLeads("application/xml", x)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Lead{l}, back, ignoreXMLName); diff != "" {
		t.Errorf("XML round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeAck(t *testing.T) {
	t.Parallel()
	want := Ack{ObjectType: "Leads", SyncTime: "2021-06-11 04:13:24", Status: "Success",
		Message: "Bulk Leads Update Initiated Successfully.", BatchID: "thggii1212kjkl"}
	for _, tt := range []struct{ file, ct string }{
		{"ack.json", "application/json"}, {"ack.xml", "application/xml; charset=utf-8"}, {"ack.xml", "text/plain"},
	} {
		t.Run(tt.file+"/"+tt.ct, func(t *testing.T) {
			got, err := decodeAck(tt.ct, testkit.Testdata(t, tt.file))
			testkit.CheckResult(t, want, got, err)
		})
	}
}

func TestDecodeFlatAck(t *testing.T) {
	t.Parallel()
	got, err := decodeAck("application/json", []byte(`{"message": "batch id is returned with bulk process message", "batch_id": "bd7cIzgnq2ehYoCSYUfp"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Ack{Status: "Success", Message: "batch id is returned with bulk process message", BatchID: "bd7cIzgnq2ehYoCSYUfp"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecodeAckErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       error
	}{
		{"truncated", `{"MCM":{"response":{"objectType":"Leads"`, batch.ErrMalformedResponse},
		{"not MCM", `{"foo":1}`, batch.ErrMalformedResponse},
		{"no batch id", `{"MCM":{"parameters":{"results":{"message":{"status":"Success"}}}}}`, batch.ErrMalformedResponse},
		{"xml garbage", `<MCM><response>`, batch.ErrMalformedResponse},
		{"empty", ``, batch.ErrMalformedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAck("", []byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeResultSeedVariants(t *testing.T) {
	t.Parallel()
	withRecord := &BatchResult{SuccessNumber: 1, FailureNumber: 1,
		Success: []ResultEntry{{LeadID: "123", LeadName: "John Doe", Record: 1}},
		Failure: []ResultEntry{{LeadID: "456", Message: "Lead Last Name cannot be blank", Record: 2}}}
	noRecord := &BatchResult{SuccessNumber: 1, FailureNumber: 1,
		Success: []ResultEntry{{LeadID: "123", LeadName: "John Doe"}},
		Failure: []ResultEntry{{LeadID: "456", Message: "Lead Last Name cannot be blank"}}}
	tests := []struct {
		name, ct string
		body     []byte
		want     *BatchResult
	}{
		{"xml without record", "application/xml", testkit.Testdata(t, "webhook_norecord.xml"), noRecord},
		{"json without record", "application/json", testkit.Testdata(t, "webhook_norecord.json"), noRecord},
		{"xml with record", "text/xml", testkit.Testdata(t, "webhook_record.xml"), withRecord},
		{"json with record", "", testkit.Testdata(t, "webhook_record.json"), withRecord},
		{"json counts as numbers, lists", "application/json", []byte(`{"result":{"SuccessNumber":1,"FailureNumber":1,
			"Success":{"Leads":[{"LeadId":123,"LeadName":"John Doe","Record":1}]},
			"Failure":[{"Leads":{"LeadId":"456","Message":"Lead Last Name cannot be blank","Record":"2"}}]}}`), withRecord},
		{"json bare result", "application/json", []byte(`{"SuccessNumber":"1","FailureNumber":"1",
			"Success":[{"Leads":{"LeadId":"123","LeadName":"John Doe","Record":1}}],
			"Failure":{"Product":[{"LeadId":456,"Message":"Lead Last Name cannot be blank","Record":2}]}}`), withRecord},
		{"xml many and split groups", "application/xml", []byte(`<result><SuccessNumber> 1 </SuccessNumber><FailureNumber>1</FailureNumber>
			<Success><Leads><LeadId>123</LeadId><LeadName>John Doe</LeadName><Record>1</Record></Leads></Success>
			<Failure><Product><LeadId>456</LeadId><Message> Lead Last Name cannot be blank </Message><Record>2</Record></Product></Failure></result>`), withRecord},
		{"empty groups", "application/json", []byte(`{"result":{"SuccessNumber":"0","FailureNumber":"0","Success":[],"Failure":""}}`),
			&BatchResult{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeResult(tt.ct, tt.body)
			testkit.CheckResult(t, tt.want, got, err, cmpopts.EquateEmpty())
		})
	}
}

func TestDecodeResultErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `{}`, `[]`, `{"result":{"SuccessNumber":"x"}}`, `{"result":{"Success":"oops"}}`,
		`<result><SuccessNumber>-1</SuccessNumber></result>`, `<result>`, `<a/><b/>`, `{"Success":[1]}`,
	} {
		if _, err := decodeResult("", []byte(body)); !errors.Is(err, batch.ErrMalformedResponse) {
			t.Errorf("decodeResult(%q) err = %v, want batch.ErrMalformedResponse", body, err)
		}
	}
}

func TestDecodeBatchStatus(t *testing.T) {
	t.Parallel()
	update := &BatchStatus{ID: "11", BatchID: "thggii1212kjkl", Status: "Completed",
		RequestStartTime: "2021-06-11 04:13:24", RequestEndTime: "2021-06-11 04:13:25",
		Result: &BatchResult{SuccessNumber: 1, FailureNumber: 1,
			Success: []ResultEntry{{LeadID: "123", LeadName: "John Doe", Record: 1}},
			Failure: []ResultEntry{{LeadID: "456", Message: "Lead Last Name cannot be blank", Record: 2}}}}
	tests := []struct {
		file, ct string
		want     *BatchStatus
	}{
		{"batchstatus.json", "application/json", &BatchStatus{ID: "10", BatchID: "bd7cIzgnq2ehYoCSYUfp", Status: "Completed",
			RequestStartTime: "2021-12-13 09:51:27", RequestEndTime: "2021-12-13 09:51:27",
			Result: &BatchResult{SuccessNumber: 1, Success: []ResultEntry{{LeadID: "394607", LeadName: "Ada Lovelace"}}}}},
		{"batchstatus_update.json", "application/json", update},
		{"batchstatus_update.xml", "application/xml", update},
		{"batchstatus_pending.json", "", &BatchStatus{ID: "11", BatchID: "thggii1212kjkl", Status: "Processing", RequestStartTime: "2021-06-11 04:13:24"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := decodeBatchStatus(tt.ct, testkit.Testdata(t, tt.file))
			testkit.CheckResult(t, tt.want, got, err, cmpopts.EquateEmpty())
			if got.Completed() != (tt.want.Status == "Completed") {
				t.Errorf("Completed() = %v", got.Completed())
			}
		})
	}
}

func TestDecodeBatchStatusErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `{}`, `{"BatchStatus":{"Response":"{not json"}}`, `{"BatchStatus":{"Response":"{\"Success\":\"x\"}"}}`,
		`<BatchStatus><Response>{</Response></BatchStatus>`, `<Other/>`,
	} {
		if _, err := decodeBatchStatus("", []byte(body)); !errors.Is(err, batch.ErrMalformedResponse) {
			t.Errorf("decodeBatchStatus(%q) err = %v, want batch.ErrMalformedResponse", body, err)
		}
	}
}

// TestDecodecreated reads the synchronous Add Lead answer in the forms it
// may take: success_message as text or as an object with lead_id (one id,
// a list, comma-separated), ids beside it, per-record results, and a
// refusal with error_message.
func TestDecodecreated(t *testing.T) {
	t.Parallel()
	mcm := func(msg string) string {
		return `{"MCM":{"response":{"objectType":"Leads"},"parameters":{"results":{"message":` + msg + `}}}}`
	}
	tests := []struct {
		name, ct, body string
		want           created
	}{
		{"golden json", "application/json", string(testkit.Testdata(t, "created.json")),
			created{Status: "Success", Message: "Leads Added Successfully.", IDs: []string{"394607"}}},
		{"golden xml", "application/xml", string(testkit.Testdata(t, "created.xml")),
			created{Status: "Success", Message: "Leads Added Successfully.", IDs: []string{"394607"}}},
		{"text message", "", mcm(`{"status":"Success","success_message":" Lead Added Successfully. "}`),
			created{Status: "Success", Message: "Lead Added Successfully."}},
		{"id list", "", mcm(`{"status":"Success","success_message":{"lead_id":[1001,"1002"]}}`),
			created{Status: "Success", IDs: []string{"1001", "1002"}}},
		{"comma ids beside", "", mcm(`{"status":"Success","LeadId":"1001, 1002"}`),
			created{Status: "Success", IDs: []string{"1001", "1002"}}},
		{"refused", "", mcm(`{"status":"Error","error_message":"Lead Company cannot be blank"}`),
			created{Status: "Error", Message: "Lead Company cannot be blank"}},
		{"per record", "", mcm(`{"SuccessNumber":"1","FailureNumber":"0","Success":{"Leads":{"LeadId":7,"Record":1}}}`),
			created{Result: &BatchResult{SuccessNumber: 1, Success: []ResultEntry{{LeadID: "7", Record: 1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeCreated(tt.ct, []byte(tt.body))
			testkit.CheckResult(t, &tt.want, got, err)
		})
	}
	for _, bad := range []string{``, `{}`, `{"MCM":{}}`, mcm(`{}`), mcm(`"x"`), `<MCM><parameters/></MCM>`, `{"MCM":1} x`} {
		if _, err := decodeCreated("", []byte(bad)); !errors.Is(err, batch.ErrMalformedResponse) {
			t.Errorf("%q: err = %v, want batch.ErrMalformedResponse", bad, err)
		}
	}
}

// TestDecodeResultOtherResources: a batch result of Bulk-Contacts or
// Bulk-Accounts names each record by its own id and name keys; both
// formats read alike.
func TestDecodeResultOtherResources(t *testing.T) {
	t.Parallel()
	want := &BatchResult{SuccessNumber: 1, FailureNumber: 1,
		Success: []ResultEntry{{LeadID: "5001", LeadName: "Test New Contact", Record: 1}},
		Failure: []ResultEntry{{LeadID: "6548", Message: "Account Name cannot be blank", Record: 2}}}
	for _, body := range []string{
		`{"result":{"SuccessNumber":"1","FailureNumber":"1","Success":{"Contacts":{"ContactId":"5001","ContactName":"Test New Contact","Record":"1"}},"Failure":{"Accounts":{"AccountID":6548,"Message":"Account Name cannot be blank","Record":2}}}}`,
		`<result><SuccessNumber>1</SuccessNumber><FailureNumber>1</FailureNumber><Success><Contacts><ContactId>5001</ContactId><ContactName>Test New Contact</ContactName><Record>1</Record></Contacts></Success><Failure><Accounts><AccountID>6548</AccountID><Message>Account Name cannot be blank</Message><Record>2</Record></Accounts></Failure></result>`,
	} {
		got, err := decodeResult("", []byte(body))
		testkit.CheckResult(t, want, got, err)
	}
}

// TestDecodeContactsAndAccountsMatchDocs: the docs' samples decode to the
// records they show, in both formats, custom fields included.
func TestDecodeContactsAndAccountsMatchDocs(t *testing.T) {
	t.Parallel()
	for _, ext := range []string{"json", "xml"} {
		cs, err := decodeContacts("", testkit.Testdata(t, "add_contacts."+ext))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Contact{docContact()}, cs, cmpopts.IgnoreFields(Contact{}, "XMLName")); diff != "" {
			t.Errorf("%s contacts (-doc +decoded):\n%s", ext, diff)
		}
		as, err := decodeAccounts("", testkit.Testdata(t, "update_accounts."+ext))
		if err != nil {
			t.Fatal(err)
		}
		want := docAccount()
		want.AccountID = "6548"
		if diff := cmp.Diff([]Account{want}, as, cmpopts.IgnoreFields(Account{}, "XMLName")); diff != "" {
			t.Errorf("%s accounts (-doc +decoded):\n%s", ext, diff)
		}
	}
	if _, err := decodeAccounts("", testkit.Testdata(t, "add_contacts.xml")); err == nil {
		t.Error("a Contacts body decoded as accounts")
	}
	if _, err := decodeAccounts("", testkit.Testdata(t, "add_contacts.json")); err == nil {
		t.Error("a Contacts body decoded as accounts")
	}
}

func TestDecodeAckRefused(t *testing.T) {
	t.Parallel()
	ack, err := decodeAck("", []byte(`{"MCM":{"parameters":{"results":{"message":{"status":"Failure","error_message":"Invalid data"}}}}}`))
	if err != nil || ack.accepted() || ack.Message != "Invalid data" {
		t.Fatalf("ack %+v, err %v", ack, err)
	}
}
