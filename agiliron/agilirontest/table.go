package agilirontest

import (
	"slices"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/agiliron"
)

// kind names one resource on the wire: its envelope and the keys of its
// result entries.
type kind struct {
	objectType string // "Leads": the envelope and the ack's objectType
	idKey      string // "LeadId"
	nameKey    string // "LeadName"
	failWrap   string // the JSON callback's failure wrapper ("Product" for leads, as in the seed)
}

// table is one record type's store: the records by id, how often each
// was written, and the record type's rules.
type table[T any] struct {
	kind   kind
	rows   map[int]T
	writes map[int]int
	id     func(*T) string
	setID  func(*T, string)
	name   func(*T) string
	// check returns why Agiliron would refuse the record ("" when fine).
	check func(*T) string
	// noSuch and idOnAdd are the messages for an update of an unknown id
	// and an add that carries an id.
	noSuch, idOnAdd string
}

func newTable[T any](k kind, id func(*T) string, setID func(*T, string), name func(*T) string, check func(*T) string, noSuch, idOnAdd string) *table[T] {
	return &table[T]{kind: k, rows: make(map[int]T), writes: make(map[int]int),
		id: id, setID: setID, name: name, check: check, noSuch: noSuch, idOnAdd: idOnAdd}
}

// apply validates and writes one record under s.mu; it returns the
// failure message, or "" with the record's id set.
func (t *table[T]) apply(s *Server, add bool, rec *T) string {
	if msg := t.check(rec); msg != "" {
		return msg
	}
	if add {
		if t.id(rec) != "" {
			return t.idOnAdd
		}
		id := s.newID()
		t.setID(rec, strconv.Itoa(id))
		t.rows[id] = *rec
		t.writes[id]++
		return ""
	}
	id, err := strconv.Atoi(t.id(rec))
	if _, ok := t.rows[id]; err != nil || !ok {
		return t.noSuch
	}
	// An update replaces the whole record, as Agiliron's does.
	t.rows[id] = *rec
	t.writes[id]++
	return ""
}

// process applies a batch's records under s.mu and returns its result.
func (t *table[T]) process(s *Server, add bool, recs []T) agiliron.BatchResult {
	var res agiliron.BatchResult
	for i := range recs {
		rec := recs[i]
		e := agiliron.ResultEntry{Record: i + 1, LeadID: t.id(&rec)}
		if msg := t.apply(s, add, &rec); msg != "" {
			e.Message = msg
			res.Failure = append(res.Failure, e)
			continue
		}
		e.LeadID, e.LeadName = t.id(&rec), t.name(&rec)
		res.Success = append(res.Success, e)
	}
	res.SuccessNumber, res.FailureNumber = len(res.Success), len(res.Failure)
	return res
}

// put stores rec as an existing record and returns its id, assigning one
// when it has none; s.mu is held.
func (t *table[T]) put(s *Server, rec T) string {
	id, err := strconv.Atoi(t.id(&rec))
	if err != nil {
		id = s.newID()
	}
	if id >= s.nextID {
		s.nextID = id + 1
	}
	t.setID(&rec, strconv.Itoa(id))
	t.rows[id] = rec
	return t.id(&rec)
}

// get returns the record with id; s.mu is held.
func (t *table[T]) get(id string) (T, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		var zero T
		return zero, false
	}
	r, ok := t.rows[n]
	return r, ok
}

// all returns every record, by id; s.mu is held.
func (t *table[T]) all() []T {
	ids := make([]int, 0, len(t.rows))
	for id := range t.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]T, len(ids))
	for i, id := range ids {
		out[i] = t.rows[id]
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func newLeadTable() *table[agiliron.Lead] {
	return newTable(kind{"Leads", "LeadId", "LeadName", "Product"},
		func(l *agiliron.Lead) string { return l.LeadID },
		func(l *agiliron.Lead, id string) { l.LeadID = id },
		func(l *agiliron.Lead) string { return strings.TrimSpace(l.FirstName + " " + l.LastName) },
		func(l *agiliron.Lead) string {
			switch {
			case blank(l.LastName):
				return MsgLastNameBlank
			case blank(l.Company):
				return MsgCompanyBlank
			}
			return ""
		}, MsgNoSuchLead, MsgLeadIDOnAdd)
}

func newContactTable() *table[agiliron.Contact] {
	return newTable(kind{"Contacts", "ContactId", "ContactName", "Contacts"},
		func(c *agiliron.Contact) string { return c.ContactID },
		func(c *agiliron.Contact, id string) { c.ContactID = id },
		func(c *agiliron.Contact) string { return strings.TrimSpace(c.FirstName + " " + c.LastName) },
		func(c *agiliron.Contact) string {
			if blank(c.LastName) {
				return MsgContactLastNameBlank
			}
			return ""
		}, MsgNoSuchContact, MsgContactIDOnAdd)
}

func newAccountTable() *table[agiliron.Account] {
	return newTable(kind{"Accounts", "AccountID", "AccountName", "Accounts"},
		func(a *agiliron.Account) string { return a.AccountID },
		func(a *agiliron.Account, id string) { a.AccountID = id },
		func(a *agiliron.Account) string { return strings.TrimSpace(a.AccountName) },
		func(a *agiliron.Account) string {
			if blank(a.AccountName) {
				return MsgAccountNameBlank
			}
			return ""
		}, MsgNoSuchAccount, MsgAccountIDOnAdd)
}
