package pardot

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func ptr[T any](v T) *T { return &v }

// formProspects are the prospects whose JSON and XML forms the golden
// files hold: every typed field, custom fields, text that needs escaping.
func formProspects() map[string]Prospect {
	return map[string]Prospect{
		"prospect_minimal": {Email: "ada@example.com"},
		"prospect_full": {
			ID: 1234, FID: "00Q5e00000AbCdE", Email: "ada@example.com", Salutation: "Dr.",
			FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Engines", Website: "https://example.com/?a=1&b=2",
			JobTitle: "Engineer", Department: "R&D", Country: "UK", AddressOne: "12 St James's Square",
			AddressTwo: "Floor 2", City: "London", State: "LDN", Territory: "EMEA", Zip: "SW1Y 4JH",
			Phone: "+44 20 7946 0000", Fax: "+44 20 7946 0001", Source: "Web", AnnualRevenue: "1000000",
			Employees: "42", Industry: "Computing", YearsInBusiness: "180", Comments: "line one\nline two\ttabbed",
			Notes: `<b>"quoted"</b> & 'single'`, CampaignID: 77, UserID: 88, CRMOwnerFID: "005xx000001Sv6A",
			IsDoNotEmail: ptr(true), IsDoNotCall: ptr(false), OptedOut: ptr(false),
			Fields: map[string]string{"favorite_color": "blue", "list_12": "1", "interests_0": "maths", "empty": ""},
		},
		"prospect_unicode": {Email: "jose@example.com", FirstName: "José", LastName: "Núñez 日本\r\n", Fields: map[string]string{"Nickname": "Pepe 🎉"}},
	}
}

// TestProspectForms: every prospect goes value → JSON → value and value →
// XML → value unchanged, JSON → value → XML gives the XML form and back,
// both forms match their golden files, and each form is byte for byte the
// prospect's item in the version 4 wire document.
func TestProspectForms(t *testing.T) {
	t.Parallel()
	for name, p := range formProspects() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			j, x := checkForms(t, name, p, func(form string, got Prospect) {
				if d := cmp.Diff(p, got); d != "" {
					t.Errorf("value → %s → value (-want +got):\n%s", form, d)
				}
			})
			wireJSON := string(encodeBatch(nil, 4, JSON, opUpsert, []Prospect{p}))
			if want := `{"prospects":[` + string(j) + `]}`; wireJSON != want {
				t.Errorf("JSON form is not the wire item:\n wire %s\n form %s", wireJSON, want)
			}
			wireXML := string(encodeBatch(nil, 4, XML, opUpsert, []Prospect{p}))
			if want := "<prospects>" + string(x) + "</prospects>"; wireXML != want {
				t.Errorf("XML form is not the wire item:\n wire %s\n form %s", wireXML, want)
			}
		})
	}
}

// codecs are the two encodings, by name.
var codecs = []struct {
	name      string
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte, any) error
}{{"JSON", json.Marshal, json.Unmarshal}, {"XML", xml.Marshal, xml.Unmarshal}}

// checkForms writes v in JSON and XML, compares both with their golden
// files name.json and name.xml, decodes each back for check, and checks
// that the value decoded from each encoding writes the other's bytes.
// It returns the JSON and the XML.
func checkForms[T any](t *testing.T, name string, v T, check func(form string, got T)) (j, x []byte) {
	t.Helper()
	out := make([][]byte, len(codecs))
	decoded := make([]T, len(codecs))
	for i, c := range codecs {
		b, err := c.marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		testkit.Golden(t, name+"."+strings.ToLower(c.name), b)
		if err := c.unmarshal(b, &decoded[i]); err != nil {
			t.Fatalf("%s %s: %v", c.name, b, err)
		}
		check(c.name, decoded[i])
		out[i] = b
	}
	for i, c := range codecs {
		other := codecs[1-i]
		if b, err := other.marshal(decoded[i]); err != nil || string(b) != string(out[1-i]) {
			t.Errorf("%s → value → %s = %s, %v; want %s", c.name, other.name, b, err, out[1-i])
		}
	}
	return out[0], out[1]
}

