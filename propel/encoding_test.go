package propel_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/propel"
)

// sameValue compares decoded values: the XMLName a decoder fills in is not
// part of a record's value.
// A raw entry is a JSON value: JSON encoding compacts and escapes it, so
// raw entries compare as the values they hold.
var sameValue = cmp.Options{
	cmpopts.IgnoreTypes(xml.Name{}),
	cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 || len(b) > 0 },
		cmp.Comparer(func(a, b json.RawMessage) bool {
			var va, vb any
			return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && cmp.Equal(va, vb)
		})),
}

// The values of the round trips: every field set somewhere, text that XML
// and JSON must escape, an attribute without a value (the API's "delete
// this value").
var (
	fullParent  = propel.Parent{ID: 7, Source: "MY_ERP", SourceID: "ACME-1"}
	fullAddress = propel.Address{
		Type: propel.AddressDelivery, Code: "A-1", Company: "Smith & Sons <BV>", FirstName: "Ada",
		MiddleName: "van", LastName: "Lovelace", Gender: propel.GenderFemale, Street: "Keizersgracht",
		Number: "12", NumberExtension: "b", PostalCode: "1015 CJ", City: "Amsterdam", Region: "NH",
		Country: "NL", Phone: "+31 20 123 4567", Mobile: "+31 6 1234 5678", Email: "ada@example.com",
		URL: "https://example.com/?a=1&b=2", Notes: "ring twice\n\"back door\"", ICP: propel.No, IsDefault: propel.Yes,
	}
	fullCustomer = propel.Customer{
		ID: 25494, Source: "MY_CRM", SourceID: "3002196", Language: "NL", DebtorID: "D-9", FirstName: "Ada",
		MiddleName: "van", LastName: "Lovelace", Abbreviation: "AL", Title: "Dr.", DateOfBirth: "1815-12-10",
		Gender: propel.GenderFemale, SSN: "123-45-6789", Phone: "+31 20 123 4567", Mobile: "+31 6 1234 5678",
		Email: "ada@example.com", Parent: &propel.Parent{ID: 7}, PrimaryLanguage: "EN",
		Addresses: []propel.Address{fullAddress, {Type: propel.AddressInvoice, Code: "A-2", Street: "Damrak", City: "Amsterdam", Country: "NL"}},
	}
	fullContact = propel.Contact{
		ID: 25495, Source: "MY_CRM", SourceID: "C-1002", Language: "EN", DebtorID: "D-10", FirstName: "Grace",
		MiddleName: "B.", LastName: "Hopper", Abbreviation: "GH", Title: "RADM", DateOfBirth: "1906-12-09",
		Gender: propel.GenderFemale, SSN: "987-65-4321", Phone: "+1 555 0100", Mobile: "+1 555 0101",
		Email: "grace@example.com", Company: "Navy", Parent: &propel.Parent{Source: "MY_ERP", SourceID: "ACME-1"},
		PrimaryLanguage: "EN",
	}
	fullCompany = propel.Company{
		ID: 3, Source: "MY_ERP", SourceID: "ACME-1", Language: "NL", Name: "Acme \"Widgets\" & Co", Parent: &propel.Parent{ID: 1},
		Sources:   []propel.CompanySource{{Name: "MY_ERP", ID: "1032644"}},
		TaxNumber: "NL0001", CocNumber: "123", DebtorID: "D-1", Department: "Sales", Office: "HQ", Notes: "<b>key</b> account",
		Email: "info@acme.example", Phone: "+31 10 000", InheritProductList: propel.Yes, InheritOrderList: propel.No,
		Budget: propel.YN("H"), BudgetInherit: propel.Yes, OrderListAllowAll: "U",
		Attributes: []propel.Attribute{
			{Class: "company", Name: "CREDIT_LIMIT", Type: "integer", Value: "5000"},
			{Class: "company", Name: "SEGMENT", Type: "enum", Value: "  wholesale & retail  "},
			{Name: "OLD_FLAG"}, // no value: delete the company's own value
		},
		Addresses: []propel.Address{{Type: propel.AddressInvoice, Code: "HQ", Street: "Coolsingel", Number: "1", City: "Rotterdam", Country: "NL"}},
	}
	fullResult = propel.Result{
		Action: "create", ID: 25495, Key: "C-9", LookupKey: "sourceId", Success: false,
		Messages: []string{"ParentCompanyNotFound: parent company 7 not found", "second message"},
		Raw:      json.RawMessage(`{"key":"C-9","success":false,"error":{"code":"50007","type":"ParentCompanyNotFound"}}`),
	}
)

