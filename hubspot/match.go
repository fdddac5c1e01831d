package hubspot

import (
	"net/http"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Record states while an answer is matched to a chunk.
const (
	stateOpen    uint8 = iota // nothing matched yet
	stateResult               // a result matched
	stateError                // an error named it
	stateRefused              // failed before sending
)

// chunkIndex finds a chunk's positions by trace id, record id, or the value
// of a unique property.
type chunkIndex struct {
	trace map[string]int
	// byID and byProp (idProperty → lower-cased value) hold the first
	// position addressing each key; next links it to the others.
	byID   map[string]int
	byProp map[string]map[string]int
	// next[p] is 1 + the position after p addressing the same key, 0 for
	// none: a chain per key, in the order the positions were added.
	next []int
	// viaProp marks the positions addressed by a unique property value;
	// nil when none is.
	viaProp []bool
	state   []uint8
}

// newChunkIndex returns an index for a chunk of n records, with trace ids
// when the endpoint sends them.
func newChunkIndex(n int, traces bool) *chunkIndex {
	x := &chunkIndex{byID: make(map[string]int, n), next: make([]int, n), state: make([]uint8, n)}
	if traces {
		x.trace = make(map[string]int, n)
	}
	return x
}

// addTrace registers position p's trace id; false if already taken.
func (x *chunkIndex) addTrace(t string, p int) bool {
	if _, dup := x.trace[t]; dup {
		return false
	}
	x.trace[t] = p
	return true
}

// addID registers position p as addressing id (a record id when prop is
// empty, else a value of the unique property prop). Each position is
// added at most once.
func (x *chunkIndex) addID(id, prop string, p int) {
	if prop == "" {
		x.link(x.byID, id, p)
		return
	}
	if x.byProp == nil {
		x.byProp = make(map[string]map[string]int, 1)
		x.viaProp = make([]bool, len(x.state))
	}
	x.viaProp[p] = true
	m := x.byProp[prop]
	if m == nil {
		m = make(map[string]int)
		x.byProp[prop] = m
	}
	x.link(m, strings.ToLower(id), p)
}

// link adds position p at the end of key's chain in m.
func (x *chunkIndex) link(m map[string]int, key string, p int) {
	last, ok := m[key]
	if !ok {
		m[key] = p
		return
	}
	for x.next[last] != 0 {
		last = x.next[last] - 1
	}
	x.next[last] = p + 1
}

// appendAll appends every position addressing key in m, in order.
func (x *chunkIndex) appendAll(out []int, m map[string]int, key string) []int {
	p, ok := m[key]
	for ok {
		out = append(out, p)
		ok = x.next[p] != 0
		p = x.next[p] - 1
	}
	return out
}

// firstOpen returns the first still-open position addressing key in m,
// or -1.
func (x *chunkIndex) firstOpen(m map[string]int, key string) int {
	p, ok := m[key]
	for ok {
		if x.state[p] == stateOpen {
			return p
		}
		ok = x.next[p] != 0
		p = x.next[p] - 1
	}
	return -1
}

// matchResult returns the open position a result belongs to, or -1. A
// result that echoes an objectWriteTraceId is matched by it alone (a trace
// id this request did not send, or one already matched, matches nothing);
// only a result without one is matched by record id, then by unique
// property value.
func (x *chunkIndex) matchResult(r *Result) int {
	if r.ObjectWriteTraceID != "" && x.trace != nil {
		if p, ok := x.trace[r.ObjectWriteTraceID]; ok && x.state[p] == stateOpen {
			return p
		}
		return -1
	}
	if p := x.firstOpen(x.byID, r.ID); p >= 0 {
		return p
	}
	for prop, m := range x.byProp {
		if v, ok := r.Properties[prop]; ok {
			if p := x.firstOpen(m, strings.ToLower(v)); p >= 0 {
				return p
			}
		}
	}
	return -1
}

// names reports whether an error's context identifies inputs at all (by
// objectWriteTraceId, "ids" or "id"), whether or not they are this
// request's.
func names(e *Error) bool {
	return len(e.Context["objectWriteTraceId"]) > 0 || len(e.Context["ids"]) > 0 || len(e.Context["id"]) > 0
}

// named returns the positions an error's context names, whatever their
// state. An error naming objectWriteTraceIds is matched by them alone, so
// that two inputs addressing the same id (say, by record id and by a
// unique property) are told apart; only an error naming no trace id is
// matched by "ids" (or "id"), against record ids and unique property
// values.
func (x *chunkIndex) named(e *Error) []int {
	var out []int
	if traces := e.Context["objectWriteTraceId"]; len(traces) > 0 && x.trace != nil {
		for _, t := range traces {
			if p, ok := x.trace[t]; ok {
				out = append(out, p)
			}
		}
		return out
	}
	for _, key := range [...]string{"ids", "id"} {
		for _, id := range e.Context[key] {
			out = x.appendAll(out, x.byID, id)
			for _, m := range x.byProp {
				out = x.appendAll(out, m, strings.ToLower(id))
			}
		}
	}
	return out
}

// rejectNamed settles a 400/409 whose error names some of the chunk's
// inputs: those fail with it, and the others — not written, since the
// request was refused as a whole — are sent again without them. It reports
// false, settling nothing, when the error names none of them.
func (x *chunkIndex) rejectNamed(e *Error, res []batch.Result[Result]) bool {
	ps := x.named(e)
	if len(ps) == 0 {
		return false
	}
	for _, p := range ps {
		if x.state[p] == stateOpen {
			res[p].Err = e
			x.state[p] = stateError
		}
	}
	again := rejectedWithOthers(e.Op, e.HTTPStatus)
	for p, s := range x.state {
		if s == stateOpen {
			res[p].Err = again
			x.state[p] = stateError
		}
	}
	return true
}

// apply settles every open position of res from a decoded 2xx answer:
// matched results succeed; a named error fails its records (even one that
// also got a result, whose result is kept, and which is never resent); an
// error that names no input at all fails the records nothing else
// settled, while one naming only inputs this request did not send is
// ignored; and a record the answer does not mention gets noResult —
// unless the endpoint is archive (whose answer has no results) and the
// answer lists every error it counts, or allApplied vouches for an update
// or upsert by unique property whose results carry no trace id. A
// CANCELED batch fails every record, keeping any result it carried.
func (x *chunkIndex) apply(kind opKind, op string, status int, br *batchResponse, res []batch.Result[Result], redact func(string) string) {
	sent := 0
	for _, s := range x.state {
		if s != stateRefused {
			sent++
		}
	}
	var unmatched []*Result
	for i := range br.Results {
		r := &br.Results[i]
		if p := x.matchResult(r); p >= 0 {
			res[p].Value = *r
			x.state[p] = stateResult
		} else {
			unmatched = append(unmatched, r)
		}
	}
	if allApplied(kind, status, br, sent) {
		x.settleUntraced(unmatched, res)
	}
	var unnamed *Error
	for i := range br.Errors {
		e := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: op, HTTPStatus: status}, NumErrors: br.NumErrors}
		br.Errors[i].fill(e, redact)
		classify(e)
		if !names(e) {
			if unnamed == nil {
				unnamed = e
			}
			continue
		}
		ps := x.named(e) // none: it is about inputs this request did not send
		for _, p := range ps {
			switch x.state[p] {
			case stateOpen:
				res[p].Err = e
			case stateResult:
				// It got a result too, so it may be written: never resent.
				res[p].Err = e.final()
			default:
				continue
			}
			x.state[p] = stateError
		}
	}
	if strings.EqualFold(string(br.Status), string(statusCanceled)) {
		canceled := canceledError(op, status, br.NumErrors, unnamed)
		for p, s := range x.state {
			if s == stateOpen || s == stateResult {
				res[p].Err = canceled
				x.state[p] = stateError
			}
		}
		return
	}
	// numErrors counts more errors than errors[] lists: the records no
	// listed error names may be among the unlisted ones.
	unlisted := br.NumErrors > len(br.Errors)
	for p, s := range x.state {
		if s != stateOpen {
			continue
		}
		switch {
		case unnamed != nil:
			res[p].Err = unnamed
		case kind == opArchive && !unlisted:
			// archive answers no results: a record no error names is done.
		case unlisted:
			res[p].Err = unlistedErrors(kind, op, status, br.NumErrors, len(br.Errors))
		default:
			res[p].Err = noResult(kind, op, status)
		}
		x.state[p] = stateError
	}
}

