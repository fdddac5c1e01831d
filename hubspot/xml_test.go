package hubspot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sameValue compares decoded values: the XMLName a decoder fills in is
// not compared, and in XML an empty list or map is the same as none.
var sameValue = cmp.Options{cmpopts.IgnoreTypes(xml.Name{}), cmpopts.EquateEmpty()}

// encodeJSON is the JSON of v, indented as in the golden files.
func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	return append(b, '\n')
}

// encodeXML is the XML of v, indented as in the golden files.
func encodeXML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	return append(b, '\n')
}

// roundTrip checks v both ways in both encodings against the golden files
// types/<name>.json and types/<name>.xml: value → JSON → value, value →
// XML → value, and JSON → value → XML and XML → value → JSON byte for byte.
func roundTrip[T any](t *testing.T, name string, v T) {
	t.Run(name, func(t *testing.T) {
		js, xs := encodeJSON(t, v), encodeXML(t, v)
		testkit.Golden(t, "types/"+name+".json", js)
		testkit.Golden(t, "types/"+name+".xml", xs)

		var fromJSON, fromXML T
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatalf("json decode: %v\n%s", err, js)
		}
		if diff := cmp.Diff(v, fromJSON, sameValue); diff != "" {
			t.Errorf("value → JSON → value (-want +got):\n%s", diff)
		}
		if err := xml.Unmarshal(xs, &fromXML); err != nil {
			t.Fatalf("xml decode: %v\n%s", err, xs)
		}
		if diff := cmp.Diff(v, fromXML, sameValue); diff != "" {
			t.Errorf("value → XML → value (-want +got):\n%s", diff)
		}
		if got := encodeXML(t, fromJSON); !bytes.Equal(got, xs) {
			t.Errorf("JSON → value → XML:\n got %s\nwant %s", got, xs)
		}
		if got := encodeJSON(t, fromXML); !bytes.Equal(got, js) {
			t.Errorf("XML → value → JSON:\n got %s\nwant %s", got, js)
		}
	})
}

// at is a HubSpot timestamp: UTC, milliseconds.
func at(s string) time.Time {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm
}

func TestTypesRoundTrip(t *testing.T) {
	archived := at("2026-06-01T09:00:00.5Z")
	assoc := Association{To: AssociationTarget{ID: "9001"}, Types: []AssociationType{
		{AssociationCategory: "HUBSPOT_DEFINED", AssociationTypeID: 279},
		{AssociationCategory: "USER_DEFINED", AssociationTypeID: 7},
	}}
	props := Properties{"email": "ada@example.com", "firstname": "Ada", "company": `Lovelace & Sons <"Analytical">`,
		"notes": "line one\r\nline two\ttabbed ", "hs_lead_status": "", "interests": "maths;engines"}
	history := PropertyHistories{
		"firstname": {
			{Value: "Ada", Timestamp: at("2026-05-02T10:11:12.345Z"), SourceType: "CRM_UI", SourceID: "userId:28604240", UpdatedByUserID: 28604240},
			{Value: "Augusta", Timestamp: at("2026-05-01T00:00:00Z"), SourceType: "API", SourceLabel: "crmbatch"},
		},
		"phone": {},
	}
	roundTrip(t, "properties", props)
	roundTrip(t, "property_histories", history)
	roundTrip(t, "property_change", history["firstname"][0])
	roundTrip(t, "association_target", assoc.To)
	roundTrip(t, "association_type", assoc.Types[0])
	roundTrip(t, "association", assoc)
	roundTrip(t, "create_input", CreateInput{Properties: props, Associations: []Association{assoc}, ObjectWriteTraceID: "row-17"})
	roundTrip(t, "create_input_bare", CreateInput{Properties: Properties{"email": "bare@example.com"}})
	roundTrip(t, "update_input", UpdateInput{ID: "512", Properties: Properties{"lifecyclestage": "customer"}})
	roundTrip(t, "upsert_input", UpsertInput{ID: "ada@example.com", IDProperty: "email", Properties: props, ObjectWriteTraceID: "row-18"})
	roundTrip(t, "read_options", ReadOptions{Properties: []string{"email", "firstname"}, PropertiesWithHistory: []string{"firstname"},
		IDProperty: "email", Archived: true})
	roundTrip(t, "result", Result{ID: "512", Properties: props, PropertiesWithHistory: history,
		CreatedAt: at("2026-05-01T00:00:00Z"), UpdatedAt: at("2026-05-02T10:11:12.345Z"), Archived: true, ArchivedAt: &archived,
		New: true, ObjectWriteTraceID: "row-18", URL: "https://app.hubspot.com/contacts/123/record/0-1/512"})
	roundTrip(t, "result_bare", Result{ID: "513", Properties: Properties{"email": "b@example.com"},
		CreatedAt: at("2026-05-01T00:00:00Z"), UpdatedAt: at("2026-05-01T00:00:00Z")})
	roundTrip(t, "error_detail", ErrorDetail{Message: "Property values were not valid", Code: "INVALID_OPTION",
		In: "lifecyclestage", SubCategory: "PROPERTY_VALIDATION", Context: "{propertyName=[lifecyclestage]}"})
}

