package agiliron

import "github.com/crmbatch/crmbatch/internal/codec"

// The records' JSON forms, written by hand: encoding/json's reflection
// and its buffer per value cost more than the rest of a request. Each
// appender writes the fields in the struct's order under the struct's
// json tags, omitting what the tags omit, and escapes as encoding/json
// does with SetEscapeHTML(false) (codec.AppendJSONString); the tests
// compare them with encoding/json on the plain types, field by field.

// appendMember appends "key":"v" to an object being written, after a
// comma unless it is the object's first member. Keys are the package's
// constant field names, which need no escaping.
func appendMember(b []byte, key, v string) []byte {
	b = appendKey(b, key)
	return codec.AppendJSONString(b, v, false)
}

// appendKey appends "key": (after a comma unless the object was just
// opened).
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendCustomFieldsMember appends "key":{"CustomField":[…]}.
func appendCustomFieldsMember(b []byte, key string, cf CustomFields) []byte {
	return cf.appendJSON(appendKey(b, key))
}

// appendJSON appends {"CustomField":[{"Name":…,"Value":…},…]} to b
// ({"CustomField":null} for nil, as encoding/json writes a nil slice).
func (cf CustomFields) appendJSON(b []byte) []byte {
	b = append(b, `{"CustomField":`...)
	if cf == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i := range cf {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendMember(b, "Name", cf[i].Name)
		b = appendMember(b, "Value", cf[i].Value)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendJSON appends the lead's JSON form to b, byte for byte as
// encoding/json writes it without HTML escaping, without reflection.
func (l *Lead) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if l.LeadID != "" {
		b = appendMember(b, "LeadId", l.LeadID)
	}
	b = appendMember(b, "Salutation", l.Salutation)
	b = appendMember(b, "FirstName", l.FirstName)
	b = appendMember(b, "LastName", l.LastName)
	b = appendMember(b, "Company", l.Company)
	b = appendMember(b, "Designation", l.Designation)
	b = appendMember(b, "Phone", l.Phone)
	b = appendMember(b, "Mobile", l.Mobile)
	b = appendMember(b, "Fax", l.Fax)
	b = appendMember(b, "Email", l.Email)
	b = appendMember(b, "Website", l.Website)
	b = appendMember(b, "Industry", l.Industry)
	b = appendMember(b, "SICCode", l.SICCode)
	b = appendMember(b, "AnnualRevenue", l.AnnualRevenue)
	b = appendMember(b, "NumberOfEmployees", l.NumberOfEmployees)
	b = appendMember(b, "ContactType", l.ContactType)
	b = appendMember(b, "LeadSource", l.LeadSource)
	b = appendMember(b, "LeadStatus", l.LeadStatus)
	b = appendMember(b, "Rating", l.Rating)
	b = appendMember(b, "EmailOptOut", l.EmailOptOut)
	b = appendMember(b, "YahooID", l.YahooID)
	b = appendMember(b, "CreatedTime", l.CreatedTime)
	b = appendMember(b, "ModifiedTime", l.ModifiedTime)
	b = appendMember(b, "Street", l.Street)
	b = appendMember(b, "City", l.City)
	b = appendMember(b, "State", l.State)
	b = appendMember(b, "Zip", l.Zip)
	b = appendMember(b, "Country", l.Country)
	b = appendMember(b, "Description", l.Description)
	b = appendMember(b, "AssignedTo", l.AssignedTo)
	b = appendMember(b, "AssignedGroupName", l.AssignedGroupName)
	b = appendMember(b, "DefaultCurrency", l.DefaultCurrency)
	if len(l.CustomFields) > 0 {
		b = appendCustomFieldsMember(b, "LeadCustomFields", l.CustomFields)
	}
	return append(b, '}')
}

// appendJSON appends the contact's JSON form to b, byte for byte as
// encoding/json writes it without HTML escaping, without reflection.
func (c *Contact) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if c.ContactID != "" {
		b = appendMember(b, "ContactId", c.ContactID)
	}
	b = appendMember(b, "Salutation", c.Salutation)
	b = appendMember(b, "FirstName", c.FirstName)
	b = appendMember(b, "LastName", c.LastName)
	b = appendMember(b, "OfficePhone", c.OfficePhone)
	b = appendMember(b, "Mobile", c.Mobile)
	b = appendMember(b, "HomePhone", c.HomePhone)
	b = appendMember(b, "OtherPhone", c.OtherPhone)
	b = appendMember(b, "Fax", c.Fax)
	b = appendMember(b, "AccountName", c.AccountName)
	b = appendMember(b, "AccountID", c.AccountID)
	b = appendMember(b, "VendorName", c.VendorName)
	b = appendMember(b, "VendorID", c.VendorID)
	b = appendMember(b, "ContactType", c.ContactType)
	b = appendMember(b, "Title", c.Title)
	b = appendMember(b, "Department", c.Department)
	b = appendMember(b, "Email", c.Email)
	b = appendMember(b, "ReportsTo", c.ReportsTo)
	b = appendMember(b, "ReportsToID", c.ReportsToID)
	b = appendMember(b, "Assistant", c.Assistant)
	b = appendMember(b, "YahooID", c.YahooID)
	b = appendMember(b, "AssistantPhone", c.AssistantPhone)
	b = appendMember(b, "DoNotCall", c.DoNotCall)
	b = appendMember(b, "EmailOptOut", c.EmailOptOut)
	b = appendMember(b, "AssignedToUser", c.AssignedToUser)
	b = appendMember(b, "LeadSource", c.LeadSource)
	b = appendMember(b, "Birthday", c.Birthday)
	b = appendMember(b, "ContactProfile", c.ContactProfile)
	b = appendMember(b, "MailingStreet", c.MailingStreet)
	b = appendMember(b, "MailingCity", c.MailingCity)
	b = appendMember(b, "MailingState", c.MailingState)
	b = appendMember(b, "MailingZip", c.MailingZip)
	b = appendMember(b, "MailingCountry", c.MailingCountry)
	b = appendMember(b, "OtherStreet", c.OtherStreet)
	b = appendMember(b, "OtherCity", c.OtherCity)
	b = appendMember(b, "OtherState", c.OtherState)
	b = appendMember(b, "OtherZip", c.OtherZip)
	b = appendMember(b, "OtherCountry", c.OtherCountry)
	b = appendMember(b, "CreatedTime", c.CreatedTime)
	b = appendMember(b, "ModifiedTime", c.ModifiedTime)
	b = appendMember(b, "Description", c.Description)
	b = appendMember(b, "B2BCustomer", c.B2BCustomer)
	b = appendMember(b, "B2BChannels", c.B2BChannels)
	if len(c.CustomFields) > 0 {
		b = appendCustomFieldsMember(b, "CustomFields", c.CustomFields)
	}
	return append(b, '}')
}

