package codec

import (
	"encoding/xml"
	"slices"
)

// XMLNameAttr is the attribute that carries a StringMap entry's key in XML.
const XMLNameAttr = "name"

// StringMap is a map of string values whose XML form is a run of
// elements, one per entry in sorted key order (so the output is
// deterministic), each named as the field that holds the map, with the key
// in the XMLNameAttr attribute and the value as text:
//
//	<field name="FirstPhone">0383218199</field><field name="Name">Ada</field>
//
// Its JSON form is the plain object (encoding/json sorts the keys too).
// Vendors define their own named map type (e.g. noojee.Fields) and
// delegate their MarshalXML and UnmarshalXML to this one.
type StringMap map[string]string

// MarshalXML writes one element per entry, in sorted key order, named as
// start, with the key in the XMLNameAttr attribute. An empty map writes
// nothing.
func (m StringMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		el := xml.StartElement{Name: start.Name, Attr: []xml.Attr{{Name: xml.Name{Local: XMLNameAttr}, Value: k}}}
		if err := e.EncodeElement(m[k], el); err != nil {
			return err
		}
	}
	return nil
}

// UnmarshalXML reads one entry: the element's XMLNameAttr attribute is its
// key (required), its text the value. Repeated elements add entries; a key
// given twice keeps its last value.
func (m *StringMap) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	key, v, err := decodeKeyed[string](d, start, XMLNameAttr)
	if err != nil {
		return err
	}
	if *m == nil {
		*m = make(StringMap)
	}
	(*m)[key] = v
	return nil
}
