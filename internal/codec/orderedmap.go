package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// OrderedMap is a JSON object whose keys keep their order: the order of Set
// when encoding, the document's order when decoding. Vendors whose batch
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
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("codec: want a JSON object, got %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("codec: want an object key, got %v", tok)
		}
		var v V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("codec: value of %q: %w", key, err)
		}
		m.Set(key, v)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	return nil
}