// appendJSON appends the account's JSON form to b, byte for byte as
// encoding/json writes it without HTML escaping, without reflection.
func (a *Account) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if a.AccountID != "" {
		b = appendMember(b, "AccountID", a.AccountID)
	}
	if a.AccountNumber != "" {
		b = appendMember(b, "AccountNumber", a.AccountNumber)
	}
	b = appendMember(b, "ParentCompany", a.ParentCompany)
	b = appendMember(b, "AccountName", a.AccountName)
	b = appendMember(b, "Website", a.Website)
	b = appendMember(b, "Telephone", a.Telephone)
	b = appendMember(b, "Fax", a.Fax)
	b = appendMember(b, "TickerSymbol", a.TickerSymbol)
	b = appendMember(b, "OtherPhone", a.OtherPhone)
	b = appendMember(b, "Email", a.Email)
	b = appendMember(b, "Employees", a.Employees)
	b = appendMember(b, "OtherEmail", a.OtherEmail)
	b = appendMember(b, "Ownership", a.Ownership)
	b = appendMember(b, "Rating", a.Rating)
	b = appendMember(b, "Industry", a.Industry)
	b = appendMember(b, "SICCode", a.SICCode)
	b = appendMember(b, "Type", a.Type)
	b = appendMember(b, "AnnualRevenue", a.AnnualRevenue)
	b = appendMember(b, "SalesManager", a.SalesManager)
	b = appendMember(b, "AssignedToUser", a.AssignedToUser)
	b = appendMember(b, "CreatedTime", a.CreatedTime)
	b = appendMember(b, "ModifiedTime", a.ModifiedTime)
	if len(a.CustomFields) > 0 {
		b = appendCustomFieldsMember(b, "CustomFields", a.CustomFields)
	}
	return append(b, '}')
}
