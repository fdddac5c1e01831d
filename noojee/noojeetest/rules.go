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

// insertOne checks one lead and stores it (s.mu held).
func (s *Server) insertOne(template, campaignID, allocation string, allowDup bool, f map[string]string) (int, *refusal) {
	c := s.campaign(campaignID)
	if ref := s.checkInsert(c, allowDup, f); ref != nil {
		return 0, ref
	}
	return s.store(c, template, allocation, f).LeadID, nil
}

// checkInsert applies the insert rules to one lead against what the
// campaign holds (s.mu held).
func (s *Server) checkInsert(c *campaign, allowDup bool, f map[string]string) *refusal {
	for _, v := range f {
		if isNoChange(v) {
			return refuse(108, "")
		}
	}
	phones := s.phones(f)
	if len(phones) == 0 {
		return refuse(102, "")
	}
	if ref := s.checkCommon(f); ref != nil {
		return ref
	}
	if !allowDup {
		for _, p := range phones {
			if c.phones[p] > 0 {
				return refuse(105, "")
			}
		}
	}
	if ext := f["njExternalLeadId"]; ext != "" && c.byExt[ext] != nil {
		return refuse(112, "")
	}
	return nil
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
