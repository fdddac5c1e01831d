package agiliron

import (
	"log/slog"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// A lead's state while a batch result is matched to it.
const (
	unset uint8 = iota
	succeeded
	failed
	conflict
)

// matching is the state of matching one batch result to its request.
type matching struct {
	// ids and names are the id (empty for a new record) and the name
	// Agiliron reports of each record of the request, in order.
	ids     []string
	names   []string
	state   []uint8
	entries []ResultEntry
	byID    map[string][]int
	// left holds the entries no Record number or LeadId placed; odd says
	// one of them carried a Record number that could not be used.
	left []leftEntry
	odd  bool
	// misnumbered says an entry's Record number named a lead whose id or
	// name is not the entry's: then only the placements that the entry's
	// own LeadId or LeadName confirms (verified) are trusted.
	misnumbered bool
	verified    []bool
}

// leftEntry is an entry not yet placed, with the state it gives.
type leftEntry struct {
	e ResultEntry
	s uint8
}

// matchResults turns a batch result into one result per record of the
// request (given by its ids and names), in request order.
//
// An entry is placed by its Record number (1-based position in the
// request), else by LeadId when exactly one lead of the chunk has it. The
// client always asks for Record numbers, so that is normally all. When
// Agiliron leaves them out, new leads (adds) have no LeadId to match by,
// and what is left is placed only where the result allows no other reading
// (see inferRest). A lead named by no entry, or by conflicting entries,
// fails matching batch.ErrOutcomeUnknown: nothing is claimed that the result does
// not say.
func matchResults(op, idName string, ids, names []string, batchID string, r *BatchResult, log *slog.Logger) []batch.Result[Result] {
	n := len(ids)
	m := &matching{ids: ids, names: names, state: make([]uint8, n), entries: make([]ResultEntry, n), verified: make([]bool, n)}
	for _, e := range r.Success {
		m.place(e, succeeded)
	}
	for _, e := range r.Failure {
		m.place(e, failed)
	}
	if m.misnumbered {
		// One Record number named the wrong lead (an answer counting from
		// 0, say): a placement by number that the entry's own LeadId or
		// LeadName does not confirm is suspect, and nothing is inferred.
		for i := range m.state {
			if m.state[i] != unset && !m.verified[i] {
				m.state[i] = conflict
			}
		}
		m.left = nil
	}
	if len(m.left) > 0 {
		before := len(m.left)
		m.inferRest(r)
		log.Debug("agiliron: batch result without usable Record numbers", "batch_id", batchID,
			"leads", n, "unplaced_entries", before, "inferred", before-len(m.left))
	}
	if len(m.left) > 0 || len(r.Success) != r.SuccessNumber || len(r.Failure) != r.FailureNumber {
		log.Warn("agiliron: batch result does not match its request", "batch_id", batchID,
			"leads", n, "success_entries", len(r.Success), "failure_entries", len(r.Failure),
			"success_number", r.SuccessNumber, "failure_number", r.FailureNumber, "unmatched", len(m.left))
	}
	return m.results(op, idName, batchID)
}

// index returns the lead an entry names by Record number or LeadId: -1 for
// none, -2 when the Record number and the LeadId, or the Record number and
// the LeadName, disagree (an answer numbering from 0 would otherwise put
// every entry on its neighbour).
func (m *matching) index(e ResultEntry) int {
	n := len(m.ids)
	if e.Record >= 1 && e.Record <= n {
		i := e.Record - 1
		if e.LeadID != "" && m.ids[i] != "" && e.LeadID != m.ids[i] {
			return -2
		}
		if e.LeadName != "" && m.names[i] != "" && leadName(e.LeadName) != leadName(m.names[i]) {
			return -2
		}
		return i
	}
	if e.LeadID == "" {
		return -1
	}
	if m.byID == nil {
		m.byID = make(map[string][]int, n)
		for i, id := range m.ids {
			if id != "" {
				m.byID[id] = append(m.byID[id], i)
			}
		}
	}
	if is := m.byID[e.LeadID]; len(is) == 1 {
		return is[0]
	}
	return -1
}

// place records entry e, which gives state s, against the lead it names.
func (m *matching) place(e ResultEntry, s uint8) {
	i := m.index(e)
	switch {
	case i == -2:
		m.state[e.Record-1] = conflict
		m.misnumbered = true
	case i < 0:
		m.left = append(m.left, leftEntry{e, s})
		if e.Record != 0 {
			m.odd = true
		}
	case m.state[i] != unset:
		m.state[i] = conflict
	default:
		m.state[i], m.entries[i] = s, e
		m.verified[i] = e.LeadID != "" && e.LeadID == m.ids[i] ||
			e.LeadName != "" && leadName(e.LeadName) == leadName(m.names[i])
	}
}

// inferRest places the entries left without a Record number on the leads
// left without an entry, but only where the result allows one reading:
//
//   - the result must be whole and consistent: its counts equal its entry
//     lists and add up to the batch size, one entry is left per lead left,
//     nothing conflicts, no left entry has a Record number, and a left
//     entry carries a LeadId only when no lead of the batch has one (an
//     add, whose new ids cannot match);
//   - successes are then placed by name: every left success must give a
//     LeadName equal to the "FirstName LastName" of exactly one left lead,
//     no two the same; if any does not, none is placed by name;
//   - if the entries still left are all successes, or all failures, each
//     lead still left gets that status: the count proves it, whatever the
//     order. Which new LeadId (or which message, when the messages differ)
//     belongs to which of those leads is not known and not claimed.
//
// Position in the Success or Failure list is never used: Agiliron does not
// document that it keeps the request's order, and the two lists do not say
// how successes and failures interleave.
func (m *matching) inferRest(r *BatchResult) {
	n := len(m.ids)
	var open []int
	haveIDs := false
	for i, id := range m.ids {
		switch m.state[i] {
		case conflict:
			return
		case unset:
			open = append(open, i)
		}
		haveIDs = haveIDs || id != ""
	}
	if m.odd || len(open) != len(m.left) || len(r.Success) != r.SuccessNumber ||
		len(r.Failure) != r.FailureNumber || r.SuccessNumber+r.FailureNumber != n {
		return
	}
	for _, le := range m.left {
		if haveIDs && le.e.LeadID != "" {
			return
		}
	}
	open = m.placeByName(open)
	if len(m.left) == 0 {
		return
	}
	s := m.left[0].s
	for _, le := range m.left {
		if le.s != s {
			return // successes and failures left: no way to tell whose is whose
		}
	}
	if len(open) == 1 {
		m.state[open[0]], m.entries[open[0]] = s, m.left[0].e
		m.left = nil
		return
	}
	shared := ResultEntry{Message: commonMessage(m.left)}
	for _, i := range open {
		m.state[i], m.entries[i] = s, shared
	}
	m.left = nil
}

// placeByName places every left success on the open lead whose name it
// gives, or none; it returns the leads still open.
func (m *matching) placeByName(open []int) []int {
	byName := make(map[string][]int, len(open))
	for _, i := range open {
		k := leadName(m.names[i])
		byName[k] = append(byName[k], i)
	}
	target := make(map[int]int) // left entry -> lead
	taken := make(map[int]bool)
	for j, le := range m.left {
		if le.s != succeeded {
			continue
		}
		k := leadName(le.e.LeadName)
		is := byName[k]
		if k == "" || len(is) != 1 || taken[is[0]] {
			return open
		}
		target[j], taken[is[0]] = is[0], true
	}
	if len(target) == 0 {
		return open
	}
	var rest []leftEntry
	for j, le := range m.left {
		if i, ok := target[j]; ok {
			m.state[i], m.entries[i] = le.s, le.e
			continue
		}
		rest = append(rest, le)
	}
	m.left = rest
	var still []int
	for _, i := range open {
		if !taken[i] {
			still = append(still, i)
		}
	}
	return still
}

// leadName normalises a lead's name for comparison: words joined by one
// space.
func leadName(s string) string { return strings.Join(strings.Fields(s), " ") }

// commonMessage is the message shared by every left entry, or a message
// listing the distinct ones when they differ (a failure's message is then
// known only to be one of them).
func commonMessage(left []leftEntry) string {
	var msgs []string
	seen := make(map[string]bool)
	for _, le := range left {
		if !seen[le.e.Message] {
			seen[le.e.Message] = true
			msgs = append(msgs, le.e.Message)
		}
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	const show = 5
	more := ""
	if len(msgs) > show {
		more = "; …"
		msgs = msgs[:show]
	}
	return "one of (the result does not say which lead had which): " + strings.Join(msgs, "; ") + more
}

// results builds the per-record results from the matching.
func (m *matching) results(op, idName, batchID string) []batch.Result[Result] {
	out := make([]batch.Result[Result], len(m.ids))
	for i, id := range m.ids {
		e := m.entries[i]
		v := Result{BatchID: batchID, ID: id, Record: i + 1}
		perr := func(msg string, class vendorkit.Class) *Error {
			err := newError(op, class, msg)
			err.BatchID, err.ID, err.Record, err.idName = batchID, id, i+1, idName
			return err
		}
		switch m.state[i] {
		case succeeded:
			if e.LeadID != "" {
				v.ID = e.LeadID
			}
			v.Name = e.LeadName
			out[i].Value = v
		case failed:
			v.Message = e.Message
			msg := e.Message
			if msg == "" {
				msg = "rejected without a message"
			}
			out[i] = batch.Result[Result]{Value: v, Err: perr(msg, vendorkit.Rejected)}
		case conflict:
			out[i] = batch.Result[Result]{Value: v, Err: perr("the batch result gives conflicting answers for this record", vendorkit.Unknown)}
		default:
			out[i] = batch.Result[Result]{Value: v, Err: perr("the batch result does not name this record", vendorkit.Unknown)}
		}
	}
	return out
}
