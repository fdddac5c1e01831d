package agiliron

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// created is Agiliron's synchronous answer to POST Leads (Add Lead): the
// MCM envelope, {"MCM":{"response":{…},"parameters":{"results":{"message":
// {"status":…,"success_message":…}}}}}, in JSON or XML.
type created struct {
	// Status is "Success" when the leads were added.
	Status string
	// Message is success_message (its text) or error_message, trimmed.
	Message string
	// IDs are the new ids the answer gives (lead_id or LeadId, in
	// success_message or beside it; one, a list, or comma-separated).
	IDs []string
	// Result is set when the answer carries per-record results
	// (SuccessNumber, Success, Failure) rather than a status alone.
	Result *BatchResult
}

// Succeeded reports whether the status says the request succeeded.
func (c *created) Succeeded() bool { return strings.EqualFold(c.Status, "Success") }

// decodeCreated decodes the answer to POST Leads in JSON or XML (chosen by
// contentType or sniffed). A body that is not an MCM envelope with a
// message yields an error wrapping batch.ErrMalformedResponse.
func decodeCreated(contentType string, body []byte) (*created, error) {
	xmlIn := detectFormat(contentType, body) == XML
	if !xmlIn {
		if out, ok := decodeCreatedCommon(body); ok {
			return out, nil
		}
	}
	return decodeCreatedTree(xmlIn, body)
}

// decodeCreatedTree is decodeCreated for every variant: the answer is
// read into a tree and searched key by key.
func decodeCreatedTree(xmlIn bool, body []byte) (*created, error) {
	var tree any
	if xmlIn {
		root, err := parseXML(body)
		if err != nil {
			return nil, malformed("answer", err)
		}
		tree = map[string]any{root.name: xmlTree(root, 0)}
	} else {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if err := d.Decode(&tree); err != nil {
			return nil, malformed("answer", err)
		}
		if _, err := d.Token(); err != io.EOF {
			return nil, malformed("answer", errors.New("data after the answer"))
		}
	}
	msg, ok := field(tree, "MCM", "parameters", "results", "message").(map[string]any)
	if !ok {
		return nil, malformed("answer", errors.New("no MCM.parameters.results.message object"))
	}
	out := new(created)
	if field(msg, "SuccessNumber") != nil || field(msg, "Success") != nil || field(msg, "Failure") != nil {
		b, err := json.Marshal(msg)
		if err == nil {
			out.Result, err = resultFromJSON(b)
		}
		if err != nil {
			return nil, err
		}
	}
	out.Status = text(field(msg, "status"))
	switch sm := field(msg, "success_message").(type) {
	case map[string]any:
		out.Message = text(field(sm, "message"))
		out.IDs = appendIDs(out.IDs, field(sm, "lead_id"), field(sm, "LeadId"))
	default:
		out.Message = text(sm)
	}
	out.IDs = appendIDs(out.IDs, field(msg, "lead_id"), field(msg, "LeadId"))
	if out.Message == "" {
		out.Message = text(field(msg, "error_message"))
	}
	if out.Status == "" && out.Result == nil {
		return nil, malformed("answer", errors.New("no status"))
	}
	return out, nil
}

// field walks tree down the object keys path (case-insensitive); nil when
// a step is missing.
func field(tree any, path ...string) any {
	for _, k := range path {
		m, ok := tree.(map[string]any)
		if !ok {
			return nil
		}
		tree = nil
		for mk, v := range m {
			if strings.EqualFold(mk, k) {
				tree = v
				break
			}
		}
	}
	return tree
}

// text returns a string-like value as trimmed text ("" for anything else).
func text(v any) string {
	s, err := textJSON(v)
	if err != nil {
		return ""
	}
	return s
}

// appendIDs adds the ids in each value: a string (comma-separated ids
// allowed), a number, or a list of those.
func appendIDs(out []string, vs ...any) []string {
	for _, v := range vs {
		switch x := v.(type) {
		case []any:
			out = appendIDs(out, x...)
		default:
			for _, id := range strings.Split(text(x), ",") {
				if id = strings.TrimSpace(id); id != "" {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// xmlTree turns an element into the shape encoding/json gives a document:
// text for a leaf, an object for an element with children (a name given
// more than once becomes a list).
func xmlTree(n *xnode, depth int) any {
	if len(n.kids) == 0 || depth > maxNesting {
		return strings.TrimSpace(n.text)
	}
	m := make(map[string]any, len(n.kids))
	for _, k := range n.kids {
		v := xmlTree(k, depth+1)
		switch old := m[k.name].(type) {
		case nil:
			m[k.name] = v
		case []any:
			m[k.name] = append(old, v)
		default:
			m[k.name] = []any{old, v}
		}
	}
	return m
}
