package pardottest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// status is imp's state now: a submitted import is Waiting, then
// Processing, then Complete, as the fake's clock passes SetImportTiming's
// durations; it is processed when first seen Complete (mu held).
func (s *Server) status(imp *fakeImport) string {
	if imp.status == "Open" {
		return "Open"
	}
	since := s.Now().Sub(imp.submitted)
	switch {
	case since < s.impWaiting:
		return "Waiting"
	case since < s.impWaiting+s.impProcessing:
		return "Processing"
	}
	if !imp.done {
		s.process(imp)
	}
	return "Complete"
}

// expired reports whether imp has expired (mu held): 24 hours Open, or 7
// days after it was submitted.
func (s *Server) expired(imp *fakeImport) bool {
	now := s.Now()
	if imp.status == "Open" {
		return now.Sub(imp.created) > ImportOpenTTL
	}
	return now.Sub(imp.submitted) > ImportResultTTL+s.impWaiting+s.impProcessing
}

// importState renders the fields of imp (mu held).
func (s *Server) importState(imp *fakeImport, fields string) string {
	st := s.status(imp)
	all := map[string]any{
		"id": imp.id, "operation": "Upsert", "object": "Prospect", "status": st, "isExpired": s.expired(imp),
		"createdAt": imp.created.Format(time.RFC3339), "updatedAt": s.Now().Format(time.RFC3339),
	}
	if st == "Open" {
		all["batchesRef"] = s.URL + "/api/v5/imports/" + strconv.FormatInt(imp.id, 10) + "/batches"
	}
	if st == "Complete" {
		all["createdCount"], all["updatedCount"], all["errorCount"] = imp.createdN, imp.updatedN, imp.errCount
		if imp.errCount > 0 {
			all["errorsRef"] = s.URL + "/api/v5/imports/" + strconv.FormatInt(imp.id, 10) + "/errors"
		}
	}
	out := map[string]any{}
	for _, f := range strings.Split(fields, ",") {
		if v, ok := all[strings.TrimSpace(f)]; ok {
			out[strings.TrimSpace(f)] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// process applies imp's rows to the store (mu held): a row whose match
// value finds a prospect updates it, a row without one (or, with
// createOnNoMatch, one that finds none) creates one. In count-only mode
// every good row counts as created.
func (s *Server) process(imp *fakeImport) {
	imp.done = true
	s.impStats.Rows += imp.good + imp.errCount
	if s.CountOnly() {
		imp.createdN = imp.good
		s.stats.Created += imp.good
		s.nextID += int64(imp.good)
	}
	for _, row := range imp.rows {
		if msg := s.applyImportRow(imp, row); msg != "" {
			imp.errRows = appendCSVRow(imp.errRows, append(slices.Clone(row), msg))
			imp.errCount++
		}
	}
	imp.rows = nil
	s.impStats.ErrorRows += imp.errCount
}

// applyImportRow writes one row (mu held) and returns its error message.
func (s *Server) applyImportRow(imp *fakeImport, row []string) string {
	fields := map[string]string{}
	var matchCol, matchVal string
	for i, col := range imp.header {
		v := row[i]
		if matchColumns[col] {
			matchCol, matchVal = col, v
			continue
		}
		name := importColumns[col]
		if name == "" {
			name = col
		}
		if v == "" && !imp.nullOverwrite[col] {
			continue
		}
		fields[name] = v
	}
	var p *Prospect
	if matchVal != "" {
		switch matchCol {
		case "matchId":
			id, _ := strconv.ParseInt(matchVal, 10, 64)
			p = s.byID[id]
		case "matchSalesforceId":
			if id, ok := s.byFID[matchVal]; ok {
				p = s.byID[id]
			}
		case "matchEmail":
			if ids := s.byEmail[strings.ToLower(matchVal)]; len(ids) > 0 {
				p = s.byID[ids[len(ids)-1]]
			}
		}
	}
	if p == nil {
		if matchVal != "" && !imp.createOnNoMatch {
			return MsgImportNoMatch
		}
		email := fields["email"]
		if email == "" && matchCol == "matchEmail" {
			email = matchVal
		}
		if email == "" {
			return MsgImportEmailRequired
		}
		fid := ""
		if matchCol == "matchSalesforceId" {
			fid = matchVal
		}
		delete(fields, "email")
		s.create(email, fid, fields)
		imp.createdN++
		return ""
	}
	if p.Archived {
		return MsgImportArchived
	}
	if e := fields["email"]; e == "" {
		delete(fields, "email")
	}
	s.update(p, fields, false)
	imp.updatedN++
	return ""
}
