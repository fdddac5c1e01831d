package agiliron

import (
	"bytes"
	"encoding/json"
	"encoding/xml"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// CustomField is one of a record's custom fields, as a name/value pair
// (a CustomField element of LeadCustomFields or CustomFields on the wire).
type CustomField struct {
	Name  string `json:"Name" xml:"Name"`
	Value string `json:"Value" xml:"Value"`
}

// CustomFields is a record's custom fields, in their one wire form:
//
//	"LeadCustomFields":{"CustomField":[{"Name":"Tier","Value":"Gold"}]}
//	<LeadCustomFields><CustomField><Name>Tier</Name><Value>Gold</Value></CustomField></LeadCustomFields>
//
// (CustomFields instead of LeadCustomFields for contacts and accounts).
// The order is kept. A record without custom fields leaves the element out;
// read back, an empty or absent one is nil. JSON reads CustomField as one
// object or a list, and an empty string or null as none.
type CustomFields []CustomField

// customFieldsForm is the wrapper both encodings share: {"CustomField":[…]}
// and <…><CustomField>…</CustomField></…>.
type customFieldsForm struct {
	CustomField []CustomField `json:"CustomField" xml:"CustomField"`
}

// MarshalJSON writes {"CustomField":[…]}, without HTML escaping.
func (cf CustomFields) MarshalJSON() ([]byte, error) {
	return cf.appendJSON(nil), nil
}

// UnmarshalJSON reads {"CustomField":[…]} or {"CustomField":{…}}; null,
// "" and an empty list are no custom fields.
func (cf *CustomFields) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" || string(b) == `""` {
		*cf = nil
		return nil
	}
	var w struct {
		CustomField codec.OneOrMany[CustomField] `json:"CustomField"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*cf = nil
	if len(w.CustomField) > 0 {
		*cf = CustomFields(w.CustomField)
	}
	return nil
}

// MarshalXML writes start holding one CustomField element per field.
func (cf CustomFields) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(customFieldsForm{CustomField: cf}, start)
}

// UnmarshalXML reads the CustomField elements of start, after those
// already read (the element may be given more than once).
func (cf *CustomFields) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w customFieldsForm
	if err := d.DecodeElement(&w, &start); err != nil {
		return err
	}
	*cf = append(*cf, w.CustomField...)
	return nil
}
