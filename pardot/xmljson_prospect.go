package pardot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// This file gives Prospect and Result their JSON and XML forms (see "XML
// and JSON forms" in the package doc). A Prospect is written as Pardot's
// own version 4 prospect, the item of the batch document: the typed fields
// under their API names in wire order, then Fields sorted by name, empty
// fields left out. The bytes are those of the wire encoder.

// prospectSetters reads a typed field from its text, by API name. It is
// the one list of the typed fields' names (appendFields writes them).
var prospectSetters = map[string]func(p *Prospect, text string) error{
	"id":                func(p *Prospect, s string) error { return setInt(&p.ID, s) },
	"fid":               func(p *Prospect, s string) error { p.FID = s; return nil },
	"email":             func(p *Prospect, s string) error { p.Email = s; return nil },
	"salutation":        func(p *Prospect, s string) error { p.Salutation = s; return nil },
	"first_name":        func(p *Prospect, s string) error { p.FirstName = s; return nil },
	"last_name":         func(p *Prospect, s string) error { p.LastName = s; return nil },
	"company":           func(p *Prospect, s string) error { p.Company = s; return nil },
	"website":           func(p *Prospect, s string) error { p.Website = s; return nil },
	"job_title":         func(p *Prospect, s string) error { p.JobTitle = s; return nil },
	"department":        func(p *Prospect, s string) error { p.Department = s; return nil },
	"country":           func(p *Prospect, s string) error { p.Country = s; return nil },
	"address_one":       func(p *Prospect, s string) error { p.AddressOne = s; return nil },
	"address_two":       func(p *Prospect, s string) error { p.AddressTwo = s; return nil },
	"city":              func(p *Prospect, s string) error { p.City = s; return nil },
	"state":             func(p *Prospect, s string) error { p.State = s; return nil },
	"territory":         func(p *Prospect, s string) error { p.Territory = s; return nil },
	"zip":               func(p *Prospect, s string) error { p.Zip = s; return nil },
	"phone":             func(p *Prospect, s string) error { p.Phone = s; return nil },
	"fax":               func(p *Prospect, s string) error { p.Fax = s; return nil },
	"source":            func(p *Prospect, s string) error { p.Source = s; return nil },
	"annual_revenue":    func(p *Prospect, s string) error { p.AnnualRevenue = s; return nil },
	"employees":         func(p *Prospect, s string) error { p.Employees = s; return nil },
	"industry":          func(p *Prospect, s string) error { p.Industry = s; return nil },
	"years_in_business": func(p *Prospect, s string) error { p.YearsInBusiness = s; return nil },
	"comments":          func(p *Prospect, s string) error { p.Comments = s; return nil },
	"notes":             func(p *Prospect, s string) error { p.Notes = s; return nil },
	"campaign_id":       func(p *Prospect, s string) error { return setInt(&p.CampaignID, s) },
	"user_id":           func(p *Prospect, s string) error { return setInt(&p.UserID, s) },
	"crm_owner_fid":     func(p *Prospect, s string) error { p.CRMOwnerFID = s; return nil },
	"is_do_not_email":   func(p *Prospect, s string) error { return setBool(&p.IsDoNotEmail, s) },
	"is_do_not_call":    func(p *Prospect, s string) error { return setBool(&p.IsDoNotCall, s) },
	"opted_out":         func(p *Prospect, s string) error { return setBool(&p.OptedOut, s) },
}

// standardNames are the typed fields' API names, which Fields must not use.
var standardNames = func() map[string]bool {
	m := make(map[string]bool, len(prospectSetters))
	for name := range prospectSetters {
		m[name] = true
	}
	return m
}()

func setInt(dst *int64, s string) error {
	n, err := codec.ParseInt(s)
	*dst = int64(n)
	return err
}

// setBool reads true/false (or 1/0); empty text leaves the field unset.
func setBool(dst **bool, s string) error {
	if s == "" {
		*dst = nil
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %.40q", s)
	}
	*dst = &v
	return nil
}

