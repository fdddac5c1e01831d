package noojeetest

// StoredLead is a lead as the fake holds it.
type StoredLead struct {
	// TemplateID and AllocationID are the ids the lead was inserted with.
	TemplateID, AllocationID string
	// ExternalID is njExternalLeadId ("" when none was given).
	ExternalID string
	// Fields are every field of the lead body as text, system fields
	// (njPriority, njCallBackDate, ...) included.
	Fields map[string]string
	// LeadID is the fake's id for the lead.
	LeadID int
	// Updates counts the successful updates.
	Updates int
}

// campaign is one campaign's leads.
type campaign struct {
	leads   []*StoredLead
	byExt   map[string]*StoredLead
	phones  map[string]int // normalized phone → leads holding it
	counted int            // leads inserted in count-only mode
}

// AddLead stores a lead directly, as if inserted earlier (no checks).
func (s *Server) AddLead(campaignID string, fields map[string]string) StoredLead {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.store(s.campaign(campaignID), "", "", fields)
	return copyLead(l)
}

// Leads returns a copy of the campaign's leads, in insertion order.
func (s *Server) Leads(campaignID string) []StoredLead {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.campaigns[campaignID]
	if c == nil {
		return nil
	}
	out := make([]StoredLead, len(c.leads))
	for i, l := range c.leads {
		out[i] = copyLead(l)
	}
	return out
}

// Lead returns a copy of the campaign's lead with this njExternalLeadId.
func (s *Server) Lead(campaignID, externalID string) (StoredLead, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.campaigns[campaignID]
	if c == nil {
		return StoredLead{}, false
	}
	l, ok := c.byExt[externalID]
	if !ok {
		return StoredLead{}, false
	}
	return copyLead(l), true
}

// LeadCount returns how many leads the campaign holds.
func (s *Server) LeadCount(campaignID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.campaigns[campaignID]; c != nil {
		return len(c.leads) + c.counted
	}
	return 0
}

func copyLead(l *StoredLead) StoredLead {
	c := *l
	c.Fields = make(map[string]string, len(l.Fields))
	for k, v := range l.Fields {
		c.Fields[k] = v
	}
	return c
}

func (s *Server) campaign(id string) *campaign {
	c := s.campaigns[id]
	if c == nil {
		c = &campaign{byExt: map[string]*StoredLead{}, phones: map[string]int{}}
		s.campaigns[id] = c
	}
	return c
}

// store adds a lead to a campaign (s.mu held).
func (s *Server) store(c *campaign, template, allocation string, f map[string]string) *StoredLead {
	s.nextID++
	l := &StoredLead{TemplateID: template, AllocationID: allocation, ExternalID: f["njExternalLeadId"], LeadID: s.nextID, Fields: make(map[string]string, len(f))}
	for k, v := range f {
		l.Fields[k] = v
	}
	if s.countOnly {
		c.counted++
		return l
	}
	c.leads = append(c.leads, l)
	if l.ExternalID != "" {
		c.byExt[l.ExternalID] = l
	}
	for _, p := range s.phones(f) {
		c.phones[p]++
	}
	return l
}
