package noojeetest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// digits keeps the digits of a phone number.
func digits(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPhoneField reports whether a field holds a phone number.
func (s *Server) isPhoneField(name string) bool {
	if len(s.phoneFields) > 0 {
		return slices.Contains(s.phoneFields, name)
	}
	return strings.Contains(strings.ToLower(name), "phone")
}

// phones returns the normalized phone numbers of a lead body.
func (s *Server) phones(fields map[string]string) []string {
	var out []string
	for k, v := range fields {
		if s.isPhoneField(k) && !isNoChange(v) {
			if d := digits(v); d != "" {
				out = append(out, d)
			}
		}
	}
	return out
}

func isNoChange(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "<No Change>") }

// checkCommon applies the checks shared by insert and update.
func (s *Server) checkCommon(fields map[string]string) *refusal {
	if v, ok := fields["njCallBackDate"]; ok && !isNoChange(v) {
		if _, err := time.Parse("2006/01/02 15:04", v); err != nil {
			return refuse(114, "")
		}
	}
	if v, ok := fields["njContactHours"]; ok && !isNoChange(v) && s.contactHours != nil && !s.contactHours[v] {
		return refuse(111, "")
	}
	if v, ok := fields["njPriority"]; ok && !isNoChange(v) {
		if p, err := strconv.Atoi(v); err != nil || p < 0 || p > 100 {
			return &refusal{code: -1, status: http.StatusBadRequest, msg: "njPriority must be a whole number from 0 to 100"}
		}
	}
	for _, p := range s.phones(fields) {
		if s.dnc[p] {
			return refuse(104, "")
		}
	}
	return nil
}

// insert checks every lead, then stores all or none (s.mu held).
func (s *Server) insert(template, campaignID, allocation string, allowDup bool, leads []map[string]string) (int, *refusal) {
	c := s.campaign(campaignID)
	batchPhones := map[string]bool{}
	batchExt := map[string]bool{}
	for _, f := range leads {
		for _, v := range f {
			if isNoChange(v) {
				return 0, refuse(108, "")
			}
		}
		if len(s.phones(f)) == 0 {
			return 0, refuse(102, "")
		}
		if ref := s.checkCommon(f); ref != nil {
			return 0, ref
		}
		if !allowDup {
			for _, p := range s.phones(f) {
				if c.phones[p] > 0 || batchPhones[p] {
					return 0, refuse(105, "")
				}
				batchPhones[p] = true
			}
		}
		if ext := f["njExternalLeadId"]; ext != "" {
			if c.byExt[ext] != nil || batchExt[ext] {
				return 0, refuse(112, "")
			}
			batchExt[ext] = true
		}
	}
	id := 0
	for _, f := range leads {
		id = s.store(c, template, allocation, f).LeadID
	}
	return id, nil
}

// update applies one update (s.mu held).
func (s *Server) update(campaignID string, f map[string]string) *refusal {
	ext := f["njExternalLeadId"]
	c := s.campaigns[campaignID]
	if ext == "" || c == nil || c.byExt[ext] == nil {
		return refuse(101, "")
	}
	l := c.byExt[ext]
	if s.conflicts[ext] {
		return refuse(110, "")
	}
	if d, ok := f["njDisposition"]; ok {
		if isNoChange(d) {
			if l.Fields["njDisposition"] == "" {
				return refuse(107, "")
			}
		} else if s.dispositions != nil && !s.dispositions[d] {
			return refuse(106, "")
		}
	}
	if ref := s.checkCommon(f); ref != nil {
		return ref
	}
	for _, p := range s.phones(l.Fields) {
		c.phones[p]--
	}
	for k, v := range f {
		if !isNoChange(v) {
			l.Fields[k] = v
		}
	}
	for _, p := range s.phones(l.Fields) {
		c.phones[p]++
	}
	l.Updates++
	return nil
}
