package agiliron

import (
	"log/slog"

	"github.com/crmbatch/crmbatch/batch"
)

// matchResults turns a batch result into one result per lead of chunk, in
// chunk order. An entry is matched by its Record number (1-based position
// in the request), else by LeadId when exactly one lead of the chunk has
// it. A lead named by no entry, or by conflicting entries, fails with
// ErrOutcomeUnknown: nothing is claimed that the result does not say.
func matchResults(op string, chunk []Lead, batchID string, r *BatchResult, log *slog.Logger) []batch.Result[LeadResult] {
	const (
		unset = iota
		succeeded
		failed
		conflict
	)
	n := len(chunk)
	state := make([]uint8, n)
	entries := make([]ResultEntry, n)
	var byID map[string][]int
	index := func(e ResultEntry) int {
		if e.Record >= 1 && e.Record <= n {
			i := e.Record - 1
			if e.LeadID != "" && chunk[i].LeadID != "" && e.LeadID != chunk[i].LeadID {
				return -2 // the record number and the LeadId disagree
			}
			return i
		}
		if e.LeadID == "" {
			return -1
		}
		if byID == nil {
			byID = make(map[string][]int, n)
			for i, l := range chunk {
				if l.LeadID != "" {
					byID[l.LeadID] = append(byID[l.LeadID], i)
				}
			}
		}
		if is := byID[e.LeadID]; len(is) == 1 {
			return is[0]
		}
		return -1
	}
	unmatched := 0
	place := func(e ResultEntry, s uint8) {
		i := index(e)
		switch {
		case i == -2 && e.Record >= 1 && e.Record <= n:
			state[e.Record-1] = conflict
		case i < 0:
			unmatched++
		case state[i] != unset:
			state[i] = conflict
		default:
			state[i], entries[i] = s, e
		}
	}
	for _, e := range r.Success {
		place(e, succeeded)
	}
	for _, e := range r.Failure {
		place(e, failed)
	}
	if unmatched > 0 || len(r.Success) != r.SuccessNumber || len(r.Failure) != r.FailureNumber {
		log.Warn("agiliron: batch result does not match its request", "batch_id", batchID,
			"leads", n, "success_entries", len(r.Success), "failure_entries", len(r.Failure),
			"success_number", r.SuccessNumber, "failure_number", r.FailureNumber, "unmatched", unmatched)
	}
	out := make([]batch.Result[LeadResult], n)
	for i, l := range chunk {
		e := entries[i]
		v := LeadResult{BatchID: batchID, LeadID: l.LeadID, Record: i + 1}
		switch state[i] {
		case succeeded:
			if e.LeadID != "" {
				v.LeadID = e.LeadID
			}
			v.LeadName = e.LeadName
			out[i].Value = v
		case failed:
			v.Message = e.Message
			out[i] = batch.Result[LeadResult]{Value: v, Err: &Error{Op: op, BatchID: batchID, LeadID: l.LeadID,
				Record: i + 1, Message: e.Message, kind: ErrRejected}}
			if e.Message == "" {
				out[i].Err.(*Error).Message = "rejected without a message"
			}
		case conflict:
			out[i] = batch.Result[LeadResult]{Value: v, Err: &Error{Op: op, BatchID: batchID, LeadID: l.LeadID,
				Record: i + 1, Message: "the batch result gives conflicting answers for this lead", kind: ErrOutcomeUnknown}}
		default:
			out[i] = batch.Result[LeadResult]{Value: v, Err: &Error{Op: op, BatchID: batchID, LeadID: l.LeadID,
				Record: i + 1, Message: "the batch result does not name this lead", kind: ErrOutcomeUnknown}}
		}
	}
	return out
}
