package agiliron

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// The common JSON batch result, read into structs rather than a tree of
// maps: {"SuccessNumber":…,"FailureNumber":…,"Success":[{"<Wrapper>":
// {entry}},…],"Failure":[…]}, as BatchStatus' Response carries it, each
// entry holding a record's id, name, Message and Record. Whatever else
// (another shape, an unknown key, a key given twice, two ids in one
// entry, a value of an unexpected type) is left to the tree decoder
// (resultFromJSON), which reads every variant: ok false, never a
// different reading. A fuzz test holds the two to the same answers.

// errFallBack tells the common decoder's caller to use the tree decoder.
var errFallBack = errors.New("not the common shape")

// resultCommonJSON is the result object.
type resultCommonJSON struct {
	SuccessNumber    countField      `json:"SuccessNumber"`
	FailureNumber    countField      `json:"FailureNumber"`
	SuccessAccountID json.RawMessage `json:"SuccessAccountId"` // ignored, as the tree decoder ignores it
	Success          entryList       `json:"Success"`
	Failure          entryList       `json:"Failure"`
}

// entryList is Success or Failure: a list of wrapped entries.
type entryList struct {
	set     bool
	entries []ResultEntry
}

// wrappedEntryJSON is one element of the list: an object whose one key
// names the record type and holds the entry.
type wrappedEntryJSON struct {
	Leads    commonEntryJSON `json:"Leads"`
	Contacts commonEntryJSON `json:"Contacts"`
	Accounts commonEntryJSON `json:"Accounts"`
	Product  commonEntryJSON `json:"Product"`
	Lead     commonEntryJSON `json:"Lead"`
	Contact  commonEntryJSON `json:"Contact"`
	Account  commonEntryJSON `json:"Account"`
}

// commonEntryJSON is one record's entry; any of the resources' id and name keys.
type commonEntryJSON struct {
	LeadID      textField  `json:"LeadId"`
	ContactID   textField  `json:"ContactId"`
	AccountID   textField  `json:"AccountID"`
	LeadName    textField  `json:"LeadName"`
	ContactName textField  `json:"ContactName"`
	AccountName textField  `json:"AccountName"`
	Message     textField  `json:"Message"`
	Record      countField `json:"Record"`
}

// textField is a value read as textJSON reads it: a string (trimmed), a
// number or a boolean as written, null as "". set says the key was given
// (null included), dup that it was given twice.
type textField struct {
	s        string
	set, dup bool
}

// UnmarshalJSON reads b, which encoding/json has already checked is one
// valid JSON value.
func (f *textField) UnmarshalJSON(b []byte) error {
	if f.set {
		f.dup = true
		return errFallBack
	}
	f.set = true
	switch {
	case string(b) == "null":
	case b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
			var s string
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			f.s = strings.TrimSpace(s)
			return nil
		}
		f.s = string(bytes.TrimSpace(inner))
	case b[0] == '{' || b[0] == '[':
		return errFallBack // the tree decoder refuses it, with its reason
	default: // a number, true or false, as written
		f.s = string(b)
	}
	return nil
}

// countField is a count or a Record number read as countJSON reads it: a
// number or a string of digits, null as 0.
type countField struct {
	n   int
	set bool
}

// UnmarshalJSON reads b, one valid JSON value.
func (f *countField) UnmarshalJSON(b []byte) error {
	if f.set {
		return errFallBack
	}
	f.set = true
	switch {
	case string(b) == "null":
		return nil
	case b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') >= 0 {
			return errFallBack
		}
		return intText(string(inner), &f.n)
	case b[0] == '{' || b[0] == '[' || b[0] == 't' || b[0] == 'f':
		return errFallBack
	}
	return intText(string(b), &f.n)
}

// UnmarshalJSON reads the list of wrapped entries.
func (l *entryList) UnmarshalJSON(b []byte) error {
	if l.set {
		return errFallBack // Success given twice: the tree decoder adds both
	}
	l.set = true
	if string(b) == "null" || b[0] != '[' {
		return errFallBack
	}
	// Element by element into one wrapper value: a slice of wrappers
	// (seven entries' room each) would cost more than the entries.
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if _, err := d.Token(); err != nil { // [
		return err
	}
	var w wrappedEntryJSON
	for d.More() {
		w = wrappedEntryJSON{}
		if err := d.Decode(&w); err != nil {
			return err
		}
		e, ok := w.entry()
		if !ok {
			return errFallBack
		}
		l.entries = append(l.entries, e)
	}
	return nil
}

// entry returns the one entry w wraps; ok is false unless exactly one
// wrapper key holds one, with at most one id and one name.
func (w *wrappedEntryJSON) entry() (ResultEntry, bool) {
	var found *commonEntryJSON
	for _, e := range []*commonEntryJSON{&w.Leads, &w.Contacts, &w.Accounts, &w.Product, &w.Lead, &w.Contact, &w.Account} {
		if !e.given() {
			continue
		}
		if found != nil {
			return ResultEntry{}, false
		}
		found = e
	}
	if found == nil {
		return ResultEntry{}, false
	}
	id, ok := oneOf(found.LeadID, found.ContactID, found.AccountID)
	if !ok {
		return ResultEntry{}, false
	}
	name, ok := oneOf(found.LeadName, found.ContactName, found.AccountName)
	if !ok {
		return ResultEntry{}, false
	}
	return ResultEntry{LeadID: id, LeadName: name, Message: found.Message.s, Record: found.Record.n}, true
}

// given reports whether any of the entry's keys was given.
func (e *commonEntryJSON) given() bool {
	return e.LeadID.set || e.ContactID.set || e.AccountID.set || e.LeadName.set || e.ContactName.set ||
		e.AccountName.set || e.Message.set || e.Record.set
}

// oneOf returns the value of the one field given; ok is false when more
// than one was (the tree decoder's order between them decides).
func oneOf(fs ...textField) (s string, ok bool) {
	n := 0
	for _, f := range fs {
		if f.set {
			n++
			s = f.s
		}
	}
	return s, n <= 1
}

// resultCommon reads body in the common shape; ok is false for anything
// else.
func resultCommon(body []byte) (*BatchResult, bool) {
	// encoding/json matches keys by Unicode simple folding, under which
	// "ſ" (U+017F) is an "s" and "K" (U+212A) a "k"; the tree decoder's
	// key rules do not fold them so. A body holding either is left to it.
	if bytes.Contains(body, []byte("ſ")) || bytes.Contains(body, []byte("K")) {
		return nil, false
	}
	var w resultCommonJSON
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if d.Decode(&w) != nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	if !w.SuccessNumber.set && !w.FailureNumber.set && !w.Success.set && !w.Failure.set {
		return nil, false
	}
	return &BatchResult{SuccessNumber: w.SuccessNumber.n, FailureNumber: w.FailureNumber.n,
		Success: w.Success.entries, Failure: w.Failure.entries}, true
}
