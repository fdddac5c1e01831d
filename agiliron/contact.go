package agiliron

import "encoding/xml"

// Contact is one Agiliron contact as the Bulk-Contacts resource writes it,
// with the fields of the Add Bulk Contacts sample
// (api.agiliron.com/docs/add-bulk-contacts-1). Every value is a string
// written the way Agiliron writes it: picklists hold "--None--" when unset,
// Birthday looks like "01-21-2020" (MM-DD-YYYY), date-times like
// "01-24-2020 05:32:01", DoNotCall and EmailOptOut are "0"/"1" (reads show
// "No"/"Yes").
//
// An update replaces the whole record: every writable field left empty is
// written as empty (NULL) on Agiliron's side. Send each contact complete,
// as read.
//
// ContactID is omitted from the wire when empty (a new contact); every other
// field is always sent. CustomFields is sent as
// {"CustomFields":{"CustomField":[…]}} (<CustomFields><CustomField>…) when
// non-empty.
type Contact struct {
	XMLName        xml.Name     `json:"-" xml:"Contact"`
	ContactID      string       `json:"ContactId,omitempty" xml:"ContactId,omitempty"`
	Salutation     string       `json:"Salutation" xml:"Salutation"`
	FirstName      string       `json:"FirstName" xml:"FirstName"`
	LastName       string       `json:"LastName" xml:"LastName"`
	OfficePhone    string       `json:"OfficePhone" xml:"OfficePhone"`
	Mobile         string       `json:"Mobile" xml:"Mobile"`
	HomePhone      string       `json:"HomePhone" xml:"HomePhone"`
	OtherPhone     string       `json:"OtherPhone" xml:"OtherPhone"`
	Fax            string       `json:"Fax" xml:"Fax"`
	AccountName    string       `json:"AccountName" xml:"AccountName"`
	AccountID      string       `json:"AccountID" xml:"AccountID"`
	VendorName     string       `json:"VendorName" xml:"VendorName"`
	VendorID       string       `json:"VendorID" xml:"VendorID"`
	ContactType    string       `json:"ContactType" xml:"ContactType"`
	Title          string       `json:"Title" xml:"Title"`
	Department     string       `json:"Department" xml:"Department"`
	Email          string       `json:"Email" xml:"Email"`
	ReportsTo      string       `json:"ReportsTo" xml:"ReportsTo"`
	ReportsToID    string       `json:"ReportsToID" xml:"ReportsToID"`
	Assistant      string       `json:"Assistant" xml:"Assistant"`
	YahooID        string       `json:"YahooID" xml:"YahooID"`
	AssistantPhone string       `json:"AssistantPhone" xml:"AssistantPhone"`
	DoNotCall      string       `json:"DoNotCall" xml:"DoNotCall"`
	EmailOptOut    string       `json:"EmailOptOut" xml:"EmailOptOut"`
	AssignedToUser string       `json:"AssignedToUser" xml:"AssignedToUser"`
	LeadSource     string       `json:"LeadSource" xml:"LeadSource"`
	Birthday       string       `json:"Birthday" xml:"Birthday"`
	ContactProfile string       `json:"ContactProfile" xml:"ContactProfile"`
	MailingStreet  string       `json:"MailingStreet" xml:"MailingStreet"`
	MailingCity    string       `json:"MailingCity" xml:"MailingCity"`
	MailingState   string       `json:"MailingState" xml:"MailingState"`
	MailingZip     string       `json:"MailingZip" xml:"MailingZip"`
	MailingCountry string       `json:"MailingCountry" xml:"MailingCountry"`
	OtherStreet    string       `json:"OtherStreet" xml:"OtherStreet"`
	OtherCity      string       `json:"OtherCity" xml:"OtherCity"`
	OtherState     string       `json:"OtherState" xml:"OtherState"`
	OtherZip       string       `json:"OtherZip" xml:"OtherZip"`
	OtherCountry   string       `json:"OtherCountry" xml:"OtherCountry"`
	CreatedTime    string       `json:"CreatedTime" xml:"CreatedTime"`
	ModifiedTime   string       `json:"ModifiedTime" xml:"ModifiedTime"`
	Description    string       `json:"Description" xml:"Description"`
	B2BCustomer    string       `json:"B2BCustomer" xml:"B2BCustomer"`
	B2BChannels    string       `json:"B2BChannels" xml:"B2BChannels"`
	CustomFields   CustomFields `json:"CustomFields,omitempty" xml:"CustomFields,omitempty"`
}

// plainContact is Contact without its methods, for the JSON codec.
type plainContact Contact

// MarshalJSON writes the contact without HTML escaping, its custom
// fields wrapped as {"CustomFields":{"CustomField":[…]}} when it has any.
func (c Contact) MarshalJSON() ([]byte, error) { return c.appendJSON(make([]byte, 0, 1024)), nil }

// UnmarshalJSON reads a contact into a fresh value (no field of the
// old one is kept), its custom fields given as one object or a list under
// CustomFields.CustomField.
func (c *Contact) UnmarshalJSON(b []byte) error { return unmarshalFresh(b, (*plainContact)(c)) }
