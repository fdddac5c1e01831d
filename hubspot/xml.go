package hubspot

import (
	"encoding/xml"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// propertiesXML is the XML form of Properties:
// <property name="email">ada@example.com</property>, one per value.
var propertiesXML = codec.XMLMap[string]{Item: "property", KeyAttr: "name"}

// MarshalXML implements xml.Marshaler: the field's element holding one
// <property name="…">value</property> per property, in sorted name order.
func (p Properties) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return propertiesXML.Encode(e, start, p)
}

// UnmarshalXML implements xml.Unmarshaler, reading the form MarshalXML
// writes; an empty element gives empty (non-nil) Properties.
func (p *Properties) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	m, err := propertiesXML.Decode(d, start)
	if err != nil {
		return err
	}
	*p = m
	return nil
}

// PropertyHistories are the histories of a batch read's
// propertiesWithHistory: each asked property's values, newest first. In XML
// each property is a <property name="…"> element holding one <change> per
// value, in sorted name order.
type PropertyHistories map[string][]PropertyChange

// propertyChanges is one property's history in XML.
type propertyChanges struct {
	Changes []PropertyChange `xml:"change"`
}

// historiesXML is the XML form of PropertyHistories.
var historiesXML = codec.XMLMap[propertyChanges]{Item: "property", KeyAttr: "name"}

// MarshalXML implements xml.Marshaler:
// <property name="…"><change>…</change>…</property> per property.
func (h PropertyHistories) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	m := make(map[string]propertyChanges, len(h))
	for k, v := range h {
		m[k] = propertyChanges{Changes: v}
	}
	return historiesXML.Encode(e, start, m)
}

// UnmarshalXML implements xml.Unmarshaler, reading the form MarshalXML
// writes; a property with no <change> has an empty, non-nil history.
func (h *PropertyHistories) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	m, err := historiesXML.Decode(d, start)
	if err != nil {
		return err
	}
	out := make(PropertyHistories, len(m))
	for k, v := range m {
		if v.Changes == nil {
			v.Changes = []PropertyChange{} // as HubSpot's JSON gives it: []
		}
		out[k] = v.Changes
	}
	*h = out
	return nil
}
