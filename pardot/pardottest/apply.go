package pardottest

import (
	"strconv"
	"strings"
)

// apply writes a batch under the lock and returns the per-prospect errors.
func (s *Server) apply(version int, op string, items []item) []itemErr {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.BatchProspects += len(items)
	var errs []itemErr
	for i, it := range items {
		key := it.key
		if version == 4 {
			key = strconv.Itoa(i)
		}
		var code int
		if version == 3 {
			code = s.apply3(op, it)
		} else {
			code = s.apply4(op, it)
		}
		if code != 0 {
			errs = append(errs, itemErr{key: key, code: code})
		}
	}
	return errs
}

// rejected returns the global code of a RejectBatchWith rule matching any
// of the items, or 0.
func (s *Server) rejected(items []item) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rejects) == 0 {
		return 0
	}
	for _, it := range items {
		for _, id := range []string{it.key, it.fields["email"], it.fields["id"], it.fields["fid"]} {
			if code := s.rejects[strings.ToLower(id)]; id != "" && code != 0 {
				return code
			}
		}
	}
	return 0
}

// injected returns a queued per-prospect fault for any of the identifiers.
func (s *Server) injected(idents ...string) int {
	for _, id := range idents {
		if id == "" {
			continue
		}
		if f := s.recFaults[strings.ToLower(id)]; f != nil && f.times > 0 {
			f.times--
			return f.code
		}
	}
	return 0
}

// apply3 writes one version 3 prospect keyed by id or email.
func (s *Server) apply3(op string, it item) int {
	ident := it.key
	id, err := strconv.ParseInt(ident, 10, 64)
	byID := err == nil
	if code := s.injected(ident, it.fields["email"]); code != 0 {
		return code
	}
	switch op {
	case "batchCreate":
		if byID || !validEmail(ident) {
			return 4
		}
		if len(s.byEmail[strings.ToLower(ident)]) > 0 {
			return 9
		}
		return s.create(ident, "", it.fields)
	}
	var p *Prospect
	if byID {
		if p = s.byID[id]; p == nil {
			return 3
		}
	} else {
		if !validEmail(ident) {
			return 4
		}
		if ids := s.byEmail[strings.ToLower(ident)]; len(ids) > 0 {
			p = s.byID[ids[0]]
		}
		if p == nil {
			if op == "batchUpsert" {
				return s.create(ident, "", it.fields)
			}
			return 4
		}
	}
	return s.update(p, it.fields, false)
}

// apply4 writes one version 4 prospect carrying id, fid or email.
func (s *Server) apply4(op string, it item) int {
	idText, fid, email := it.fields["id"], it.fields["fid"], it.fields["email"]
	if code := s.injected(idText, fid, email); code != 0 {
		return code
	}
	if email != "" && !validEmail(email) {
		return 4
	}
	if op == "batchCreate" {
		if email == "" {
			return 4
		}
		if idText != "" {
			return 3
		}
		return s.create(email, fid, it.fields)
	}
	var p *Prospect
	switch {
	case idText != "":
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return 3
		}
		if p = s.byID[id]; p == nil {
			return 3
		}
		if fid != "" && p.FID != "" && p.FID != fid {
			return 81
		}
	case fid != "":
		if id, ok := s.byFID[fid]; ok {
			p = s.byID[id]
		} else if op == "batchUpsert" {
			if email == "" {
				return 4
			}
			return s.create(email, fid, it.fields)
		} else {
			return 77
		}
	default:
		if op == "batchUpsert" && email != "" {
			return s.create(email, "", it.fields) // v4 upsert by email always creates
		}
		return 3
	}
	return s.update(p, it.fields, op == "batchUpsert")
}

// create stores a new prospect (mu held).
func (s *Server) create(email, fid string, fields map[string]string) int {
	s.nextID++
	p := &Prospect{ID: s.nextID, Email: email, FID: fid, Fields: map[string]string{}, Writes: 1}
	for k, v := range fields {
		if k != "id" && k != "email" && k != "fid" {
			p.Fields[k] = v
		}
	}
	if s.countOnly {
		s.counted++
		return 0
	}
	s.store(p)
	return 0
}

// update writes fields onto p (mu held); upserts unarchive.
func (s *Server) update(p *Prospect, fields map[string]string, unarchive bool) int {
	if p.Archived {
		if !unarchive {
			return 132
		}
		p.Archived = false
	}
	if e, ok := fields["email"]; ok && e != "" {
		if !validEmail(e) {
			return 4
		}
		s.setEmail(p, e)
	}
	if f, ok := fields["fid"]; ok && f != "" && p.FID == "" {
		p.FID = f
		s.byFID[f] = p.ID
	}
	for k, v := range fields {
		if k != "id" && k != "email" && k != "fid" {
			p.Fields[k] = v
		}
	}
	p.Writes++
	return 0
}

// validEmail is the fake's email check: one @, a dotted domain, no spaces,
// at most 255 bytes.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if len(s) > 255 || at <= 0 || strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}
