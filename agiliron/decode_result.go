package agiliron

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// decodeResult decodes a batch's final result as Agiliron sends it to the
// callback URL, in JSON or XML (chosen by contentType or sniffed). It
// accepts every variant seen: the counts as numbers or strings, Success and
// Failure holding one entry or a list, entries wrapped in "Leads",
// "Product", "Lead", "Contacts" or "Accounts", with or without Record
// numbers, and with or without the outer "result" wrapper. An entry's id
// is its key ending in "Id" (LeadId, ContactId, AccountID), its name the
// key ending in "Name" (LeadName, ContactName, AccountName).
func decodeResult(contentType string, body []byte) (*BatchResult, error) {
	if detectFormat(contentType, body) == XML {
		root, err := parseXML(body)
		if err != nil {
			return nil, malformed("result", err)
		}
		return resultFromXML(root)
	}
	return resultFromJSON(body)
}

// resultFromJSON decodes {"result":{…}} or the bare result object: the
// common shape into structs (resultCommon), any other parsed once into a
// tree (numbers kept as written), then walked.
func resultFromJSON(body []byte) (*BatchResult, error) {
	if r, ok := resultCommon(body); ok {
		return r, nil
	}
	return resultTree(body)
}

// resultTree decodes a JSON result of any variant through a tree.
func resultTree(body []byte) (*BatchResult, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return nil, malformed("result", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, malformed("result", errors.New("data after the result"))
	}
	top, ok := tree.(map[string]any)
	if !ok {
		return nil, malformed("result", errors.New("not an object"))
	}
	if len(top) == 1 {
		for k, v := range top {
			if strings.EqualFold(k, "result") {
				if top, ok = v.(map[string]any); !ok {
					return nil, malformed("result", errors.New("result is not an object"))
				}
			}
		}
	}
	r := new(BatchResult)
	found := false
	for _, k := range sortedKeys(top) {
		v := top[k]
		var err error
		switch {
		case strings.EqualFold(k, "SuccessNumber"):
			found = true
			r.SuccessNumber, err = countJSON(v)
		case strings.EqualFold(k, "FailureNumber"):
			found = true
			r.FailureNumber, err = countJSON(v)
		case strings.EqualFold(k, "Success"):
			found = true
			r.Success, err = entriesJSON(v, 0, r.Success)
		case strings.EqualFold(k, "Failure"):
			found = true
			r.Failure, err = entriesJSON(v, 0, r.Failure)
		}
		if err != nil {
			return nil, malformed("result."+k, err)
		}
	}
	if !found {
		return nil, malformed("result", errors.New("no SuccessNumber, FailureNumber, Success or Failure"))
	}
	return r, nil
}

// sortedKeys returns m's keys in order, so that a result decodes the same
// every time (Agiliron's objects have one key per name in practice).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// countJSON reads a count or a Record number: a number or a string of
// digits, 0 to 2^31.
func countJSON(v any) (int, error) {
	var text string
	switch x := v.(type) {
	case nil:
		return 0, nil
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		return 0, fmt.Errorf("want a number, got %T", v)
	}
	var n int
	err := intText(text, &n)
	return n, err
}

// textJSON reads a string-like value: a string, a number or a boolean as
// written, null as "".
func textJSON(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(x), nil
	case json.Number:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("want a string or a number, got %T", v)
}

// Result entry fields, by their key: the record's id (LeadId, ContactId,
// AccountID …), its name (LeadName, ContactName, AccountName …), Message
// and Record.
const (
	notEntryKey = iota
	idKey
	nameKey
	messageKey
	recordKey
)

// entryKey classifies an object key of a result entry; notEntryKey for a
// wrapper ("Leads", "Contacts", "Product" …).
func entryKey(k string) int {
	l := strings.ToLower(k)
	switch {
	case l == "message":
		return messageKey
	case l == "record":
		return recordKey
	case strings.HasSuffix(l, "id") && len(l) > 2:
		return idKey
	case strings.HasSuffix(l, "name") && len(l) > 4:
		return nameKey
	}
	return notEntryKey
}

