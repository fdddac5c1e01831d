package propeltest

import (
	"encoding/json"

	"github.com/crmbatch/crmbatch/propel"
)

// Record is a stored record as read back from the fake.
type Record[T any] struct {
	// ID is the id the fake gave the record (or the one it was sent with).
	ID int64
	// Value is the record as stored: every field ever sent, the latest
	// value winning, with ID filled in.
	Value T
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

// read decodes a stored record into T.
func read[T any](rec *rawRecord) Record[T] {
	fields := make(map[string]json.RawMessage, len(rec.fields)+1)
	for k, v := range rec.fields {
		fields[k] = v
	}
	fields["id"], _ = json.Marshal(rec.id)
	b, _ := json.Marshal(fields)
	var v T
	_ = json.Unmarshal(b, &v)
	return Record[T]{ID: rec.id, Value: v, Creates: rec.creates, Updates: rec.updates}
}

func all[T any](s *Server, resource string) []Record[T] {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stores[resource]
	out := make([]Record[T], 0, len(st.order))
	for _, id := range st.order {
		out = append(out, read[T](st.byID[id]))
	}
	return out
}

func bySource[T any](s *Server, resource, source, sourceID, language string) (Record[T], bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stores[resource]
	id, ok := st.bySource[sourceKey(source, sourceID, language)]
	if !ok {
		return Record[T]{}, false
	}
	return read[T](st.byID[id]), true
}

func byID[T any](s *Server, resource string, id int64) (Record[T], bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.stores[resource].byID[id]
	if !ok {
		return Record[T]{}, false
	}
	return read[T](rec), true
}

// Customers returns every stored customer, in creation order.
func (s *Server) Customers() []Record[propel.Customer] { return all[propel.Customer](s, "customers") }

// Customer returns the customer stored under source, sourceId and language.
func (s *Server) Customer(source, sourceID, language string) (Record[propel.Customer], bool) {
	return bySource[propel.Customer](s, "customers", source, sourceID, language)
}

// CustomerByID returns the customer with Propeller id id.
func (s *Server) CustomerByID(id int64) (Record[propel.Customer], bool) {
	return byID[propel.Customer](s, "customers", id)
}

// Contacts returns every stored contact, in creation order.
func (s *Server) Contacts() []Record[propel.Contact] { return all[propel.Contact](s, "contacts") }

// Contact returns the contact stored under source, sourceId and language.
func (s *Server) Contact(source, sourceID, language string) (Record[propel.Contact], bool) {
	return bySource[propel.Contact](s, "contacts", source, sourceID, language)
}

// ContactByID returns the contact with Propeller id id.
func (s *Server) ContactByID(id int64) (Record[propel.Contact], bool) {
	return byID[propel.Contact](s, "contacts", id)
}

// Companies returns every stored company, in creation order.
func (s *Server) Companies() []Record[propel.Company] { return all[propel.Company](s, "companies") }

// Company returns the company stored under source, sourceId and language.
func (s *Server) Company(source, sourceID, language string) (Record[propel.Company], bool) {
	return bySource[propel.Company](s, "companies", source, sourceID, language)
}

// CompanyByID returns the company with Propeller id id.
func (s *Server) CompanyByID(id int64) (Record[propel.Company], bool) {
	return byID[propel.Company](s, "companies", id)
}

// AddCompany stores a company directly (no request), for tests that need a
// parent to exist, and returns its id. c.ID, when set, is used as the id.
func (s *Server) AddCompany(c propel.Company) int64 {
	b, _ := json.Marshal(c)
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(b, &obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, _ := s.stores["companies"].upsert(obj, c.ID != 0, &s.nextID, nil)
	return rec.id
}