// roundTrip checks v in both encodings both ways against the golden files
// <name>.json and <name>.xml: value → JSON → value, value → XML → value,
// and JSON ↔ XML through the value.
func roundTrip[T any](t *testing.T, name string, v T) {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	x, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("xml.Marshal: %v", err)
	}
	testkit.Golden(t, name+".json", j)
	testkit.Golden(t, name+".xml", x)

	var fromJSON, fromXML T
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	if d := cmp.Diff(v, fromJSON, sameValue); d != "" {
		t.Errorf("value → JSON → value (-want +got):\n%s", d)
	}
	if err := xml.Unmarshal(x, &fromXML); err != nil {
		t.Fatalf("xml.Unmarshal: %v", err)
	}
	if d := cmp.Diff(v, fromXML, sameValue); d != "" {
		t.Errorf("value → XML → value (-want +got):\n%s", d)
	}
	if got, err := xml.MarshalIndent(fromJSON, "", "  "); err != nil || !bytes.Equal(got, x) {
		t.Errorf("JSON → value → XML = %s, %v; want %s", got, err, x)
	}
	if got, err := json.Marshal(fromXML); err != nil || !bytes.Equal(got, j) {
		t.Errorf("XML → value → JSON = %s, %v; want %s", got, err, j)
	}
}

// TestEncodingRoundTrip covers every exported request and response type.
func TestEncodingRoundTrip(t *testing.T) {
	t.Parallel()
	t.Run("customer", func(t *testing.T) { roundTrip(t, "type_customer", fullCustomer) })
	t.Run("customer_empty", func(t *testing.T) { roundTrip(t, "type_customer_empty", propel.Customer{}) })
	t.Run("contact", func(t *testing.T) { roundTrip(t, "type_contact", fullContact) })
	t.Run("company", func(t *testing.T) { roundTrip(t, "type_company", fullCompany) })
	t.Run("address", func(t *testing.T) { roundTrip(t, "type_address", fullAddress) })
	t.Run("parent", func(t *testing.T) { roundTrip(t, "type_parent", fullParent) })
	t.Run("company_source", func(t *testing.T) { roundTrip(t, "type_company_source", fullCompany.Sources[0]) })
	t.Run("attribute", func(t *testing.T) { roundTrip(t, "type_attribute", fullCompany.Attributes[0]) })
	t.Run("result", func(t *testing.T) { roundTrip(t, "type_result", fullResult) })
	t.Run("result_success", func(t *testing.T) {
		roundTrip(t, "type_result_success", propel.Result{Action: "update", ID: 106097, Key: "11234", LookupKey: "code", Success: true})
	})
	t.Run("directive_skip_if_not_empty", func(t *testing.T) {
		roundTrip(t, "type_directive_skip_if_not_empty", propel.SkipIfNotEmpty("email", "phone"))
	})
	t.Run("directive_skip_create", func(t *testing.T) { roundTrip(t, "type_directive_skip_create", propel.SkipCreate()) })
	t.Run("record_ref_by_id", func(t *testing.T) { roundTrip(t, "type_record_ref_by_id", propel.ByID(25494)) })
	t.Run("record_ref_by_source_id", func(t *testing.T) {
		roundTrip(t, "type_record_ref_by_source_id", propel.BySourceID("MY_CRM", "3002196"))
	})
}

// TestXMLRootNames: a document whose root is not the type's element is
// refused, and the list forms nest as documented.
func TestXMLRootNames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		doc string
		dst any
	}{
		{`<Customer><email>a@b.c</email></Customer>`, &propel.Customer{}},
		{`<customer><email>a@b.c</email></customer>`, &propel.Contact{}},
		{`<Directive><operation>skipCreate</operation></Directive>`, &propel.Directive{}},
		{`<result><id>x</id></result>`, &propel.Result{}},
		{`<result><raw>not JSON</raw></result>`, &propel.Result{}},
	} {
		if err := xml.Unmarshal([]byte(tt.doc), tt.dst); err == nil {
			t.Errorf("%s decoded into %T without error", tt.doc, tt.dst)
		}
	}
	var c propel.Company
	doc := `<company><name>Acme</name><attribute name="CREDIT_LIMIT" type="integer">5000</attribute><attribute name="OLD"/></company>`
	if err := xml.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	want := []propel.Attribute{{Name: "CREDIT_LIMIT", Type: "integer", Value: "5000"}, {Name: "OLD"}}
	if d := cmp.Diff(want, c.Attributes, sameValue); d != "" {
		t.Errorf("attributes (-want +got):\n%s", d)
	}
	b, _ := json.Marshal(c)
	if got := string(b); got != `{"name":"Acme","attributes":[{"name":"CREDIT_LIMIT","type":"integer","value":"5000"},{"name":"OLD"}]}` {
		t.Errorf("JSON of the XML company = %s", got)
	}
}

