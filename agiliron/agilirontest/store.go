package agilirontest

import (
	"slices"

	"github.com/crmbatch/crmbatch/agiliron"
)

// Stats counts what the server has seen.
type Stats struct {
	// BulkRequests counts write requests (Bulk-Leads, Leads, Bulk-Contacts,
	// Bulk-Accounts) that passed the key check.
	BulkRequests int
	// Batches counts asynchronous batches queued (Bulk-* requests).
	Batches int
	// StatusRequests counts BatchStatus requests.
	StatusRequests int
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

// PutLead stores l as an existing lead (for updates to find) and returns
// its id, assigning one when l.LeadID is empty.
func (s *Server) PutLead(l agiliron.Lead) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leads.put(s, l)
}

// Lead returns the stored lead with id.
func (s *Server) Lead(id string) (agiliron.Lead, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leads.get(id)
}

// Leads returns every stored lead, by id.
func (s *Server) Leads() []agiliron.Lead { s.mu.Lock(); defer s.mu.Unlock(); return s.leads.all() }

// Len returns the number of stored leads.
func (s *Server) Len() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.leads.rows) }

// PutContact stores c as an existing contact and returns its id.
func (s *Server) PutContact(c agiliron.Contact) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contacts.put(s, c)
}

// Contact returns the stored contact with id.
func (s *Server) Contact(id string) (agiliron.Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contacts.get(id)
}

// Contacts returns every stored contact, by id.
func (s *Server) Contacts() []agiliron.Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contacts.all()
}

// PutAccount stores a as an existing account and returns its id.
func (s *Server) PutAccount(a agiliron.Account) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts.put(s, a)
}

// Account returns the stored account with id.
func (s *Server) Account(id string) (agiliron.Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts.get(id)
}

// Accounts returns every stored account, by id.
func (s *Server) Accounts() []agiliron.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts.all()
}

// Writes returns how many times the record with id (a lead, contact or
// account: ids are unique across them) was written by a request (an add
// counts 1, each update 1 more).
func (s *Server) Writes(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	if _, ok := s.leads.get(id); ok {
		n += s.leads.writes[atoi(id)]
	}
	if _, ok := s.contacts.get(id); ok {
		n += s.contacts.writes[atoi(id)]
	}
	if _, ok := s.accounts.get(id); ok {
		n += s.accounts.writes[atoi(id)]
	}
	return n
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CallbackStatuses = slices.Clone(s.stats.CallbackStatuses)
	return st
}
