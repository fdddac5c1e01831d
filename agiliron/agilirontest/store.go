package agilirontest

import (
	"slices"
	"strconv"

	"github.com/crmbatch/crmbatch/agiliron"
)

// Stats counts what the server has seen.
type Stats struct {
	// BulkRequests counts Bulk-Leads requests that passed the key check.
	BulkRequests int
	// Batches counts batches queued.
	Batches int
	// StatusRequests counts BatchStatus requests.
	StatusRequests int
	// Callbacks counts callback deliveries attempted; CallbackStatuses
	// holds the HTTP status each got (0 when the call failed).
	Callbacks        int
	CallbackStatuses []int
}

// PutLead stores l as an existing lead (for updates to find) and returns
// its id, assigning one when l.LeadID is empty.
func (s *Server) PutLead(l agiliron.Lead) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := strconv.Atoi(l.LeadID)
	if err != nil || l.LeadID == "" {
		id = s.newID()
	}
	if id >= s.nextID {
		s.nextID = id + 1
	}
	l.LeadID = strconv.Itoa(id)
	s.leads[id] = l
	return l.LeadID
}

func (s *Server) newID() int {
	id := s.nextID
	s.nextID++
	return id
}

// Lead returns the stored lead with id.
func (s *Server) Lead(id string) (agiliron.Lead, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return agiliron.Lead{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[n]
	return l, ok
}

// Leads returns every stored lead, by id.
func (s *Server) Leads() []agiliron.Lead {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.leads))
	for id := range s.leads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]agiliron.Lead, len(ids))
	for i, id := range ids {
		out[i] = s.leads[id]
	}
	return out
}

// Len returns the number of stored leads.
func (s *Server) Len() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.leads) + s.counted }

// Writes returns how many times the lead with id was written by a bulk
// request (an add counts 1, each update 1 more).
func (s *Server) Writes(id string) int {
	n, _ := strconv.Atoi(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[n]
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CallbackStatuses = slices.Clone(s.stats.CallbackStatuses)
	return st
}
