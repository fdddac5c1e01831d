package codec

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// String is a value that a vendor sends as a JSON string or a JSON number
// (or true/false); it always holds the text. JSON null leaves it empty. It
// marshals as a JSON string. In XML it is the element's or attribute's text.
type String string

// UnmarshalJSON accepts a string, a number, a boolean or null. A string
// without escapes (nearly every one a vendor sends) is copied out of b
// rather than decoded again, and a number is kept as written: one
// allocation at most.
func (s *String) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("codec: empty value")
	case b[0] == '"':
		if inner, ok := unescaped(b); ok {
			*s = String(inner)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = String(v)
	case string(b) == "null":
		*s = ""
	case string(b) == "true" || string(b) == "false":
		*s = String(b)
	default:
		if !isNumber(b) {
			return fmt.Errorf("codec: want a string or a number, got %.40q", b)
		}
		*s = String(b)
	}
	return nil
}

// unescaped returns the text of the JSON string b when it holds no
// escape, no control byte and only valid UTF-8: what encoding/json would
// decode it to.
func unescaped(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return nil, false
	}
	inner := b[1 : len(b)-1]
	for _, c := range inner {
		if c < 0x20 || c == '\\' || c == '"' {
			return nil, false
		}
	}
	return inner, utf8.Valid(inner)
}

// isNumber reports whether b is one JSON number, as encoding/json reads
// it, without allocating.
func isNumber(b []byte) bool {
	return (b[0] == '-' || ('0' <= b[0] && b[0] <= '9')) && json.Valid(b)
}

// MarshalJSON writes a JSON string.
func (s String) MarshalJSON() ([]byte, error) { return json.Marshal(string(s)) }

// Int is an integer that a vendor sends as a JSON number or as a string of
// digits ("1899", " 7 "). JSON null and "" leave it 0. It marshals as a
// JSON number. In XML it is the element's or attribute's trimmed text.
type Int int64

// UnmarshalJSON accepts a number, a numeric string, "" or null.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = 0
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	return n.parse(text)
}

// ParseInt parses an integer the way Int decodes one: surrounding space
// trimmed, "" as 0, and a float with no fraction ("12.0") accepted.
func ParseInt(text string) (Int, error) {
	var n Int
	err := n.parse(text)
	return n, err
}

func (n *Int) parse(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("codec: not an integer: %.40q", text)
		}
		v = int64(f)
	}
	*n = Int(v)
	return nil
}

// MarshalJSON writes a JSON number.
func (n Int) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(n), 10), nil }

// UnmarshalXML reads the element's text.
func (n *Int) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var text string
	if err := d.DecodeElement(&text, &start); err != nil {
		return err
	}
	return n.parse(text)
}

// UnmarshalXMLAttr reads an attribute's value.
func (n *Int) UnmarshalXMLAttr(a xml.Attr) error { return n.parse(a.Value) }

// MarshalXML writes the number as the element's text.
func (n Int) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(int64(n), start)
}
