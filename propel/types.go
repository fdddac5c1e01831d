package propel

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
)

// YN is a Propel flag, sent as the string "Y" or "N". The zero value is
// left out of the request (the API's default applies).
type YN string

// The two flag values.
const (
	Yes YN = "Y"
	No  YN = "N"
)

// Flag returns Yes for true and No for false.
func Flag(b bool) YN {
	if b {
		return Yes
	}
	return No
}

// Gender values accepted by the API.
const (
	GenderMale      = "M"
	GenderFemale    = "F"
	GenderUndefined = "U"
)

// Address types.
const (
	AddressDelivery = "delivery"
	AddressInvoice  = "invoice"
)

// Parent identifies a parent company: by Propeller ID, or by Source and
// SourceID.
type Parent struct {
	XMLName  xml.Name `json:"-" xml:"parent"`
	ID       int64    `json:"id,omitempty" xml:"id,omitempty"`
	Source   string   `json:"source,omitempty" xml:"source,omitempty"`
	SourceID string   `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
}

// Address is a customer's or company's address. Type, Street, City and
// Country are required; Code is your own key for the address (the API
// matches addresses on it).
type Address struct {
	XMLName xml.Name `json:"-" xml:"address"`
	// Type is AddressDelivery or AddressInvoice.
	Type            string `json:"type,omitempty" xml:"type,omitempty"`
	Code            string `json:"code,omitempty" xml:"code,omitempty"`
	Company         string `json:"company,omitempty" xml:"company,omitempty"`
	FirstName       string `json:"firstName,omitempty" xml:"firstName,omitempty"`
	MiddleName      string `json:"middleName,omitempty" xml:"middleName,omitempty"`
	LastName        string `json:"lastName,omitempty" xml:"lastName,omitempty"`
	Gender          string `json:"gender,omitempty" xml:"gender,omitempty"`
	Street          string `json:"street,omitempty" xml:"street,omitempty"`
	Number          string `json:"number,omitempty" xml:"number,omitempty"`
	NumberExtension string `json:"numberExtension,omitempty" xml:"numberExtension,omitempty"`
	PostalCode      string `json:"postalCode,omitempty" xml:"postalCode,omitempty"`
	City            string `json:"city,omitempty" xml:"city,omitempty"`
	Region          string `json:"region,omitempty" xml:"region,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code, e.g. "NL".
	Country string `json:"country,omitempty" xml:"country,omitempty"`
	Phone   string `json:"phone,omitempty" xml:"phone,omitempty"`
	Mobile  string `json:"mobile,omitempty" xml:"mobile,omitempty"`
	Email   string `json:"email,omitempty" xml:"email,omitempty"`
	URL     string `json:"url,omitempty" xml:"url,omitempty"`
	Notes   string `json:"notes,omitempty" xml:"notes,omitempty"`
	// ICP marks an intra-community (EU) address; default N.
	ICP YN `json:"icp,omitempty" xml:"icp,omitempty"`
	// IsDefault marks the default address of its type; default N.
	IsDefault YN `json:"isDefault,omitempty" xml:"isDefault,omitempty"`
}