// TestDirectiveFromXMLSendsFieldsArray: a directive read from XML without
// fields still sends "fields":[], as WithDirectives does.
func TestDirectiveFromXMLSendsFieldsArray(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`<directive><operation>skipCreate</operation></directive>`,
		"<directive>\n  <operation>skipCreate</operation>\n</directive>"} {
		var d propel.Directive
		if err := xml.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(d); string(b) != `{"operation":"skipCreate","fields":[]}` {
			t.Errorf("%s → %s", doc, b)
		}
	}
}

// FuzzAttributesXML decodes arbitrary XML as a company (the attributes'
// name/value form, and every other element) without panicking; a decoded
// value re-encodes, in XML and in JSON, and decodes to the same value.
func FuzzAttributesXML(f *testing.F) {
	f.Add([]byte(`<company><attribute class="company" name="CREDIT_LIMIT" type="integer">5000</attribute><attribute name="X"/></company>`))
	f.Add([]byte(`<company><attribute name="A&amp;B">&lt;x&gt;&#xA;</attribute><sources><name>E</name><id>1</id></sources></company>`))
	f.Add([]byte(`<company><attribute name="A" name="B">1<x/>2</attribute></company>`))
	f.Add([]byte(`<company><parent><id>x</id></parent></company>`))
	f.Fuzz(func(t *testing.T, doc []byte) { decodesAgain[propel.Company](t, doc) })
}

// FuzzDirectiveXML: as FuzzAttributesXML, for a directive; one decoded
// from XML always has a non-nil Fields.
func FuzzDirectiveXML(f *testing.F) {
	f.Add([]byte(`<directive><operation>skipIfNotEmpty</operation><field>email</field><field>phone</field></directive>`))
	f.Add([]byte(`<directive><field/></directive>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if d, ok := decodesAgain[propel.Directive](t, doc); ok && d.Fields == nil {
			t.Fatal("Fields decoded nil")
		}
	})
}

// FuzzResultXML: as FuzzAttributesXML, for a result (messages, raw entry).
func FuzzResultXML(f *testing.F) {
	f.Add(testkit.Testdata(f, "golden/type_result.xml"))
	f.Add([]byte(`<result><id>1</id><success>maybe</success></result>`))
	f.Fuzz(func(t *testing.T, doc []byte) { decodesAgain[propel.Result](t, doc) })
}

// decodesAgain decodes doc as a T; when it decodes, the value must
// re-encode in XML and in JSON and decode from each to the same value. It
// returns the value and whether doc decoded.
func decodesAgain[T any](t *testing.T, doc []byte) (T, bool) {
	t.Helper()
	var v T
	if xml.Unmarshal(doc, &v) != nil {
		return v, false
	}
	for _, enc := range []struct {
		name      string
		marshal   func(any) ([]byte, error)
		unmarshal func([]byte, any) error
	}{{"XML", xml.Marshal, xml.Unmarshal}, {"JSON", json.Marshal, json.Unmarshal}} {
		b, err := enc.marshal(v)
		if err != nil {
			t.Fatalf("%s of %q: %v", enc.name, doc, err)
		}
		var back T
		if err := enc.unmarshal(b, &back); err != nil {
			t.Fatalf("decoding %s %s: %v", enc.name, b, err)
		}
		if d := cmp.Diff(v, back, sameValue, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("%s of %q (-decoded +again):\n%s", enc.name, doc, d)
		}
	}
	return v, true
}

// A customer read from its XML form (the package doc's example) is sent
// to Propel as this JSON.
func Example_xmlForm() {
	doc := `<customer>
  <source>MY_CRM</source>
  <sourceId>3002196</sourceId>
  <language>NL</language>
  <email>ada@example.com</email>
  <parent><id>7</id></parent>
  <address><type>delivery</type><code>A-1</code><street>Keizersgracht</street><city>Amsterdam</city><country>NL</country></address>
</customer>`
	var c propel.Customer
	if err := xml.Unmarshal([]byte(doc), &c); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	// Output:
	// {"source":"MY_CRM","sourceId":"3002196","language":"NL","email":"ada@example.com","parent":{"id":7},"addresses":[{"type":"delivery","code":"A-1","street":"Keizersgracht","city":"Amsterdam","country":"NL"}]}
}
