package agiliron

import "encoding/xml"

// Account is one Agiliron account as the Bulk-Accounts resource writes it,
// with the fields of the Add Bulk Accounts and Read Account samples
// (api.agiliron.com/docs/add-bulk-accounts, read-account-1). Every value is
// a string written the way Agiliron writes it. AccountNumber is generated
// by Agiliron and cannot be updated (update-account-1); it is omitted from
// the wire when empty, as AccountID is for a new account.
//
// An update replaces the whole record: every writable field left empty is
// written as empty (NULL) on Agiliron's side. The samples this type was
// built from end before the address fields; fields Agiliron has and this
// type lacks are not sent, so check what an update leaves on a test
// account before relying on it (see the package doc).
//
// AccountName is required (Agiliron's account form marks it mandatory,
// learn.agiliron.com/docs/account-form-fields). ParentCompany is mandatory
// in the form too ("Self" when there is none); it is left to Agiliron.
type Account struct {
	XMLName        xml.Name     `json:"-" xml:"Account"`
	AccountID      string       `json:"AccountID,omitempty" xml:"AccountID,omitempty"`
	AccountNumber  string       `json:"AccountNumber,omitempty" xml:"AccountNumber,omitempty"`
	ParentCompany  string       `json:"ParentCompany" xml:"ParentCompany"`
	AccountName    string       `json:"AccountName" xml:"AccountName"`
	Website        string       `json:"Website" xml:"Website"`
	Telephone      string       `json:"Telephone" xml:"Telephone"`
	Fax            string       `json:"Fax" xml:"Fax"`
	TickerSymbol   string       `json:"TickerSymbol" xml:"TickerSymbol"`
	OtherPhone     string       `json:"OtherPhone" xml:"OtherPhone"`
	Email          string       `json:"Email" xml:"Email"`
	Employees      string       `json:"Employees" xml:"Employees"`
	OtherEmail     string       `json:"OtherEmail" xml:"OtherEmail"`
	Ownership      string       `json:"Ownership" xml:"Ownership"`
	Rating         string       `json:"Rating" xml:"Rating"`
	Industry       string       `json:"Industry" xml:"Industry"`
	SICCode        string       `json:"SICCode" xml:"SICCode"`
	Type           string       `json:"Type" xml:"Type"`
	AnnualRevenue  string       `json:"AnnualRevenue" xml:"AnnualRevenue"`
	SalesManager   string       `json:"SalesManager" xml:"SalesManager"`
	AssignedToUser string       `json:"AssignedToUser" xml:"AssignedToUser"`
	CreatedTime    string       `json:"CreatedTime" xml:"CreatedTime"`
	ModifiedTime   string       `json:"ModifiedTime" xml:"ModifiedTime"`
	CustomFields   CustomFields `json:"CustomFields,omitempty" xml:"CustomFields,omitempty"`
}

// plainAccount is Account without its methods, for the JSON codec.
type plainAccount Account

// MarshalJSON writes the account without HTML escaping, its custom
// fields wrapped as {"CustomFields":{"CustomField":[…]}} when it has any.
func (a Account) MarshalJSON() ([]byte, error) { return a.appendJSON(make([]byte, 0, 1024)), nil }

// UnmarshalJSON reads an account into a fresh value (no field of the
// old one is kept), its custom fields given as one object or a list under
// CustomFields.CustomField.
func (a *Account) UnmarshalJSON(b []byte) error { return unmarshalFresh(b, (*plainAccount)(a)) }
