package propel

import (
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := Customer{Source: "S", SourceID: "1"}
	addr := Address{Type: AddressDelivery, Street: "s", City: "c", Country: "NL"}
	with := func(f func(*Customer)) Customer { c := ok; f(&c); return c }
	tests := []struct {
		name      string
		c         Customer
		byID      bool
		wantField string // "" means valid
	}{
		{"minimal", ok, false, ""},
		{"full", with(func(c *Customer) {
			c.Language, c.Email, c.DateOfBirth, c.Gender, c.PrimaryLanguage = "NL", "a@b.nl", "2000-02-29", "M", "en"
			c.Addresses = []Address{addr, {Type: AddressInvoice, Street: "s", City: "c", Country: "BE", ICP: Yes, IsDefault: No, Gender: "U", Email: "x@y.be"}}
			c.Parent = &Parent{Source: "S", SourceID: "p"}
		}), false, ""},
		{"no source", with(func(c *Customer) { c.Source = "" }), false, "source"},
		{"no sourceId", with(func(c *Customer) { c.SourceID = " " }), false, "sourceId"},
		{"id in sourceId variant", with(func(c *Customer) { c.ID = 4 }), false, "id"},
		{"by id without id", ok, true, "id"},
		{"by id with sourceId but no source", Customer{ID: 3, SourceID: "x"}, true, "source"},
		{"by id", Customer{ID: 3}, true, ""},
		{"bad language", with(func(c *Customer) { c.Language = "NLD" }), false, "language"},
		{"bad email", with(func(c *Customer) { c.Email = "Ada <a@b.nl>" }), false, "email"},
		{"email without domain dot", with(func(c *Customer) { c.Email = "a@b" }), false, "email"},
		{"bad date", with(func(c *Customer) { c.DateOfBirth = "10-12-1815" }), false, "dateOfBirth"},
		{"impossible date", with(func(c *Customer) { c.DateOfBirth = "2001-02-29" }), false, "dateOfBirth"},
		{"lowercase gender", with(func(c *Customer) { c.Gender = "f" }), false, "gender"},
		{"bad primary language", with(func(c *Customer) { c.PrimaryLanguage = "1" }), false, "primaryLanguage"},
		{"parent both", with(func(c *Customer) { c.Parent = &Parent{ID: 1, Source: "S"} }), false, "parent"},
		{"parent empty", with(func(c *Customer) { c.Parent = &Parent{} }), false, "parent"},
		{"address no type", with(func(c *Customer) { a := addr; a.Type = ""; c.Addresses = []Address{a} }), false, "addresses[0].type"},
		{"address bad type", with(func(c *Customer) { a := addr; a.Type = "home"; c.Addresses = []Address{a} }), false, "addresses[0].type"},
		{"address no street", with(func(c *Customer) { a := addr; a.Street = ""; c.Addresses = []Address{addr, a} }), false, "addresses[1].street"},
		{"address no city", with(func(c *Customer) { a := addr; a.City = ""; c.Addresses = []Address{a} }), false, "addresses[0].city"},
		{"address 3-letter country", with(func(c *Customer) { a := addr; a.Country = "NLD"; c.Addresses = []Address{a} }), false, "addresses[0].country"},
		{"address lowercase country", with(func(c *Customer) { a := addr; a.Country = "nl"; c.Addresses = []Address{a} }), false, "addresses[0].country"},
		{"address bad flag", with(func(c *Customer) { a := addr; a.IsDefault = "yes"; c.Addresses = []Address{a} }), false, "addresses[0].isDefault"},
		{"address bad icp", with(func(c *Customer) { a := addr; a.ICP = "1"; c.Addresses = []Address{a} }), false, "addresses[0].icp"},
		{"address bad email", with(func(c *Customer) { a := addr; a.Email = "x"; c.Addresses = []Address{a} }), false, "addresses[0].email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateCustomer(tt.c, tt.byID)
			got := ""
			var ve *Error
			if errors.As(err, &ve) {
				got = ve.Field
				if !errors.Is(err, batch.ErrInvalid) || !ve.Local {
					t.Error("not a local batch.ErrInvalid")
				}
			} else if err != nil {
				t.Fatalf("untyped error %v", err)
			}
			if d := cmp.Diff(tt.wantField, got); d != "" {
				t.Fatalf("field (-want +got):\n%s (err %v)", d, err)
			}
		})
	}
}

func TestValidateCompanyAndContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		wantField string
	}{
		{"company ok", validateCompany(Company{Source: "S", SourceID: "1", Language: "NL", Budget: Yes, OrderListAllowAll: "U"}, false), ""},
		{"company needs language", validateCompany(Company{Source: "S", SourceID: "1"}, false), "language"},
		{"company bad flag", validateCompany(Company{ID: 1, InheritOrderList: "true"}, true), "inheritOrderList"},
		{"company bad orderListAllowAll", validateCompany(Company{ID: 1, OrderListAllowAll: "X"}, true), "orderListAllowAll"},
		{"company bad email", validateCompany(Company{ID: 1, Email: "@"}, true), "email"},
		{"company bad address", validateCompany(Company{ID: 1, Addresses: []Address{{Type: AddressInvoice}}}, true), "addresses[0].street"},
		{"company budget H", validateCompany(Company{ID: 1, Budget: "H"}, true), ""},
		{"company bad budget", validateCompany(Company{ID: 1, Budget: "X"}, true), "budget"},
		{"company guide sources", validateCompany(Company{Sources: []CompanySource{{Name: "ERP", ID: "1"}}, Language: "NL"}, false), ""},
		{"company sources and flat", validateCompany(Company{Source: "ERP", SourceID: "1", Language: "NL", Sources: []CompanySource{{Name: "ERP", ID: "1"}}}, false), "sources"},
		{"company two sources", validateCompany(Company{Language: "NL", Sources: []CompanySource{{Name: "A", ID: "1"}, {Name: "B", ID: "2"}}}, false), "sources"},
		{"company sources without id", validateCompany(Company{Language: "NL", Sources: []CompanySource{{Name: "A"}}}, false), "sources[0]"},
		{"company sources by id", validateCompany(Company{ID: 1, Sources: []CompanySource{{Name: "A", ID: "1"}}}, true), "sources"},
		{"company attribute ok", validateCompany(Company{ID: 1, Attributes: []Attribute{{Class: "company", Name: "CREDIT_LIMIT_2", Type: "integer", Value: "1"}}}, true), ""},
		{"company attribute lower-case name", validateCompany(Company{ID: 1, Attributes: []Attribute{{Class: "company", Name: "credit", Type: "text"}}}, true), "attributes[0].name"},
		{"company attribute without class", validateCompany(Company{ID: 1, Attributes: []Attribute{{Name: "A", Type: "text"}}}, true), "attributes[0].class"},
		{"company attribute without type", validateCompany(Company{ID: 1, Attributes: []Attribute{{Class: "company", Name: "A"}}}, true), "attributes[0].type"},
		{"contact ok without language", validateContact(Contact{Source: "S", SourceID: "1", Parent: &Parent{ID: 2}}, false), ""},
		{"contact bad gender", validateContact(Contact{ID: 1, Gender: "male"}, true), "gender"},
		{"contact bad parent id", validateContact(Contact{ID: 1, Parent: &Parent{ID: -1}}, true), "parent.id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			var ve *Error
			if errors.As(tt.err, &ve) {
				got = ve.Field
			} else if tt.err != nil {
				t.Fatalf("untyped error %v", tt.err)
			}
			if got != tt.wantField {
				t.Fatalf("field %q, want %q (%v)", got, tt.wantField, tt.err)
			}
		})
	}
}

func TestSplitNamed(t *testing.T) {
	t.Parallel()
	e := &Error{Messages: []string{
		"#/customers/1: extraneous key [company] is not permitted",
		"#/customers/1/addresses/0: required key [city] not found",
		"#/customers/3/gender: X is not a valid enum value",
		"#/customers/9: out of range",
		"#/contacts/0: other field",
	}}
	e.HTTPStatus = 400
	codes.Apply(&e.APIError, CodeSchemaValidation)
	res := splitNamed(e, "customers", 4)
	if len(res) != 4 {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res {
		_, resent := r.Err.(*heldBack)
		if resent == (i == 1 || i == 3) {
			t.Fatalf("record %d: %v", i, r.Err)
		}
		if resent && (!batch.IsRetryable(r.Err) || batch.MaxAttemptsOf(r.Err) != 5) {
			t.Fatalf("record %d should be resent up to 5 times: %v", i, r.Err)
		}
	}
	var pe *Error
	errors.As(res[1].Err, &pe)
	if d := cmp.Diff(e.Messages[:2], pe.Messages); d != "" {
		t.Fatalf("record 1 messages (-want +got):\n%s", d)
	}
	if splitNamed(&Error{Messages: []string{"#: extraneous key [x] is not permitted"}}, "customers", 3) != nil {
		t.Fatal("a message naming no item must leave the chunk to isolation")
	}
}
