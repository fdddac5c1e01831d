package pardottest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
)

// item is one prospect of a request.
type item struct {
	// key is the version 3 identifier ("" in version 4).
	key    string
	fields map[string]string
}

// parseProspects reads the prospects document in either format and checks
// the version's shape. It returns a Pardot code on failure: 71 for a
// document that is not JSON or XML, 90 for a keyed map in version 4, 91 for
// a flat array in version 3.
func parseProspects(version int, doc string) ([]item, int) {
	t := strings.TrimSpace(doc)
	switch {
	case strings.HasPrefix(t, "{"):
		return parseJSON(version, t)
	case strings.HasPrefix(t, "<"):
		return parseXML(version, t)
	}
	return nil, 71
}

func parseJSON(version int, doc string) ([]item, int) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, 71
	}
	var items []item
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, 71
		}
		if tok != "prospects" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil, 71
			}
			continue
		}
		found = true
		open, err := dec.Token()
		if err != nil {
			return nil, 71
		}
		switch open {
		case json.Delim('{'):
			if version == 4 {
				return nil, 90
			}
			seen := map[string]int{}
			for dec.More() {
				k, err := dec.Token()
				key, ok := k.(string)
				if err != nil || !ok {
					return nil, 71
				}
				fields, code := decodeJSONFields(dec)
				if code != 0 {
					return nil, code
				}
				if at, dup := seen[key]; dup {
					// PHP's json_decode keeps the last value under the first key.
					items[at].fields = fields
					continue
				}
				seen[key] = len(items)
				items = append(items, item{key: key, fields: fields})
			}
		case json.Delim('['):
			if version == 3 {
				return nil, 91
			}
			for dec.More() {
				fields, code := decodeJSONFields(dec)
				if code != 0 {
					return nil, code
				}
				items = append(items, item{fields: fields})
			}
		default:
			return nil, 71
		}
		if _, err := dec.Token(); err != nil {
			return nil, 71
		}
	}
	if _, err := dec.Token(); err != nil || !found {
		return nil, 71
	}
	if dec.More() {
		return nil, 71
	}
	return items, 0
}

// decodeJSONFields reads one prospect object into field strings.
func decodeJSONFields(dec *json.Decoder) (map[string]string, int) {
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, 71
	}
	fields := make(map[string]string, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) > 0 && v[0] == '"':
			var s string
			if json.Unmarshal(v, &s) != nil {
				return nil, 71
			}
			fields[k] = s
		case string(v) == "null":
			fields[k] = ""
		case len(v) > 0 && (v[0] == '{' || v[0] == '['):
			return nil, 71
		default:
			fields[k] = string(v)
		}
	}
	return fields, 0
}

type xmlDoc struct {
	XMLName xml.Name      `xml:"prospects"`
	Items   []xmlProspect `xml:"prospect"`
}

type xmlProspect struct {
	Attrs  []xml.Attr `xml:",any,attr"`
	Fields []xmlField `xml:",any"`
}

type xmlField struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func parseXML(version int, doc string) ([]item, int) {
	var d xmlDoc
	if err := xml.Unmarshal([]byte(doc), &d); err != nil {
		return nil, 71
	}
	items := make([]item, 0, len(d.Items))
	for _, p := range d.Items {
		key, keyed := "", false
		for _, a := range p.Attrs {
			if a.Name.Local == "identifier" {
				key, keyed = a.Value, true
			}
		}
		if version == 3 && !keyed {
			return nil, 91
		}
		if version == 4 && keyed {
			return nil, 90
		}
		fields := make(map[string]string, len(p.Fields))
		for _, f := range p.Fields {
			fields[f.XMLName.Local] = f.Value
		}
		items = append(items, item{key: key, fields: fields})
	}
	return items, 0
}
