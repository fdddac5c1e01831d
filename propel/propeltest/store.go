package propeltest

import (
	"encoding/json"
	"maps"
)

// Record is a stored record as read back from the fake.
type Record struct {
	// ID is the id the fake gave the record (or the one it was sent with).
	ID int64
	// Fields is the record as stored: every field ever sent, by its JSON
	// name, the latest value winning, with "id" filled in.
	Fields map[string]json.RawMessage
	// Creates is how many times a request created it: 1, however often it
	// was sent, since the endpoints upsert.
	Creates int
	// Updates is how many times a later request updated it.
	Updates int
}

// rawRecord is a record as kept: its fields as sent, merged.
type rawRecord struct {
	id      int64
	fields  map[string]json.RawMessage
	creates int
	updates int
}

// store keeps one resource's records, keyed as the API keys them.
type store struct {
	byID     map[int64]*rawRecord
	bySource map[string]int64 // source \x00 sourceId \x00 language → id
	order    []int64
}

func newStore() *store {
	return &store{byID: map[int64]*rawRecord{}, bySource: map[string]int64{}}
}

func sourceKey(source, sourceID, language string) string {
	return source + "\x00" + sourceID + "\x00" + language
}

func keyOf(obj map[string]json.RawMessage) (string, bool) {
	source, sourceID, ok := sourcePair(obj)
	if !ok {
		return "", false
	}
	return sourceKey(source, sourceID, str(obj["language"])), true
}

// sourcePair reads an item's source and sourceId: the flat keys, or the
// first entry of the guide's "sources":[{"name":…,"id":…}].
func sourcePair(obj map[string]json.RawMessage) (source, sourceID string, ok bool) {
	if _, ok := obj["sourceId"]; ok {
		return str(obj["source"]), str(obj["sourceId"]), true
	}
	var list []map[string]json.RawMessage
	if raw, has := obj["sources"]; has && json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return str(list[0]["name"]), str(list[0]["id"]), true
	}
	return "", "", false
}

// upsert finds the record by id (byID) or by source key, creating it when
// missing, and merges obj's fields into it.
func (st *store) upsert(obj map[string]json.RawMessage, byID bool, nextID *int64, keep map[string]bool) (*rawRecord, bool) {
	var rec *rawRecord
	if byID {
		var id int64
		_ = json.Unmarshal(obj["id"], &id)
		rec = st.byID[id]
		if rec == nil {
			rec = &rawRecord{id: id, fields: map[string]json.RawMessage{}}
			st.byID[id] = rec
			st.order = append(st.order, id)
		}
	} else if k, ok := keyOf(obj); ok {
		if id, found := st.bySource[k]; found {
			rec = st.byID[id]
		} else {
			*nextID++
			rec = &rawRecord{id: *nextID, fields: map[string]json.RawMessage{}}
			st.byID[rec.id] = rec
			st.bySource[k] = rec.id
			st.order = append(st.order, rec.id)
		}
	}
	if rec == nil { // no key at all (AddCompany with neither id nor sourceId)
		*nextID++
		rec = &rawRecord{id: *nextID, fields: map[string]json.RawMessage{}}
		st.byID[rec.id] = rec
		st.order = append(st.order, rec.id)
	}
	created := rec.creates == 0
	if created {
		rec.creates++
	} else {
		rec.updates++
	}
	if old, ok := keyOf(rec.fields); ok && byID {
		delete(st.bySource, old)
	}
	for k, v := range obj {
		if !created && keep[k] && !empty(rec.fields[k]) {
			continue // directive skipIfNotEmpty
		}
		rec.fields[k] = v
	}
	if k, ok := keyOf(rec.fields); ok {
		st.bySource[k] = rec.id
	}
	return rec, created
}

// exists reports whether obj's record is stored.
func (st *store) exists(obj map[string]json.RawMessage, byID bool) bool {
	if byID {
		var id int64
		_ = json.Unmarshal(obj["id"], &id)
		_, ok := st.byID[id]
		return ok
	}
	k, ok := keyOf(obj)
	if !ok {
		return false
	}
	_, ok = st.bySource[k]
	return ok
}

// empty reports a missing, null or "" value.
func empty(raw json.RawMessage) bool {
	s := string(raw)
	return s == "" || s == "null" || s == `""`
}

// Decode decodes the record's fields into v, e.g. a *propel.Customer.
func (r Record) Decode(v any) error {
	b, err := json.Marshal(r.Fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Text returns a field's value as text: a JSON string unquoted, any other
// value as sent, "" when absent.
func (r Record) Text(field string) string { return str(r.Fields[field]) }

// read copies a stored record out.
func read(rec *rawRecord) Record {
	fields := maps.Clone(rec.fields)
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	fields["id"], _ = json.Marshal(rec.id)
	return Record{ID: rec.id, Fields: fields, Creates: rec.creates, Updates: rec.updates}
}

func all(s *Server, resource string) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stores[resource]
	out := make([]Record, 0, len(st.order))
	for _, id := range st.order {
		out = append(out, read(st.byID[id]))
	}
	return out
}

func bySource(s *Server, resource, source, sourceID, language string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stores[resource]
	id, ok := st.bySource[sourceKey(source, sourceID, language)]
	if !ok {
		return Record{}, false
	}
	return read(st.byID[id]), true
}

func byID(s *Server, resource string, id int64) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.stores[resource].byID[id]
	if !ok {
		return Record{}, false
	}
	return read(rec), true
}

// Customers returns every stored customer, in creation order.
func (s *Server) Customers() []Record { return all(s, "customers") }

// Customer returns the customer stored under source, sourceId and language.
func (s *Server) Customer(source, sourceID, language string) (Record, bool) {
	return bySource(s, "customers", source, sourceID, language)
}

// CustomerByID returns the customer with Propeller id id.
func (s *Server) CustomerByID(id int64) (Record, bool) { return byID(s, "customers", id) }

// Contacts returns every stored contact, in creation order.
func (s *Server) Contacts() []Record { return all(s, "contacts") }

// Contact returns the contact stored under source, sourceId and language.
func (s *Server) Contact(source, sourceID, language string) (Record, bool) {
	return bySource(s, "contacts", source, sourceID, language)
}

// ContactByID returns the contact with Propeller id id.
func (s *Server) ContactByID(id int64) (Record, bool) { return byID(s, "contacts", id) }

// Companies returns every stored company, in creation order.
func (s *Server) Companies() []Record { return all(s, "companies") }

// Company returns the company stored under source, sourceId and language.
func (s *Server) Company(source, sourceID, language string) (Record, bool) {
	return bySource(s, "companies", source, sourceID, language)
}

// CompanyByID returns the company with Propeller id id.
func (s *Server) CompanyByID(id int64) (Record, bool) { return byID(s, "companies", id) }

// AddCompany stores a company directly (no request), for tests that need a
// parent to exist, and returns its id. company is anything that encodes to
// the company's JSON (a propel.Company, a map); its "id", when set, is
// used as the id.
func (s *Server) AddCompany(company any) int64 {
	b, _ := json.Marshal(company)
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(b, &obj)
	var id int64
	_ = json.Unmarshal(obj["id"], &id)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, _ := s.stores["companies"].upsert(obj, id != 0, &s.nextID, nil)
	return rec.id
}
