// Settling a chunk from a 2xx batch answer: results and errors matched to
// records, numErrors and the batch status checked.

package hubspot

import (
	"net/http"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
)

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
func (x *chunkIndex) apply(kind opKind, status int, br *batchResponse, res []batch.Result[Object], redact func(string) string) {
	sent := 0
	for _, s := range x.state {
		if s != stateRefused {
			sent++
		}
	}
	var unmatched []*Object
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
		e := &br.Errors[i]
		e.HTTPStatus, e.NumErrors = status, br.NumErrors
		e.redact(redact)
		classifyRecordError(e)
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
	if strings.EqualFold(string(br.Status), string(StatusCanceled)) {
		canceled := canceledError(status, br.NumErrors, unnamed)
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
			res[p].Err = unlistedErrors(kind, status, br.NumErrors, len(br.Errors))
		default:
			res[p].Err = noResult(kind, status)
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
		!strings.EqualFold(string(br.Status), string(StatusComplete)) ||
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
func (x *chunkIndex) settleUntraced(unmatched []*Object, res []batch.Result[Object]) {
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

// final returns e, or a copy of it that is not retryable.
func (e *Error) final() *Error {
	if !e.retryable {
		return e
	}
	c := *e
	c.retryable = false
	return &c
}

// canceledError is the error of the records of a CANCELED batch. It takes
// the message, context and details of the answer's error that names no
// input, when there is one.
func canceledError(status, numErrors int, unnamed *Error) *Error {
	e := &Error{HTTPStatus: status, NumErrors: numErrors, Status: string(StatusCanceled), Category: CategoryCanceled,
		Message: "HubSpot canceled the batch; its records are not confirmed"}
	if unnamed != nil {
		if unnamed.Message != "" {
			e.Message += ": " + unnamed.Message
		}
		e.ID, e.SubCategory, e.Context, e.Errors, e.Links = unnamed.ID, unnamed.SubCategory, unnamed.Context, unnamed.Errors, unnamed.Links
	}
	return e
}