// TestProspectFormsInDocuments: prospects inside a caller's document (a
// slice under a tagged field, a pointer) keep their forms and round-trip.
func TestProspectFormsInDocuments(t *testing.T) {
	t.Parallel()
	type file struct {
		XMLName   xml.Name   `xml:"prospects"`
		Prospects []Prospect `json:"prospects" xml:"prospect"`
	}
	in := file{Prospects: []Prospect{formProspects()["prospect_minimal"], formProspects()["prospect_unicode"]}}
	x, err := xml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	wire := encodeBatch(nil, 4, XML, opCreate, in.Prospects)
	if string(x) != string(wire) {
		t.Errorf("document:\n got %s\nwant %s (the wire's version 4 document)", x, wire)
	}
	var out file
	if err := xml.Unmarshal(x, &out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in.Prospects, out.Prospects); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var p *Prospect
	if err := json.Unmarshal([]byte(`{"email":"a@example.com"}`), &p); err != nil || p.Email != "a@example.com" {
		t.Errorf("pointer: %+v, %v", p, err)
	}
}

// TestProspectFormsReadLoosely: values Pardot's own answers and exports
// spell otherwise are read: numbers as strings and strings as numbers,
// 1/0 booleans, null, indentation between elements.
func TestProspectFormsReadLoosely(t *testing.T) {
	t.Parallel()
	want := Prospect{ID: 7, Zip: "12345", IsDoNotEmail: ptr(true), OptedOut: ptr(false), Fields: map[string]string{"score": "12"}}
	var fromJSON, fromXML Prospect
	if err := json.Unmarshal([]byte(`{"id":" 7 ","zip":12345,"is_do_not_email":"1","opted_out":false,"score":12,"company":null}`), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal([]byte("<prospect>\n  <id>7</id>\n  <zip>12345</zip>\n  <is_do_not_email>1</is_do_not_email>\n  <opted_out>0</opted_out>\n  <score>12</score>\n  <company/>\n</prospect>"), &fromXML); err != nil {
		t.Fatal(err)
	}
	for form, got := range map[string]Prospect{"JSON": fromJSON, "XML": fromXML} {
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", form, d)
		}
	}
}

// TestProspectFormsRefuse: what neither form can carry is an error, not a
// silently different value.
func TestProspectFormsRefuse(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]Prospect{
		"name with a space":   {Fields: map[string]string{"bad name": "x"}},
		"name starting digit": {Fields: map[string]string{"1st": "x"}},
		"typed field's name":  {Fields: map[string]string{"email": "x"}},
		"name starting xml":   {Fields: map[string]string{"xml_thing": "x"}},
		"empty name":          {Fields: map[string]string{"": "x"}},
	} {
		if b, err := json.Marshal(p); err == nil {
			t.Errorf("%s: JSON %s, want an error", name, b)
		}
		if b, err := xml.Marshal(p); err == nil {
			t.Errorf("%s: XML %s, want an error", name, b)
		}
	}
	for name, doc := range map[string]string{
		"nested element": `<prospect><email><b>a</b></email></prospect>`,
		"bad bool":       `<prospect><opted_out>maybe</opted_out></prospect>`,
		"bad id":         `<prospect><id>12a</id></prospect>`,
		"unclosed":       `<prospect><email>a@example.com</email>`,
	} {
		var p Prospect
		if err := xml.Unmarshal([]byte(doc), &p); err == nil {
			t.Errorf("XML %s: decoded %+v, want an error", name, p)
		}
	}
	for name, doc := range map[string]string{
		"object value": `{"email":{"a":1}}`,
		"array":        `[{"email":"a@example.com"}]`,
		"bad name":     `{"bad name":"x"}`,
		"bad user_id":  `{"user_id":"x"}`,
	} {
		var p Prospect
		if err := json.Unmarshal([]byte(doc), &p); err == nil {
			t.Errorf("JSON %s: decoded %+v, want an error", name, p)
		}
	}
}

