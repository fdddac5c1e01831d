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
	if f == XML {
		var b bytes.Buffer
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
	scratch := codec.GetScratch()
	out := res.appendEnvelopeStart(*scratch)
	for i := range recs {
		if i > 0 {
			out = append(out, ',')
		}
		out = res.appendJSON(out, recs[i])
	}
	out = append(out, envelopeEnd...)
	// The body leaves with the request, which may still read it after the
	// answer: it gets a copy of its own, the scratch goes back to the pool.
	body := bytes.Clone(out)
	codec.PutScratch(scratch, out)
	return body, nil
}

// envelopeEnd closes {"<plural>":{"<single>":[…]}}.
const envelopeEnd = "]}}"

// appendEnvelopeStart appends {"<plural>":{"<single>":[.
func (res *spec[T]) appendEnvelopeStart(b []byte) []byte {
	b = append(b, `{"`...)
	b = append(b, res.plural...)
	b = append(b, `":{"`...)
	b = append(b, res.single...)
	return append(b, `":[`...)
}

// recordSize returns the size of a request holding rec alone, in format
// f: what the engine weighs a record by against the request size limit.
// In JSON it is measured without an allocation.
func recordSize[T any](res *spec[T], f Format, rec T) int {
	if f == XML {
		b, err := encodeRecords(res, f, []T{rec})
		if err != nil {
			return 0 // refused when the chunk is encoded
		}
		return len(b)
	}
	scratch := codec.GetScratch()
	b := res.appendJSON(*scratch, rec)
	n := len(b)
	codec.PutScratch(scratch, b)
	return len(`{"":{"":[`) + len(res.plural) + len(res.single) + n + len(envelopeEnd)
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

// fullName is "First Last" as Agiliron reports a person's name.
func fullName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}