// TestEveryExportedTypeRoundTrips keeps the list above complete: every
// exported type of the package that has JSON field tags must be in it.
func TestEveryExportedTypeRoundTrips(t *testing.T) {
	covered := map[reflect.Type]bool{}
	for _, v := range []any{Properties{}, PropertyHistories{}, PropertyChange{}, AssociationTarget{}, AssociationType{},
		Association{}, CreateInput{}, UpdateInput{}, ReadOptions{}, Result{}, ErrorDetail{}} {
		covered[reflect.TypeOf(v)] = true
	}
	for _, v := range []any{CreateInput{}, UpdateInput{}, ReadOptions{}, Result{}, ErrorDetail{}, PropertyChange{}, Association{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Tag.Get("xml") == "" || f.Tag.Get("json") == "" {
				t.Errorf("%s.%s lacks a json or xml tag", typ.Name(), f.Name)
			}
			ft := f.Type
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.PkgPath() == typ.PkgPath() && !covered[ft] {
				t.Errorf("%s.%s is of type %s, which TestTypesRoundTrip does not cover", typ.Name(), f.Name, ft)
			}
		}
	}
}

// TestWireResultsRoundTripXML takes the results of recorded HubSpot
// answers through XML and back unchanged.
func TestWireResultsRoundTripXML(t *testing.T) {
	for _, name := range []string{"create_response_201.json", "update_response_207.json", "upsert_response_200.json", "read_response_207.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		br, err := decodeBatchResponse(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(br.Results) == 0 {
			t.Fatalf("%s: no results", name)
		}
		for _, r := range br.Results {
			var back Result
			if err := xml.Unmarshal(encodeXML(t, r), &back); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(r, back, sameValue); diff != "" {
				t.Errorf("%s: result %s through XML (-want +got):\n%s", name, r.ID, diff)
			}
		}
	}
}

// TestXMLRefusesMalformedProperties: a property without a name, a name
// given twice and a stray element are clear errors, not silently dropped.
func TestXMLRefusesMalformedProperties(t *testing.T) {
	for _, doc := range []string{
		`<input><properties><property>Ada</property></properties></input>`,
		`<input><properties><property name="email">a@x</property><property name="email">b@x</property></properties></input>`,
		`<input><properties><email>a@x</email></properties></input>`,
		`<result><propertiesWithHistory><property name="a"><change><timestamp>yesterday</timestamp></change></property></propertiesWithHistory></result>`,
	} {
		var err error
		if strings.HasPrefix(doc, "<input>") {
			err = xml.Unmarshal([]byte(doc), new(CreateInput))
		} else {
			err = xml.Unmarshal([]byte(doc), new(Result))
		}
		if err == nil {
			t.Errorf("%s decoded without error", doc)
		}
	}
	if _, err := xml.Marshal(CreateInput{Properties: Properties{"email": "nul\x00"}}); err == nil {
		t.Error("a value XML cannot carry was encoded")
	}
}

// FuzzPropertiesXML decodes arbitrary XML as Properties and as
// PropertyHistories: it may fail, never panic, and a decoded value encodes
// and decodes to the same value.
func FuzzPropertiesXML(f *testing.F) {
	f.Add([]byte(`<properties><property name="email">ada@example.com</property><property name="x">&#xD;&amp;</property></properties>`))
	f.Add([]byte(`<propertiesWithHistory><property name="a"><change><value>1</value><timestamp>2026-05-01T00:00:00.123Z</timestamp>` +
		`<sourceType>API</sourceType><updatedByUserId>7</updatedByUserId></change></property><property name="b"></property></propertiesWithHistory>`))
	f.Add([]byte(`<properties><property name="a"><b>x</b>y</property><!-- c --></properties>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Properties
		if xml.Unmarshal(data, &p) == nil {
			var back Properties
			if err := xml.Unmarshal(encodeXML(t, p), &back); err != nil {
				t.Fatalf("re-decode: %v", err)
			}
			if diff := cmp.Diff(p, back); diff != "" {
				t.Fatalf("properties re-decoded differ (-first +second):\n%s", diff)
			}
		}
		var h PropertyHistories
		if xml.Unmarshal(data, &h) == nil {
			var back PropertyHistories
			if err := xml.Unmarshal(encodeXML(t, h), &back); err != nil {
				t.Fatalf("re-decode: %v", err)
			}
			if diff := cmp.Diff(h, back, sameValue); diff != "" {
				t.Fatalf("histories re-decoded differ (-first +second):\n%s", diff)
			}
		}
	})
}
