package codec

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// XMLMap is the XML form of a map keyed by string, for a vendor's named
// map type to call from its MarshalXML and UnmarshalXML. Inside the map's
// own element there is one Item element per entry, its key in the KeyAttr
// attribute and its value as the element's content:
//
//	<properties>
//	  <property name="email">ada@example.com</property>
//	  <property name="firstname">Ada</property>
//	</properties>
//
// Entries are written in sorted key order, so a map encodes the same
// every time. An empty or nil map is the bare element; decoding it gives
// an empty map.
type XMLMap[V any] struct {
	// Item names each entry's element ("property").
	Item string
	// KeyAttr names the attribute holding the key ("name").
	KeyAttr string
}

// Encode writes m as start's element holding one Item element per entry,
// in sorted key order. A key or string value holding a character XML 1.0
// cannot carry is an error rather than a silent U+FFFD.
func (f XMLMap[V]) Encode(e *xml.Encoder, start xml.StartElement, m map[string]V) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, k := range keys {
		v := m[k]
		if err := xmlText(k); err != nil {
			return fmt.Errorf("codec: <%s> key %q: %w", f.Item, k, err)
		}
		if s, ok := any(v).(string); ok {
			if err := xmlText(s); err != nil {
				return fmt.Errorf("codec: <%s %s=%q>: %w", f.Item, f.KeyAttr, k, err)
			}
		}
		el := xml.StartElement{Name: xml.Name{Local: f.Item}, Attr: []xml.Attr{{Name: xml.Name{Local: f.KeyAttr}, Value: k}}}
		if err := e.EncodeElement(v, el); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Decode reads the element start opened: one Item element per entry,
// each with its KeyAttr attribute. A missing key, a key given twice, any
// other element or any text other than white space is an error.
func (f XMLMap[V]) Decode(d *xml.Decoder, start xml.StartElement) (map[string]V, error) {
	m := make(map[string]V)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return m, nil
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return nil, fmt.Errorf("codec: <%s> holds text %.20q; want <%s> elements", start.Name.Local, t, f.Item)
			}
		case xml.StartElement:
			if t.Name.Local != f.Item {
				return nil, fmt.Errorf("codec: <%s> holds <%s>; want <%s>", start.Name.Local, t.Name.Local, f.Item)
			}
			key, found := "", false
			for _, a := range t.Attr {
				if a.Name.Local == f.KeyAttr && a.Name.Space == "" {
					key, found = a.Value, true
				}
			}
			if !found {
				return nil, fmt.Errorf("codec: <%s> has no %s attribute", f.Item, f.KeyAttr)
			}
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("codec: <%s %s=%q> given twice", f.Item, f.KeyAttr, key)
			}
			var v V
			if err := d.DecodeElement(&v, &t); err != nil {
				return nil, fmt.Errorf("codec: <%s %s=%q>: %w", f.Item, f.KeyAttr, key, err)
			}
			m[key] = v
		}
	}
}

// xmlText says whether s is text XML 1.0 can carry as it is: valid UTF-8
// made of the characters XML allows.
func xmlText(s string) error {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return fmt.Errorf("invalid UTF-8 at byte %d", i)
		}
		if !xmlChar(r) {
			return fmt.Errorf("character %U is not allowed in XML", r)
		}
	}
	return nil
}

// xmlChar reports whether r is in XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
