package propel

import (
	"strconv"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// The writers below produce exactly what json.Marshal produces for each
// request type: members in field order, every `omitempty` member left out
// when empty, strings escaped as encoding/json escapes them (HTML-safe).
// TestAppendMatchesMarshal holds them to that, field by field.

// object appends the members of one JSON object.
type object struct {
	b    []byte
	open bool
}

// key starts the member name: `{"name":` or `,"name":`. Names are plain
// ASCII and need no escaping.
func (o *object) key(name string) {
	if o.open {
		o.b = append(o.b, ',', '"')
	} else {
		o.b = append(o.b, '{', '"')
		o.open = true
	}
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

// str writes a string member unless v is empty.
func (o *object) str(name, v string) {
	if v != "" {
		o.key(name)
		o.b = codec.AppendJSONString(o.b, v, true)
	}
}

// int writes an integer member unless v is 0.
func (o *object) int(name string, v int64) {
	if v != 0 {
		o.key(name)
		o.b = strconv.AppendInt(o.b, v, 10)
	}
}

// parent writes a parent member unless p is nil.
func (o *object) parent(p *Parent) {
	if p != nil {
		o.key("parent")
		o.b = appendParent(o.b, p)
	}
}

// end closes the object ("{}" when no member was written).
func (o *object) end() []byte {
	if !o.open {
		return append(o.b, '{', '}')
	}
	return append(o.b, '}')
}

// list writes a non-empty array member, each element by appendElem.
func list[T any](o *object, name string, elems []T, appendElem func([]byte, *T) []byte) {
	if len(elems) == 0 {
		return
	}
	o.key(name)
	o.b = append(o.b, '[')
	for i := range elems {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendElem(o.b, &elems[i])
	}
	o.b = append(o.b, ']')
}

func appendParent(dst []byte, p *Parent) []byte {
	o := object{b: dst}
	o.int("id", p.ID)
	o.str("source", p.Source)
	o.str("sourceId", p.SourceID)
	return o.end()
}

// appendBulkAddress writes an address as the bulk addresses endpoint's
// body carries it.
func appendBulkAddress(dst []byte, a Address) []byte { return appendAddress(dst, &a) }

func appendAddress(dst []byte, a *Address) []byte {
	o := object{b: dst}
	o.str("type", a.Type)
	o.str("code", a.Code)
	o.str("company", a.Company)
	o.str("firstName", a.FirstName)
	o.str("middleName", a.MiddleName)
	o.str("lastName", a.LastName)
	o.str("gender", a.Gender)
	o.str("street", a.Street)
	o.str("number", a.Number)
	o.str("numberExtension", a.NumberExtension)
	o.str("postalCode", a.PostalCode)
	o.str("city", a.City)
	o.str("region", a.Region)
	o.str("country", a.Country)
	o.str("phone", a.Phone)
	o.str("mobile", a.Mobile)
	o.str("email", a.Email)
	o.str("url", a.URL)
	o.str("notes", a.Notes)
	o.str("icp", string(a.ICP))
	o.str("isDefault", string(a.IsDefault))
	return o.end()
}

func appendCustomer(dst []byte, c Customer) []byte {
	o := object{b: dst}
	o.int("id", c.ID)
	o.str("source", c.Source)
	o.str("sourceId", c.SourceID)
	o.str("language", c.Language)
	o.str("debtorId", c.DebtorID)
	o.str("firstName", c.FirstName)
	o.str("middleName", c.MiddleName)
	o.str("lastName", c.LastName)
	o.str("abbreviation", c.Abbreviation)
	o.str("title", c.Title)
	o.str("dateOfBirth", c.DateOfBirth)
	o.str("gender", c.Gender)
	o.str("ssn", c.SSN)
	o.str("phone", c.Phone)
	o.str("mobile", c.Mobile)
	o.str("email", c.Email)
	o.parent(c.Parent)
	o.str("primaryLanguage", c.PrimaryLanguage)
	list(&o, "addresses", c.Addresses, appendAddress)
	return o.end()
}

func appendContact(dst []byte, c Contact) []byte {
	o := object{b: dst}
	o.int("id", c.ID)
	o.str("source", c.Source)
	o.str("sourceId", c.SourceID)
	o.str("language", c.Language)
	o.str("debtorId", c.DebtorID)
	o.str("firstName", c.FirstName)
	o.str("middleName", c.MiddleName)
	o.str("lastName", c.LastName)
	o.str("abbreviation", c.Abbreviation)
	o.str("title", c.Title)
	o.str("dateOfBirth", c.DateOfBirth)
	o.str("gender", c.Gender)
	o.str("ssn", c.SSN)
	o.str("phone", c.Phone)
	o.str("mobile", c.Mobile)
	o.str("email", c.Email)
	o.str("company", c.Company)
	o.parent(c.Parent)
	o.str("primaryLanguage", c.PrimaryLanguage)
	return o.end()
}

func appendCompanySource(dst []byte, s *CompanySource) []byte {
	o := object{b: dst}
	o.str("name", s.Name)
	o.str("id", s.ID)
	return o.end()
}

func appendAttribute(dst []byte, a *Attribute) []byte {
	o := object{b: dst}
	o.str("class", a.Class)
	o.str("name", a.Name)
	o.str("type", a.Type)
	o.str("value", a.Value)
	return o.end()
}

func appendCompany(dst []byte, c Company) []byte {
	o := object{b: dst}
	o.int("id", c.ID)
	o.str("source", c.Source)
	o.str("sourceId", c.SourceID)
	list(&o, "sources", c.Sources, appendCompanySource)
	o.str("language", c.Language)
	o.str("name", c.Name)
	o.parent(c.Parent)
	o.str("taxNumber", c.TaxNumber)
	o.str("cocNumber", c.CocNumber)
	o.str("debtorId", c.DebtorID)
	o.str("department", c.Department)
	o.str("office", c.Office)
	o.str("notes", c.Notes)
	o.str("email", c.Email)
	o.str("phone", c.Phone)
	o.str("inheritProductList", string(c.InheritProductList))
	o.str("inheritOrderList", string(c.InheritOrderList))
	o.str("budget", string(c.Budget))
	o.str("budgetInherit", string(c.BudgetInherit))
	o.str("orderListAllowAll", c.OrderListAllowAll)
	list(&o, "attributes", c.Attributes, appendAttribute)
	list(&o, "addresses", c.Addresses, appendAddress)
	return o.end()
}