// isEntryKey reports whether an object key belongs to a result entry
// rather than to a wrapper.
func isEntryKey(k string) bool { return entryKey(k) != notEntryKey }

// entriesJSON collects the result entries in v: an entry object, a
// wrapper object whose values hold entries, a list of either, null or "".
func entriesJSON(v any, depth int, out []ResultEntry) ([]ResultEntry, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deep")
	}
	switch x := v.(type) {
	case nil:
		return out, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return out, nil
		}
		return nil, fmt.Errorf("want an object or a list, got the string %.40q", x)
	case []any:
		for _, y := range x {
			var err error
			if out, err = entriesJSON(y, depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		keys := sortedKeys(x)
		if slices.ContainsFunc(keys, isEntryKey) {
			e, err := entryJSON(x, keys)
			if err != nil {
				return nil, err
			}
			return append(out, e), nil
		}
		for _, k := range keys {
			var err error
			if out, err = entriesJSON(x[k], depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("want an object or a list, got %T", v)
}

// entryJSON reads one entry object, whose keys are given in order.
func entryJSON(obj map[string]any, keys []string) (ResultEntry, error) {
	var e ResultEntry
	for _, k := range keys {
		v := obj[k]
		var err error
		switch entryKey(k) {
		case idKey:
			e.LeadID, err = textJSON(v)
		case nameKey:
			e.LeadName, err = textJSON(v)
		case messageKey:
			e.Message, err = textJSON(v)
		case recordKey:
			e.Record, err = countJSON(v)
		}
		if err != nil {
			return ResultEntry{}, fmt.Errorf("%s: %w", k, err)
		}
	}
	return e, nil
}

// resultFromXML reads <result>…</result> (or a root holding it).
func resultFromXML(root *xnode) (*BatchResult, error) {
	n := root
	if !strings.EqualFold(n.name, "result") {
		if c := n.child("result"); c != nil {
			n = c
		}
	}
	r := new(BatchResult)
	found := false
	for _, k := range n.kids {
		var err error
		switch {
		case strings.EqualFold(k.name, "SuccessNumber"):
			found = true
			err = intText(k.text, &r.SuccessNumber)
		case strings.EqualFold(k.name, "FailureNumber"):
			found = true
			err = intText(k.text, &r.FailureNumber)
		case strings.EqualFold(k.name, "Success"):
			found = true
			r.Success, err = entriesXML(k, 0, r.Success)
		case strings.EqualFold(k.name, "Failure"):
			found = true
			r.Failure, err = entriesXML(k, 0, r.Failure)
		}
		if err != nil {
			return nil, malformed("result."+k.name, err)
		}
	}
	if !found {
		return nil, malformed("result", errors.New("no SuccessNumber, FailureNumber, Success or Failure"))
	}
	return r, nil
}

// entriesXML collects the result entries under n: n itself when it holds
// an id, a name, Message or Record, else its children's.
func entriesXML(n *xnode, depth int, out []ResultEntry) ([]ResultEntry, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deep")
	}
	entry := false
	for _, k := range n.kids {
		if isEntryKey(k.name) {
			entry = true
			break
		}
	}
	if !entry {
		for _, k := range n.kids {
			var err error
			if out, err = entriesXML(k, depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	var e ResultEntry
	for _, k := range n.kids {
		switch entryKey(k.name) {
		case idKey:
			e.LeadID = strings.TrimSpace(k.text)
		case nameKey:
			e.LeadName = strings.TrimSpace(k.text)
		case messageKey:
			e.Message = strings.TrimSpace(k.text)
		case recordKey:
			if err := intText(k.text, &e.Record); err != nil {
				return nil, fmt.Errorf("Record: %w", err)
			}
		}
	}
	return append(out, e), nil
}
