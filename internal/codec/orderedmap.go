package codec

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
)

// XMLKeyAttr is the attribute that carries an OrderedMap entry's key in
// XML, as Pardot's <prospect identifier="…"> does.
const XMLKeyAttr = "identifier"

// OrderedMap is a JSON object whose keys keep their order: the order of Set
// when encoding, the document's order when decoding. In XML it is a run of
// elements, one per entry, each carrying its key in the XMLKeyAttr
// attribute (<prospect identifier="1234">…</prospect>). Vendors whose batch
// body is an object keyed by identifier need it so a request encodes byte
// for byte as documented and a response's keys can be walked in order.
// Setting an existing key replaces its value in place. The zero value is an
// empty map ready to use.
type OrderedMap[V any] struct {
	keys   []string
	values map[string]V
}

// Set stores v under key, keeping key's first position.
func (m *OrderedMap[V]) Set(key string, v V) {
	if m.values == nil {
		m.values = make(map[string]V)
	}
	if _, ok := m.values[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.values[key] = v
}

// Get returns the value under key.
func (m *OrderedMap[V]) Get(key string) (V, bool) {
	v, ok := m.values[key]
	return v, ok
}

// Keys returns the keys in order. The slice must not be modified.
func (m *OrderedMap[V]) Keys() []string { return m.keys }

// Len returns the number of keys.
func (m *OrderedMap[V]) Len() int { return len(m.keys) }

// MarshalJSON writes the object with its keys in order.
func (m OrderedMap[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(m.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object (or null, or an empty array, which some
// vendors send for an empty map), keeping the document's key order. A key
// repeated in the document keeps its first position and its last value.
func (m *OrderedMap[V]) UnmarshalJSON(b []byte) error {
	*m = OrderedMap[V]{}
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '[' && len(bytes.TrimSpace(b[1:])) == 1 && bytes.TrimSpace(b[1:])[0] == ']' {
		return nil // an empty array stands for an empty map
	}
	// One pass of the standard decoder validates the document and splits
	// it into raw values; a second, light pass reads the keys in order.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("codec: want a JSON object: %w", err)
	}
	keys, err := objectKeys(b)
	if err != nil {
		return err
	}
	m.keys = make([]string, 0, len(raw))
	m.values = make(map[string]V, len(raw))
	for _, k := range keys {
		if _, done := m.values[k]; done {
			continue
		}
		var v V
		if err := json.Unmarshal(raw[k], &v); err != nil {
			return fmt.Errorf("codec: value of %q: %w", k, err)
		}
		m.keys = append(m.keys, k)
		m.values[k] = v
	}
	return nil
}

// objectKeys returns the keys of the JSON object b in document order. b
// must already be known to be a valid JSON object.
func objectKeys(b []byte) ([]string, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, fmt.Errorf("codec: want a JSON object")
	}
	var keys []string
	for i = skipSpace(b, i+1); i < len(b) && b[i] != '}'; {
		end := stringEnd(b, i)
		if end < 0 {
			return nil, fmt.Errorf("codec: malformed object key at byte %d", i)
		}
		var key string
		if err := json.Unmarshal(b[i:end], &key); err != nil {
			return nil, err
		}
		keys = append(keys, key)
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("codec: want ':' at byte %d", i)
		}
		i = valueEnd(b, skipSpace(b, i+1))
		if i < 0 {
			return nil, fmt.Errorf("codec: malformed object value")
		}
		if i = skipSpace(b, i); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return keys, nil
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the JSON string starting at b[i],
// or -1.
func stringEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// valueEnd returns the index just past the JSON value starting at b[i]
// (at depth 0: the next ',' or the closing brace of the enclosing
// object), or -1.
func valueEnd(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			if i = stringEnd(b, i); i < 0 {
				return -1
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
		case c == ',' && depth == 0:
			return i
		}
		i++
	}
	return -1
}

// MarshalXML writes one element per entry, in order, named as the field
// that holds the map, with the key in the XMLKeyAttr attribute.
func (m OrderedMap[V]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	for _, k := range m.keys {
		el := xml.StartElement{Name: start.Name, Attr: []xml.Attr{{Name: xml.Name{Local: XMLKeyAttr}, Value: k}}}
		if err := e.EncodeElement(m.values[k], el); err != nil {
			return err
		}
	}
	return nil
}

// UnmarshalXML reads one entry: the element's XMLKeyAttr attribute is its
// key (required), its content the value. Repeated elements add entries in
// document order.
func (m *OrderedMap[V]) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	key, v, err := decodeKeyed[V](d, start, XMLKeyAttr)
	if err != nil {
		return err
	}
	m.Set(key, v)
	return nil
}

// decodeKeyed reads one map entry's element: its keyAttr attribute is the
// key (required), its content the value.
func decodeKeyed[V any](d *xml.Decoder, start xml.StartElement, keyAttr string) (string, V, error) {
	var v V
	key, found := "", false
	for _, a := range start.Attr {
		if a.Name.Local == keyAttr {
			key, found = a.Value, true
		}
	}
	if !found {
		return "", v, fmt.Errorf("codec: <%s> has no %s attribute", start.Name.Local, keyAttr)
	}
	if err := d.DecodeElement(&v, &start); err != nil {
		return "", v, fmt.Errorf("codec: value of %q: %w", key, err)
	}
	return key, v, nil
}
