package agilirontest

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Record is one record as the fake read it from the wire: its fields by
// wire name (LeadId, LastName, Company …) and its custom fields by name.
type Record struct {
	Fields map[string]string
	Custom map[string]string
}

// Get returns the field name ("" when absent).
func (r Record) Get(name string) string { return r.Fields[name] }

func (r Record) clone() Record {
	return Record{Fields: maps.Clone(r.Fields), Custom: maps.Clone(r.Custom)}
}

// Resource names one of the fake's record stores.
type Resource string

// The three resources.
const (
	Leads    Resource = "Leads"
	Contacts Resource = "Contacts"
	Accounts Resource = "Accounts"
)

// entry is one record's entry in a batch result.
type entry struct {
	id, name, message string
	record            int
}

// result is a batch's result.
type result struct{ success, failure []entry }

// kind names one resource on the wire and holds its rules.
type kind struct {
	objectType string // "Leads": the envelope and the ack's objectType
	single     string // "Lead"
	idKey      string // "LeadId"
	nameKey    string // "LeadName"
	customKey  string // "LeadCustomFields"
	failWrap   string // the JSON callback's failure wrapper ("Product" for leads, as in the seed)
	name       func(Record) string
	// check returns why Agiliron would refuse the record ("" when fine).
	check func(Record) string
	// noSuch and idOnAdd are the messages for an update of an unknown id
	// and an add that carries an id.
	noSuch, idOnAdd string
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func person(r Record) string { return strings.TrimSpace(r.Get("FirstName") + " " + r.Get("LastName")) }

var kinds = map[Resource]*kind{
	Leads: {objectType: "Leads", single: "Lead", idKey: "LeadId", nameKey: "LeadName", customKey: "LeadCustomFields",
		failWrap: "Product", name: person, noSuch: MsgNoSuchLead, idOnAdd: MsgLeadIDOnAdd,
		check: func(r Record) string {
			switch {
			case blank(r.Get("LastName")):
				return MsgLastNameBlank
			case blank(r.Get("Company")):
				return MsgCompanyBlank
			}
			return ""
		}},
	Contacts: {objectType: "Contacts", single: "Contact", idKey: "ContactId", nameKey: "ContactName", customKey: "CustomFields",
		failWrap: "Contacts", name: person, noSuch: MsgNoSuchContact, idOnAdd: MsgContactIDOnAdd,
		check: func(r Record) string {
			if blank(r.Get("LastName")) {
				return MsgContactLastNameBlank
			}
			return ""
		}},
	Accounts: {objectType: "Accounts", single: "Account", idKey: "AccountID", nameKey: "AccountName", customKey: "CustomFields",
		failWrap: "Accounts", name: func(r Record) string { return strings.TrimSpace(r.Get("AccountName")) },
		noSuch: MsgNoSuchAccount, idOnAdd: MsgAccountIDOnAdd,
		check: func(r Record) string {
			if blank(r.Get("AccountName")) {
				return MsgAccountNameBlank
			}
			return ""
		}},
}

// table is one resource's store: the records by id and how often each was
// written.
type table struct {
	kind   *kind
	rows   map[int]Record
	writes map[int]int
}

func newTable(k *kind) *table {
	return &table{kind: k, rows: make(map[int]Record), writes: make(map[int]int)}
}

// apply validates and writes one record under s.mu; it returns the
// failure message, or "" with the record's id set. In counting-only mode
// nothing is kept, and an update of any integer id is taken.
func (t *table) apply(s *Server, add bool, rec *Record) string {
	if msg := t.kind.check(*rec); msg != "" {
		return msg
	}
	idKey := t.kind.idKey
	if add {
		if rec.Get(idKey) != "" {
			return t.kind.idOnAdd
		}
		id := s.newID()
		rec.Fields[idKey] = strconv.Itoa(id)
		t.store(s, id, *rec)
		return ""
	}
	id, err := strconv.Atoi(rec.Get(idKey))
	if _, ok := t.rows[id]; err != nil || (!ok && !s.CountOnly()) {
		return t.kind.noSuch
	}
	// An update replaces the whole record, as Agiliron's does.
	t.store(s, id, *rec)
	return ""
}

// store keeps rec (unless counting only) and counts the write.
func (t *table) store(s *Server, id int, rec Record) {
	s.stats.Stored++
	if s.CountOnly() {
		return
	}
	t.rows[id] = rec
	t.writes[id]++
}

// process applies a batch's records under s.mu and returns its result.
func (t *table) process(s *Server, add bool, recs []Record) result {
	var res result
	for i := range recs {
		rec := recs[i]
		e := entry{record: i + 1, id: rec.Get(t.kind.idKey)}
		if msg := t.apply(s, add, &rec); msg != "" {
			e.message = msg
			res.failure = append(res.failure, e)
			continue
		}
		e.id, e.name = rec.Get(t.kind.idKey), t.kind.name(rec)
		res.success = append(res.success, e)
	}
	return res
}

// Stats counts what the server has seen.
type Stats struct {
	// Requests counts every request that reached the fake.
	Requests int
	// Writes counts write requests (any request but BatchStatus) that
	// passed the key check, faulted ones included.
	Writes int
	// Batches counts asynchronous batches queued (Bulk-* requests).
	Batches int
	// StatusRequests counts BatchStatus requests that passed the key
	// check (faulted ones included).
	StatusRequests int
	// Stored counts records written (created or updated), in
	// counting-only mode too.
	Stored int
	// Callbacks counts callback deliveries attempted; CallbackStatuses
	// holds the HTTP status each got (0 when the call failed).
	Callbacks        int
	CallbackStatuses []int
}

func (s *Server) newID() int {
	id := s.nextID
	s.nextID++
	return id
}

// Put stores rec in resource r as an existing record (for updates to
// find) and returns its id, assigning one when rec has none.
func (s *Server) Put(r Resource, rec Record) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[r]
	rec = rec.clone()
	if rec.Fields == nil {
		rec.Fields = map[string]string{}
	}
	id, err := strconv.Atoi(rec.Get(t.kind.idKey))
	if err != nil {
		id = s.newID()
	}
	s.nextID = max(s.nextID, id+1)
	rec.Fields[t.kind.idKey] = strconv.Itoa(id)
	t.rows[id] = rec
	return rec.Fields[t.kind.idKey]
}

// Get returns the record of resource r with id.
func (s *Server) Get(r Resource, id string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := strconv.Atoi(id)
	if err != nil {
		return Record{}, false
	}
	rec, ok := s.tables[r].rows[n]
	return rec.clone(), ok
}

// All returns every stored record of resource r, by id.
func (s *Server) All(r Resource) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[r]
	ids := slices.Sorted(maps.Keys(t.rows))
	out := make([]Record, len(ids))
	for i, id := range ids {
		out[i] = t.rows[id].clone()
	}
	return out
}

// Writes returns how many times the record with id (a lead, contact or
// account: ids are unique across them) was written by a request (a create
// counts 1, each update 1 more).
func (s *Server) Writes(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := strconv.Atoi(id)
	if err != nil {
		return 0
	}
	w := 0
	for _, t := range s.tables {
		w += t.writes[n]
	}
	return w
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CallbackStatuses = slices.Clone(s.stats.CallbackStatuses)
	return st
}