// TestResultForms: the empty Result is {} and <result></result>, both ways.
func TestResultForms(t *testing.T) {
	t.Parallel()
	checkForms(t, "result", Result{}, func(string, Result) {})
}

// formErrors are errors of every origin: a prospect's code, a whole
// request's code with an attempts cap or a run stop, a wait, a transport
// failure with its cause, a local refusal.
func formErrors() map[string]*Error {
	wait := codeError("batchUpsert", 200, CodeConcurrencyLimit, "You have exceeded your concurrent request limit.", "", "")
	wait.Wait = 2500 * time.Millisecond
	wait.RequestID = "req-1"
	return map[string]*Error{
		"error_prospect":  codeError("batchCreate", 200, CodeInvalidEmail, "Invalid prospect email address", "0", ""),
		"error_param":     codeError("batchUpdate", 400, CodeParameterError, `value <"x"> & more`, "ada@example.com", "prospects"),
		"error_resubmit":  codeError("batchUpsert", 200, CodeUnableToSave, "Unable to save the prospect", "3", ""),
		"error_stop":      codeError("batchUpsert", 200, CodeMustUseVersion4, "This API user must use version 4", "", ""),
		"error_wait":      wait,
		"error_transport": transportError("batchCreate", errors.New("read tcp: connection reset by peer")),
		"error_local":     localError("batchCreate", vendorkit.Duplicate, "email ada@example.com is repeated within the call"),
	}
}

// TestErrorForms: errors as data round-trip in both forms, both ways, and
// decode to errors that mean the same to the engine and the caller.
func TestErrorForms(t *testing.T) {
	t.Parallel()
	for name, e := range formErrors() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkForms(t, name, e, func(form string, got *Error) { checkSameError(t, form, e, got) })
		})
	}
}

// checkSameError compares every field, the cause by its text, and what the
// error means: message, class sentinel, attempts cap, run stop, wait.
func checkSameError(t *testing.T, form string, want, got *Error) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.IgnoreFields(vendorkit.APIError[Code]{}, "Err"),
		cmp.AllowUnexported(vendorkit.APIError[Code]{})); d != "" {
		t.Errorf("%s (-want +got):\n%s", form, d)
	}
	if (want.Err == nil) != (got.Err == nil) || want.Err != nil && want.Err.Error() != got.Err.Error() {
		t.Errorf("%s: cause %v, want %v", form, got.Err, want.Err)
	}
	if got.Error() != want.Error() || got.MaxAttempts() != want.MaxAttempts() || got.StopRun() != want.StopRun() ||
		got.RetryAfter() != want.RetryAfter() || got.Retryable() != want.Retryable() {
		t.Errorf("%s: decoded error means otherwise: %v", form, got)
	}
	for _, s := range []error{batch.ErrInvalid, batch.ErrDuplicate, batch.ErrOutcomeUnknown, batch.ErrRateLimited, batch.ErrUnavailable} {
		if errors.Is(got, s) != errors.Is(want, s) {
			t.Errorf("%s: errors.Is(%v) = %v", form, s, errors.Is(got, s))
		}
	}
}

// TestErrorFormsRefuse: an unknown class or a bad wait is an error.
func TestErrorFormsRefuse(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`{"class":"sometimes"}`, `{"class":"invalid","wait":"soon"}`, `{"class":"invalid","code":"x"}`} {
		var e Error
		if err := json.Unmarshal([]byte(doc), &e); err == nil {
			t.Errorf("%s: decoded %v, want an error", doc, &e)
		}
	}
	var e Error
	if err := xml.Unmarshal([]byte(`<error class="auth" wait="-"></error>`), &e); err == nil || !strings.Contains(err.Error(), "wait") {
		t.Errorf("bad wait: %v", err)
	}
}
