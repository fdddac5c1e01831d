package agilirontest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// The fake reads request bodies with its own parser, never with package
// agiliron's decoder, so that a bug in one is not matched by the other.
// It is strict where Agiliron's pages are definite: the envelope is
// {"<Plural>":{"<Single>":[…]}} (one object allowed for the list) or
// <Plural><Single>…</Single></Plural>; every field is a string (or an
// empty XML element); custom fields are
// {"<customKey>":{"CustomField":[{"Name":…,"Value":…}]}} or
// <customKey><CustomField><Name/><Value/></CustomField></customKey>.

// parseRecords reads a write request's body in JSON or XML.
func parseRecords(k *kind, xmlIn bool, body []byte) ([]Record, error) {
	if xmlIn {
		return parseXML(k, body)
	}
	return parseJSON(k, body)
}

func parseJSON(k *kind, body []byte) ([]Record, error) {
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(body, &outer); err != nil {
		return nil, err
	}
	if len(outer) != 1 || outer[k.objectType] == nil {
		return nil, fmt.Errorf("want one %q object", k.objectType)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(outer[k.objectType], &inner); err != nil {
		return nil, fmt.Errorf("%s: %w", k.objectType, err)
	}
	if len(inner) != 1 || inner[k.single] == nil {
		return nil, fmt.Errorf("%s: want one %q member", k.objectType, k.single)
	}
	var objs []map[string]json.RawMessage
	if err := oneOrMany(inner[k.single], &objs); err != nil {
		return nil, fmt.Errorf("%s.%s: %w", k.objectType, k.single, err)
	}
	out := make([]Record, len(objs))
	for i, obj := range objs {
		r := Record{Fields: make(map[string]string, len(obj))}
		for name, raw := range obj {
			if name == k.customKey {
				cf, err := customJSON(raw)
				if err != nil {
					return nil, fmt.Errorf("record %d: %s: %w", i+1, name, err)
				}
				r.Custom = cf
				continue
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("record %d: %s is not a string", i+1, name)
			}
			r.Fields[name] = v
		}
		out[i] = r
	}
	return out, nil
}

// oneOrMany reads a JSON list, or one object as a list of one.
func oneOrMany[T any](raw json.RawMessage, dst *[]T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var one T
		if err := json.Unmarshal(raw, &one); err != nil {
			return err
		}
		*dst = []T{one}
		return nil
	}
	return json.Unmarshal(raw, dst)
}

func customJSON(raw json.RawMessage) (map[string]string, error) {
	var w map[string]json.RawMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	if len(w) != 1 || w["CustomField"] == nil {
		return nil, errors.New(`want one "CustomField" member`)
	}
	var fields []struct{ Name, Value *string }
	if err := oneOrMany(w["CustomField"], &fields); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		if f.Name == nil || f.Value == nil || *f.Name == "" {
			return nil, errors.New("a CustomField needs a Name and a Value")
		}
		out[*f.Name] = *f.Value
	}
	return out, nil
}

// xmlNode is an element as read: its name, text and children.
type xmlNode struct {
	XMLName xml.Name
	Text    string    `xml:",chardata"`
	Kids    []xmlNode `xml:",any"`
}

func parseXML(k *kind, body []byte) ([]Record, error) {
	var root xmlNode
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		return nil, err
	}
	if root.XMLName.Local != k.objectType {
		return nil, fmt.Errorf("root element <%s>, want <%s>", root.XMLName.Local, k.objectType)
	}
	out := make([]Record, 0, len(root.Kids))
	for i, rec := range root.Kids {
		if rec.XMLName.Local != k.single {
			return nil, fmt.Errorf("<%s> in <%s>, want <%s>", rec.XMLName.Local, k.objectType, k.single)
		}
		r := Record{Fields: make(map[string]string, len(rec.Kids))}
		for _, f := range rec.Kids {
			name := f.XMLName.Local
			if name == k.customKey {
				cf, err := customXML(f)
				if err != nil {
					return nil, fmt.Errorf("record %d: %s: %w", i+1, name, err)
				}
				r.Custom = cf
				continue
			}
			if len(f.Kids) > 0 {
				return nil, fmt.Errorf("record %d: <%s> holds elements, want text", i+1, name)
			}
			r.Fields[name] = f.Text
		}
		out = append(out, r)
	}
	return out, nil
}

func customXML(n xmlNode) (map[string]string, error) {
	out := make(map[string]string, len(n.Kids))
	for _, cf := range n.Kids {
		if cf.XMLName.Local != "CustomField" {
			return nil, fmt.Errorf("<%s>, want <CustomField>", cf.XMLName.Local)
		}
		var name, value string
		var hasName, hasValue bool
		for _, f := range cf.Kids {
			switch f.XMLName.Local {
			case "Name":
				name, hasName = strings.TrimSpace(f.Text), true
			case "Value":
				value, hasValue = f.Text, true
			default:
				return nil, fmt.Errorf("<%s> in <CustomField>", f.XMLName.Local)
			}
		}
		if !hasName || !hasValue || name == "" {
			return nil, errors.New("a CustomField needs a Name and a Value")
		}
		out[name] = value
	}
	return out, nil
}