// set stores the text of the field name: a typed field, else Fields.
func (p *Prospect) set(name, text string) error {
	if set, ok := prospectSetters[name]; ok {
		if err := set(p, text); err != nil {
			return fmt.Errorf("pardot: prospect field %s: %w", name, err)
		}
		return nil
	}
	if !validFieldName(name) {
		return fmt.Errorf("pardot: prospect field name %.40q must be letters, digits and underscores", name)
	}
	if p.Fields == nil {
		p.Fields = make(map[string]string)
	}
	p.Fields[name] = text
	return nil
}

// wireFields returns p's fields as the version 4 wire writes them, or an
// error for a Fields name that the wire could not carry.
func (p *Prospect) wireFields() ([]field, error) {
	for name := range p.Fields {
		if !validFieldName(name) || standardNames[name] {
			return nil, fmt.Errorf("pardot: custom field name %.40q must be letters, digits and underscores and not a typed field's name", name)
		}
	}
	return p.appendFields(nil, identNone), nil
}

// MarshalJSON writes p as one item of Pardot's version 4 JSON document:
// {"email":"ada@example.com","first_name":"Ada","is_do_not_email":true,"favorite_color":"blue"}.
func (p Prospect) MarshalJSON() ([]byte, error) {
	fields, err := p.wireFields()
	if err != nil {
		return nil, err
	}
	return appendJSONFields(nil, fields), nil
}

// UnmarshalJSON reads an object of API names. Values may be strings,
// numbers or booleans (null leaves the field unset); a name that is not a
// typed field's goes to Fields.
func (p *Prospect) UnmarshalJSON(b []byte) error {
	var m codec.OrderedMap[json.RawMessage]
	if err := m.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("pardot: prospect: %w", err)
	}
	*p = Prospect{}
	for _, name := range m.Keys() {
		raw, _ := m.Get(name)
		if raw = bytes.TrimSpace(raw); string(raw) == "null" {
			continue
		}
		var text codec.String
		if err := json.Unmarshal(raw, &text); err != nil {
			return fmt.Errorf("pardot: prospect field %s: %w", name, err)
		}
		if err := p.set(name, string(text)); err != nil {
			return err
		}
	}
	return nil
}

// MarshalXML writes p as Pardot's version 4 <prospect> element, one child
// per field: <prospect><email>ada@example.com</email><favorite_color>blue</favorite_color></prospect>.
// Inside another element it takes the name it is given there.
func (p Prospect) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	fields, err := p.wireFields()
	if err != nil {
		return err
	}
	start = rootName(start, "Prospect", "prospect")
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, f := range fields {
		if err := e.EncodeElement(f.value, xml.StartElement{Name: xml.Name{Local: f.name}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// UnmarshalXML reads one child element per field, by API name; a name
// that is not a typed field's goes to Fields. A field holding elements is
// an error.
func (p *Prospect) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	*p = Prospect{}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			text, err := elementText(d, t)
			if err != nil {
				return err
			}
			if err := p.set(t.Name.Local, text); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// elementText reads the text of the element opened by start, up to its
// end; a child element is an error.
func elementText(d *xml.Decoder, start xml.StartElement) (string, error) {
	var b []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			return "", fmt.Errorf("pardot: field <%s> holds an element <%s>; want text", start.Name.Local, t.Name.Local)
		case xml.EndElement:
			return string(b), nil
		}
	}
}

// rootName names an element whose name encoding/xml took from its Go type
// (a document root, or an untagged field): typeName becomes name.
func rootName(start xml.StartElement, typeName, name string) xml.StartElement {
	if start.Name.Local == typeName && start.Name.Space == "" {
		start.Name.Local = name
	}
	return start
}

// MarshalXML writes the empty <result/> element (as <result></result>).
func (r Result) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start = rootName(start, "Result", "result")
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}
