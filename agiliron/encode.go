package agiliron

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// encodeRecords writes the request body of a Bulk-* (or Leads) request in
// format f: {"<plural>":{"<single>":[…]}} or <plural><single>…</single></plural>.
func encodeRecords[T any](res *spec[T], f Format, recs []T) ([]byte, error) {
	var b bytes.Buffer
	if f == XML {
		enc := xml.NewEncoder(&b)
		outer := xml.StartElement{Name: xml.Name{Local: res.plural}}
		if err := enc.EncodeToken(outer); err != nil {
			return nil, err
		}
		inner := xml.StartElement{Name: xml.Name{Local: res.single}}
		for i := range recs {
			if err := enc.EncodeElement(&recs[i], inner); err != nil {
				return nil, err
			}
		}
		if err := enc.EncodeToken(outer.End()); err != nil {
			return nil, err
		}
		if err := enc.Flush(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	fmt.Fprintf(&b, `{%q:{%q:[`, res.plural, res.single)
	for i := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		one, err := res.marshalJSON(&recs[i])
		if err != nil {
			return nil, err
		}
		b.Write(one)
	}
	b.WriteString("]}}")
	return b.Bytes(), nil
}

// decodeRecords reads a request body as encodeRecords writes it (JSON or
// XML, chosen by contentType or sniffed), the records given as one object
// or a list.
func decodeRecords[T any](res *spec[T], contentType string, body []byte) ([]T, error) {
	if detectFormat(contentType, body) == XML {
		return decodeRecordsXML(res, body)
	}
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(body, &outer); err != nil {
		return nil, err
	}
	raw, ok := outer[res.plural]
	if !ok {
		return nil, fmt.Errorf("agiliron: no %s object", res.plural)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inner); err != nil {
		return nil, fmt.Errorf("agiliron: %s: %w", res.plural, err)
	}
	list := bytes.TrimSpace(inner[res.single])
	if len(list) == 0 || string(list) == "null" {
		return nil, nil
	}
	var out codec.OneOrMany[T]
	if err := json.Unmarshal(list, &out); err != nil {
		return nil, err
	}
	return []T(out), nil
}

// decodeRecordsXML reads <plural><single>…</single>…</plural>; a child
// of another name is refused by the record type's XMLName.
func decodeRecordsXML[T any](res *spec[T], body []byte) ([]T, error) {
	var env struct {
		XMLName xml.Name
		Records []T `xml:",any"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	if env.XMLName.Local != res.plural {
		return nil, fmt.Errorf("agiliron: root element <%s>, want <%s>", env.XMLName.Local, res.plural)
	}
	return env.Records, nil
}

// unmarshalFresh decodes JSON b into a zero T and, when that succeeds,
// replaces *dst with it.
func unmarshalFresh[T any](b []byte, dst *T) error {
	var fresh T
	if err := json.Unmarshal(b, &fresh); err != nil {
		return err
	}
	*dst = fresh
	return nil
}

// marshalNoEscape is json.Marshal without HTML escaping or the trailing
// newline.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// fullName is "First Last" as Agiliron reports a person's name.
func fullName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}