// Customer is a B2C customer. For Customers().UpsertBySourceID, Source, SourceID
// and Language identify it; for Customers().UpsertByID, ID does. Every empty
// field is left out of the request.
type Customer struct {
	XMLName xml.Name `json:"-" xml:"customer"`
	// ID is Propeller's customer id (the key of Customers().UpsertByID only).
	ID int64 `json:"id,omitempty" xml:"id,omitempty"`
	// Source names your system, e.g. "MY_CRM".
	Source string `json:"source,omitempty" xml:"source,omitempty"`
	// SourceID is the customer's id in Source.
	SourceID string `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
	// Language is the record's language (ISO 639-1, e.g. "NL").
	Language     string `json:"language,omitempty" xml:"language,omitempty"`
	DebtorID     string `json:"debtorId,omitempty" xml:"debtorId,omitempty"`
	FirstName    string `json:"firstName,omitempty" xml:"firstName,omitempty"`
	MiddleName   string `json:"middleName,omitempty" xml:"middleName,omitempty"`
	LastName     string `json:"lastName,omitempty" xml:"lastName,omitempty"`
	Abbreviation string `json:"abbreviation,omitempty" xml:"abbreviation,omitempty"`
	Title        string `json:"title,omitempty" xml:"title,omitempty"`
	// DateOfBirth is YYYY-MM-DD.
	DateOfBirth string `json:"dateOfBirth,omitempty" xml:"dateOfBirth,omitempty"`
	// Gender is GenderMale, GenderFemale or GenderUndefined.
	Gender string `json:"gender,omitempty" xml:"gender,omitempty"`
	// SSN is sent as given but never printed, logged or put in an error
	// (see the package doc).
	SSN    string  `json:"ssn,omitempty" xml:"ssn,omitempty"`
	Phone  string  `json:"phone,omitempty" xml:"phone,omitempty"`
	Mobile string  `json:"mobile,omitempty" xml:"mobile,omitempty"`
	Email  string  `json:"email,omitempty" xml:"email,omitempty"`
	Parent *Parent `json:"parent,omitempty" xml:"parent,omitempty"`
	// PrimaryLanguage is ISO 639-1.
	PrimaryLanguage string    `json:"primaryLanguage,omitempty" xml:"primaryLanguage,omitempty"`
	Addresses       []Address `json:"addresses,omitempty" xml:"address"`
}

// LogValue keeps the SSN out of slog output.
func (c Customer) LogValue() slog.Value {
	return personLog(c.ID, c.Source, c.SourceID, c.Language, c.SSN)
}

// String prints the customer's fields (as %+v would) with the SSN redacted.
func (c Customer) String() string {
	type plain Customer
	p := plain(c)
	if p.SSN != "" {
		p.SSN = redacted
	}
	return fmt.Sprintf("%+v", p)
}

// GoString is String for %#v.
func (c Customer) GoString() string { return "propel.Customer" + c.String() }

// Contact is a person working for a company (B2B). Its Parent is the
// company, which must exist before the contact is sent. For
// Contacts().UpsertBySourceID, Source and SourceID (with Language when given)
// identify it; for Contacts().UpsertByID, ID does.
type Contact struct {
	XMLName xml.Name `json:"-" xml:"contact"`
	// ID is Propeller's contact id (the key of Contacts().UpsertByID only).
	ID           int64  `json:"id,omitempty" xml:"id,omitempty"`
	Source       string `json:"source,omitempty" xml:"source,omitempty"`
	SourceID     string `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
	Language     string `json:"language,omitempty" xml:"language,omitempty"`
	DebtorID     string `json:"debtorId,omitempty" xml:"debtorId,omitempty"`
	FirstName    string `json:"firstName,omitempty" xml:"firstName,omitempty"`
	MiddleName   string `json:"middleName,omitempty" xml:"middleName,omitempty"`
	LastName     string `json:"lastName,omitempty" xml:"lastName,omitempty"`
	Abbreviation string `json:"abbreviation,omitempty" xml:"abbreviation,omitempty"`
	Title        string `json:"title,omitempty" xml:"title,omitempty"`
	// DateOfBirth is YYYY-MM-DD.
	DateOfBirth string `json:"dateOfBirth,omitempty" xml:"dateOfBirth,omitempty"`
	// Gender is GenderMale, GenderFemale or GenderUndefined.
	Gender string `json:"gender,omitempty" xml:"gender,omitempty"`
	// SSN is sent as given but never printed, logged or put in an error
	// (see the package doc).
	SSN     string `json:"ssn,omitempty" xml:"ssn,omitempty"`
	Phone   string `json:"phone,omitempty" xml:"phone,omitempty"`
	Mobile  string `json:"mobile,omitempty" xml:"mobile,omitempty"`
	Email   string `json:"email,omitempty" xml:"email,omitempty"`
	Company string `json:"company,omitempty" xml:"company,omitempty"`
	// Parent is the contact's company.
	Parent *Parent `json:"parent,omitempty" xml:"parent,omitempty"`
	// PrimaryLanguage is ISO 639-1.
	PrimaryLanguage string `json:"primaryLanguage,omitempty" xml:"primaryLanguage,omitempty"`
}

