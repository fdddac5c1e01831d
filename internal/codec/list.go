package codec

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
)

// OneOrMany is a list that a vendor sends in JSON either as an array or, when
// it holds one item, as that item alone (null or absent: empty). It marshals
// as an array. In XML every repeated element is one item, so a lone element
// and many elements decode alike.
type OneOrMany[T any] []T

// UnmarshalJSON accepts an array, a single value or null.
func (l *OneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var many []T
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = OneOrMany[T]{one}
	return nil
}

// MarshalJSON writes an array ([] when empty).
func (l OneOrMany[T]) MarshalJSON() ([]byte, error) {
	if l == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]T(l))
}

// UnmarshalXML appends one item per element.
func (l *OneOrMany[T]) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var one T
	if err := d.DecodeElement(&one, &start); err != nil {
		return err
	}
	*l = append(*l, one)
	return nil
}

// MarshalXML writes one element per item.
func (l OneOrMany[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	for _, v := range l {
		if err := e.EncodeElement(v, start); err != nil {
			return err
		}
	}
	return nil
}
