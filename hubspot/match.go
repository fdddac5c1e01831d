package hubspot

import (
	"strings"

	"github.com/crmbatch/crmbatch/batch"
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
	trace  map[string]int
	byID   map[string][]int
	byProp map[string]map[string][]int // idProperty → lower-cased value → positions
	// viaProp marks the positions addressed by a unique property value;
	// nil when none is.
	viaProp []bool
	state   []uint8
}

// newChunkIndex returns an index for a chunk of n records, with trace ids
// when the endpoint sends them.
func newChunkIndex(n int, traces bool) *chunkIndex {
	x := &chunkIndex{byID: make(map[string][]int, n), state: make([]uint8, n)}
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
// empty, else a value of the unique property prop).
func (x *chunkIndex) addID(id, prop string, p int) {
	if prop == "" {
		x.byID[id] = append(x.byID[id], p)
		return
	}
	if x.byProp == nil {
		x.byProp = make(map[string]map[string][]int, 1)
		x.viaProp = make([]bool, len(x.state))
	}
	x.viaProp[p] = true
	m := x.byProp[prop]
	if m == nil {
		m = make(map[string][]int)
		x.byProp[prop] = m
	}
	k := strings.ToLower(id)
	m[k] = append(m[k], p)
}

// firstOpen returns the first still-open position of ps, or -1.
func (x *chunkIndex) firstOpen(ps []int) int {
	for _, p := range ps {
		if x.state[p] == stateOpen {
			return p
		}
	}
	return -1
}

// matchResult returns the open position a result belongs to, or -1. A
// result that echoes an objectWriteTraceId is matched by it alone (a trace
// id this request did not send, or one already matched, matches nothing);
// only a result without one is matched by record id, then by unique
// property value.
func (x *chunkIndex) matchResult(r *Object) int {
	if r.ObjectWriteTraceID != "" && x.trace != nil {
		if p, ok := x.trace[r.ObjectWriteTraceID]; ok && x.state[p] == stateOpen {
			return p
		}
		return -1
	}
	if p := x.firstOpen(x.byID[r.ID]); p >= 0 {
		return p
	}
	for prop, m := range x.byProp {
		if v, ok := r.Properties[prop]; ok {
			if p := x.firstOpen(m[strings.ToLower(v)]); p >= 0 {
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
			out = append(out, x.byID[id]...)
			for _, m := range x.byProp {
				out = append(out, m[strings.ToLower(id)]...)
			}
		}
	}
	return out
}

// classifyRecordError marks a per-record error retryable when it is a
// burst rate limit.
func classifyRecordError(e *Error) {
	if e.Category == CategoryRateLimits && !e.isDaily() {
		e.retryable = true
	}
}

// rejectNamed settles a 400/409 whose error names some of the chunk's
// inputs: those fail with it, and the others — not written, since the
// request was refused as a whole — are sent again without them. It reports
// false, settling nothing, when the error names none of them.
func (x *chunkIndex) rejectNamed(e *Error, res []batch.Result[Object]) bool {
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
	again := batch.Retryable(errRejectedWithOthers, 0)
	for p, s := range x.state {
		if s == stateOpen {
			res[p].Err = again
			x.state[p] = stateError
		}
	}
	return true
}
