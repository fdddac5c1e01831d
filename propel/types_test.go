package propel

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// The documented fields (issue 6, vendors.md 4.3): what each type may send.
var (
	documentedCustomer = []string{"source", "sourceId", "language", "debtorId", "firstName", "middleName",
		"lastName", "abbreviation", "title", "dateOfBirth", "gender", "ssn", "phone", "mobile", "email",
		"parent", "primaryLanguage", "addresses",
		"id"} // the bulk/id variant's key
	documentedAddress = []string{"type", "code", "company", "firstName", "middleName", "lastName", "gender",
		"street", "number", "numberExtension", "postalCode", "city", "region", "country", "phone", "mobile",
		"email", "url", "notes", "icp", "isDefault"}
	documentedParent = []string{"id", "source", "sourceId"}
	// the bulk company reference (rest-v2/bulk-companies-by-source-id), the
	// bulk/id variant's id, and the guide-only email, phone and sources
	documentedCompany = []string{"source", "sourceId", "language", "name", "parent", "taxNumber", "cocNumber",
		"debtorId", "department", "office", "notes", "inheritProductList", "inheritOrderList", "budget",
		"budgetInherit", "orderListAllowAll", "attributes", "addresses",
		"id"}
	guideOnlyCompany    = []string{"email", "phone", "sources"}
	documentedAttribute = []string{"class", "name", "type", "value"}
	documentedSource    = []string{"name", "id"}
)

// fill sets every field of the struct v points to a non-zero value.
func fill(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int64:
			f.SetInt(1)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			fill(f.Elem())
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			fill(f.Index(0))
		}
	}
}

// keysOf marshals v and returns its JSON keys, sorted.
func keysOf(t *testing.T, v any) []string {
	t.Helper()
	return slices.Sorted(maps.Keys(testkit.JSONFields(t, v)))
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestEveryDocumentedFieldAndNothingElse: a record with every field set
// sends exactly the documented keys, and an empty one sends none (the API
// rejects unknown keys and nulls, 10007).
func TestEveryDocumentedFieldAndNothingElse(t *testing.T) {
	t.Parallel()
	var full Customer
	fill(reflect.ValueOf(&full).Elem())
	if d := cmp.Diff(sorted(documentedCustomer), keysOf(t, full)); d != "" {
		t.Errorf("customer keys (-documented +sent):\n%s", d)
	}
	if d := cmp.Diff(sorted(documentedAddress), keysOf(t, full.Addresses[0])); d != "" {
		t.Errorf("address keys (-documented +sent):\n%s", d)
	}
	if d := cmp.Diff(sorted(documentedParent), keysOf(t, full.Parent)); d != "" {
		t.Errorf("parent keys (-documented +sent):\n%s", d)
	}
	var co Company
	fill(reflect.ValueOf(&co).Elem())
	if d := cmp.Diff(sorted(append(slices.Clone(documentedCompany), guideOnlyCompany...)), keysOf(t, co)); d != "" {
		t.Errorf("company keys (-documented +sent):\n%s", d)
	}
	if d := cmp.Diff(sorted(documentedAttribute), keysOf(t, co.Attributes[0])); d != "" {
		t.Errorf("attribute keys (-documented +sent):\n%s", d)
	}
	if d := cmp.Diff(sorted(documentedSource), keysOf(t, co.Sources[0])); d != "" {
		t.Errorf("sources entry keys (-documented +sent):\n%s", d)
	}
	for name, v := range map[string]any{"customer": Customer{}, "address": Address{}, "parent": Parent{},
		"contact": Contact{}, "company": Company{}, "customer with empty address": Customer{Addresses: []Address{{}}}} {
		b, _ := json.Marshal(v)
		want := "{}"
		if name == "customer with empty address" {
			want = `{"addresses":[{}]}`
		}
		if string(b) != want {
			t.Errorf("empty %s sends %s, want %s", name, b, want)
		}
	}
}