// allApplied reports an update or upsert answer that says, by itself,
// that every input was applied: HTTP 200, status COMPLETE, no error
// counted or listed, one result per input sent, and no result carrying an
// objectWriteTraceId (HubSpot's answers need not echo it, and the
// results of an update by a unique property carry the record id, not the
// value the input named).
func allApplied(kind opKind, status int, br *batchResponse, sent int) bool {
	if (kind != opUpdate && kind != opUpsert) || status != http.StatusOK ||
		!strings.EqualFold(string(br.Status), string(statusComplete)) ||
		br.NumErrors != 0 || len(br.Errors) != 0 || len(br.Results) != sent {
		return false
	}
	for i := range br.Results {
		if br.Results[i].ObjectWriteTraceID != "" {
			return false
		}
	}
	return true
}

// settleUntraced marks the still-open records of an answer allApplied
// vouches for as succeeded, when each of them was addressed by a unique
// property value (a record addressed by record id must find its own id
// among the results). Their results cannot be told apart: a lone open
// record gets the lone unmatched result, the others keep an empty Result.
func (x *chunkIndex) settleUntraced(unmatched []*Result, res []batch.Result[Result]) {
	var open []int
	for p, s := range x.state {
		if s != stateOpen {
			continue
		}
		if x.viaProp == nil || !x.viaProp[p] {
			return
		}
		open = append(open, p)
	}
	if len(open) == 1 && len(unmatched) == 1 {
		res[open[0]].Value = *unmatched[0]
	}
	for _, p := range open {
		x.state[p] = stateResult
	}
}