// LogValue keeps the SSN out of slog output.
func (c Contact) LogValue() slog.Value {
	return personLog(c.ID, c.Source, c.SourceID, c.Language, c.SSN)
}

// String prints the contact's fields (as %+v would) with the SSN redacted.
func (c Contact) String() string {
	type plain Contact
	p := plain(c)
	if p.SSN != "" {
		p.SSN = redacted
	}
	return fmt.Sprintf("%+v", p)
}

// GoString is String for %#v.
func (c Contact) GoString() string { return "propel.Contact" + c.String() }

// redacted replaces an SSN in printed records.
const redacted = "REDACTED"

// Company is a B2B company. For Companies().UpsertBySourceID, Source, SourceID
// and Language (all required) identify it; for Companies().UpsertByID, ID does.
//
// The fields are those of Propeller's reference for the bulk company
// endpoints (docs.propeller-commerce.com/rest-v2/bulk-companies-by-source-id
// and …/bulk-companies-by-id): name, language, parent, taxNumber,
// cocNumber, debtorId, department, office, notes, the inherit and budget
// flags, orderListAllowAll, attributes and addresses. Email, Phone and
// Sources appear only in the integration guide's example
// (…/integrations/domain-guides/users/import-companies-contacts-and-customers),
// not in the reference; they are sent only when set, and a server that
// follows the reference refuses them with 10007 ("extraneous key"), which
// fails that company alone (see the package doc).
type Company struct {
	XMLName xml.Name `json:"-" xml:"company"`
	// ID is Propeller's company id (the key of Companies().UpsertByID only).
	ID       int64  `json:"id,omitempty" xml:"id,omitempty"`
	Source   string `json:"source,omitempty" xml:"source,omitempty"`
	SourceID string `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
	// Sources is the integration guide's way of naming the company's
	// origin, "sources":[{"name":"MY_ERP","id":"1032644"}], in place of
	// Source and SourceID (give one form, not both; at most one entry).
	// Guide-only: the reference lists flat source and sourceId.
	Sources    []CompanySource `json:"sources,omitempty" xml:"sources"`
	Language   string          `json:"language,omitempty" xml:"language,omitempty"`
	Name       string          `json:"name,omitempty" xml:"name,omitempty"`
	Parent     *Parent         `json:"parent,omitempty" xml:"parent,omitempty"`
	TaxNumber  string          `json:"taxNumber,omitempty" xml:"taxNumber,omitempty"`
	CocNumber  string          `json:"cocNumber,omitempty" xml:"cocNumber,omitempty"`
	DebtorID   string          `json:"debtorId,omitempty" xml:"debtorId,omitempty"`
	Department string          `json:"department,omitempty" xml:"department,omitempty"`
	Office     string          `json:"office,omitempty" xml:"office,omitempty"`
	Notes      string          `json:"notes,omitempty" xml:"notes,omitempty"`
	// Email is guide-only: the bulk reference does not list it.
	Email string `json:"email,omitempty" xml:"email,omitempty"`
	// Phone is guide-only: the bulk reference does not list it.
	Phone string `json:"phone,omitempty" xml:"phone,omitempty"`
	// InheritProductList defaults to Y.
	InheritProductList YN `json:"inheritProductList,omitempty" xml:"inheritProductList,omitempty"`
	// InheritOrderList defaults to Y.
	InheritOrderList YN `json:"inheritOrderList,omitempty" xml:"inheritOrderList,omitempty"`
	// Budget defaults to N. The Companies page also documents "H"
	// (contacts use a budget and may order outside it): YN("H").
	Budget YN `json:"budget,omitempty" xml:"budget,omitempty"`
	// BudgetInherit defaults to Y.
	BudgetInherit YN `json:"budgetInherit,omitempty" xml:"budgetInherit,omitempty"`
	// OrderListAllowAll is "Y", "N" or "U" (the default).
	OrderListAllowAll string `json:"orderListAllowAll,omitempty" xml:"orderListAllowAll,omitempty"`
	// Attributes sets attribute values on the company in the same call.
	Attributes []Attribute `json:"attributes,omitempty" xml:"attribute"`
	Addresses  []Address   `json:"addresses,omitempty" xml:"address"`
}

// sourceRef returns the company's source and sourceId, from the flat
// fields or from the guide's one-entry Sources.
func (c Company) sourceRef() (source, sourceID string) {
	if c.Source == "" && c.SourceID == "" && len(c.Sources) == 1 {
		return c.Sources[0].Name, c.Sources[0].ID
	}
	return c.Source, c.SourceID
}

// CompanySource is one entry of the integration guide's "sources" array.
type CompanySource struct {
	XMLName xml.Name `json:"-" xml:"sources"`
	// Name is the source system, e.g. "MY_ERP".
	Name string `json:"name,omitempty" xml:"name,omitempty"`
	// ID is the company's id in that system.
	ID string `json:"id,omitempty" xml:"id,omitempty"`
}

// Attribute sets one attribute value on a record, as an element of the
// bulk endpoints' "attributes" array: {"class","name","type","value"}
// (docs.propeller-commerce.com/rest-v2/bulk-users-by-source-id shows the
// element; …/rest/bulk-resource-attribute-values-by-resource-lookup-key
// describes its fields). The attribute must already be defined in
// Propeller (Backoffice, or the attributes endpoints).
type Attribute struct {
	XMLName xml.Name `json:"-" xml:"attribute"`
	// Class is the kind of resource the attribute is defined for.
	Class string `json:"class,omitempty" xml:"class,attr,omitempty"`
	// Name is the attribute's name: capitals, digits and "_", e.g. "CREDIT_LIMIT".
	Name string `json:"name,omitempty" xml:"name,attr,omitempty"`
	// Type is the attribute's value type, e.g. "text", "enum", "integer".
	Type string `json:"type,omitempty" xml:"type,attr,omitempty"`
	// Value is the value as text. An empty Value is left out, which the
	// API reads as "delete this record's value" (it then inherits its
	// parent's).
	Value string `json:"value,omitempty" xml:",chardata"`
}

// Result is the API's answer for one record: an entry of the bulk
// response's data, matched to the record by its key.
type Result struct {
	XMLName xml.Name `json:"-" xml:"result"`
	// Action is "create" or "update".
	Action string `json:"action,omitempty" xml:"action,omitempty"`
	// ID is Propeller's id of the record.
	ID int64 `json:"id,omitempty" xml:"id,omitempty"`
	// Key echoes the record's lookup value (sourceId, id or an address's
	// code) as text.
	Key string `json:"key,omitempty" xml:"key,omitempty"`
	// LookupKey is "sourceId", "id" or "code".
	LookupKey string `json:"lookupKey,omitempty" xml:"lookupKey,omitempty"`
	// Success is the entry's success flag.
	Success bool `json:"success" xml:"success"`
	// Messages is what the API said about this record, when it said
	// anything (a failed entry's message or error), with any SSN of the
	// request replaced by "REDACTED".
	Messages []string `json:"messages,omitempty" xml:"message"`
	// Raw is a failed entry as the API sent it, for members this package
	// does not know. When it holds an SSN of the request or a secret,
	// those values are replaced by "REDACTED" and it is encoded again.
	// In XML it is the same JSON text, escaped, as the element's content.
	Raw json.RawMessage `json:"raw,omitempty" xml:"raw,omitempty"`
}

// UnmarshalXML reads a <result>, refusing a <raw> that is not JSON (an
// empty one is no raw entry).
func (r *Result) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain Result
	var p plain
	if err := d.DecodeElement(&p, &start); err != nil {
		return err
	}
	if len(bytes.TrimSpace(p.Raw)) == 0 {
		p.Raw = nil
	} else if !json.Valid(p.Raw) {
		return errors.New("propel: the <raw> of a <result> is not JSON")
	}
	*r = Result(p)
	return nil
}

func personLog(id int64, source, sourceID, language, ssn string) slog.Value {
	attrs := []slog.Attr{}
	if id != 0 {
		attrs = append(attrs, slog.String("id", strconv.FormatInt(id, 10)))
	}
	if sourceID != "" {
		attrs = append(attrs, slog.String("source", source), slog.String("sourceId", sourceID), slog.String("language", language))
	}
	if ssn != "" {
		attrs = append(attrs, slog.String("ssn", redacted))
	}
	return slog.GroupValue(attrs...)
}
