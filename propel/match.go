package propel

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// match pairs the response's entries with the chunk's records by key (the
// n-th entry with a key goes to the n-th record with that lookup value).
// Entries without a key are paired by position only when the response has
// exactly one entry per record. A record left without an entry is sent
// again (class Malformed: the upserts are idempotent).
func match[T any](op string, chunk []T, lookup func(T) string, br *bulkResponse, status int, reqID string, sc *scrubber) []batch.Result[Result] {
	if !inOrder(chunk, lookup, br) {
		return matchByKey(op, chunk, lookup, br, status, reqID, sc)
	}
	// The usual answer: entry i carries record i's key. Pairing by
	// position then gives what pairing by key gives, without a map.
	out := make([]batch.Result[Result], len(chunk))
	for i := range out {
		out[i] = entryResult(op, &br.Data[i], status, reqID, sc)
	}
	return out
}

// matchByKey is match for an answer in any order.
func matchByKey[T any](op string, chunk []T, lookup func(T) string, br *bulkResponse, status int, reqID string, sc *scrubber) []batch.Result[Result] {
	out := make([]batch.Result[Result], len(chunk))
	done := make([]bool, len(chunk))
	exact := make(map[string][]int, len(chunk))   // records by key as written
	similar := make(map[string][]int, len(chunk)) // records by normKey
	for i, r := range chunk {
		k := strings.TrimSpace(lookup(r))
		exact[k] = append(exact[k], i)
		similar[normKey(k)] = append(similar[normKey(k)], i)
	}
	// next takes the first record of q not yet answered.
	next := func(q []int) int {
		for _, i := range q {
			if !done[i] {
				return i
			}
		}
		return -1
	}
	var keyless []int // entries without a key
	for n := range br.Data {
		en := &br.Data[n]
		if !en.HasKey {
			keyless = append(keyless, n)
			continue
		}
		k := strings.TrimSpace(en.Key)
		i := next(exact[k]) // "00123" is "00123" before it is 123
		if i < 0 {
			i = next(similar[normKey(k)])
		}
		if i < 0 {
			// Every record with this key is answered already: a second,
			// maybe conflicting, entry for one of them leaves them all
			// unconfirmed; an entry for no record of ours is ignored.
			for _, j := range similar[normKey(k)] {
				out[j] = batch.Result[Result]{Err: unconfirmed(op, status, reqID, "the response has more than one entry for this record")}
			}
			continue
		}
		out[i], done[i] = entryResult(op, en, status, reqID, sc), true
	}
	if len(keyless) > 0 && len(br.Data) == len(chunk) {
		for _, n := range keyless {
			if !done[n] {
				out[n], done[n] = entryResult(op, &br.Data[n], status, reqID, sc), true
			}
		}
	}
	for i := range out {
		if !done[i] {
			out[i].Err = unconfirmed(op, status, reqID, "the response had no entry for this record")
		}
	}
	return out
}

// unconfirmed is the error of a record the response does not settle: it
// may have been saved (the request went through), and the upserts are
// idempotent, so it is sent again (class Malformed).
func unconfirmed(op string, status int, reqID, msg string) *Error {
	e := &Error{}
	e.Vendor, e.Op, e.HTTPStatus, e.RequestID = "propel", op, status, reqID
	e.Class, e.Message = vendorkit.Malformed, msg
	e.maybeWritten = true
	return e
}

// inOrder reports whether the answer has one entry per record, each with
// a key, the i-th entry's key that of the i-th record.
func inOrder[T any](chunk []T, lookup func(T) string, br *bulkResponse) bool {
	if len(br.Data) != len(chunk) {
		return false
	}
	var spellings map[string]map[string]bool // normKey → the chunk's keys as written, built when needed
	for i, r := range chunk {
		en := &br.Data[i]
		if !en.HasKey {
			return false
		}
		ek, rk := strings.TrimSpace(en.Key), strings.TrimSpace(lookup(r))
		if ek == rk {
			continue
		}
		if normKey(ek) != normKey(rk) {
			return false
		}
		// The same key written another way (7 for "007"): in order only if
		// no other record of the chunk has another spelling of it ("7" and
		// "007" both), which only matchByKey tells apart.
		if spellings == nil {
			spellings = make(map[string]map[string]bool)
			for _, c := range chunk {
				k := strings.TrimSpace(lookup(c))
				nk := normKey(k)
				if spellings[nk] == nil {
					spellings[nk] = map[string]bool{}
				}
				spellings[nk][k] = true
			}
		}
		if len(spellings[normKey(rk)]) > 1 {
			return false
		}
	}
	return true
}

// entryResult turns one response entry into a record's result, every
// server string scrubbed.
func entryResult(op string, en *entry, status int, reqID string, sc *scrubber) batch.Result[Result] {
	msgs := append([]string(nil), en.Messages...)
	sc.texts(msgs)
	r := Result{Action: en.Action, ID: en.ID, Key: en.Key, LookupKey: en.LookupKey, Success: en.Success, Messages: msgs}
	if en.Success {
		return batch.Result[Result]{Value: r}
	}
	if en.Unconfirmed {
		return batch.Result[Result]{Value: r, Err: unconfirmed(op, status, reqID, "the response's entry for this record says neither success nor failure")}
	}
	r.Raw = sc.raw(en.Raw)
	e := &Error{Type: en.Type, Messages: append([]string(nil), en.Messages...), Item: true}
	e.Vendor, e.Op, e.HTTPStatus, e.RequestID, e.Class = "propel", op, status, reqID, vendorkit.Rejected
	e.setCode(en.Code)
	sc.scrubError(e)
	e.Message = strings.TrimSuffix("record not saved: "+e.Message, ": ")
	return batch.Result[Result]{Value: r, Err: e}
}

// normKey compares keys as text, treating "00123" and 123 alike.
func normKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s
		}
	}
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

// itemPath finds the item a schema message names: "#/customers/3: ..." or
// "#/customers/3/addresses/0: ...".
var itemPath = regexp.MustCompile(`^\s*#/([A-Za-z]+)/(\d+)(?:[/:\s]|$)`)

// splitNamed answers a 10007 whose messages name records of the chunk:
// those records fail with their own messages, and the others are sent again
// at once without them. It returns nil when no message names a record of
// the chunk (the engine then isolates by halving).
func splitNamed(e *Error, field string, n int) []batch.Result[Result] {
	byItem := map[int][]string{}
	for _, m := range e.Messages {
		sub := itemPath.FindStringSubmatch(m)
		if sub == nil || sub[1] != field {
			continue
		}
		i, err := strconv.Atoi(sub[2])
		if err != nil || i < 0 || i >= n {
			continue
		}
		byItem[i] = append(byItem[i], m)
	}
	if len(byItem) == 0 {
		return nil
	}
	out := make([]batch.Result[Result], n)
	// Every round fails at least one named record, so a good one needs at
	// most one send more than the chunk has bad records, never more than
	// n+1: its retry limit is that, not the policy's, so a chunk with many
	// bad records never fails a good one.
	others := &Error{APIError: e.APIError}
	others.Code, others.Class = 0, vendorkit.Rejected
	others.Message = "not saved: the request was rejected because of other records; resending"
	resend := &heldBack{err: others, limit: n + 1}
	for i := range out {
		msgs, bad := byItem[i]
		if !bad {
			out[i].Err = resend
			continue
		}
		ie := *e
		ie.Messages, ie.Message = msgs, ""
		ie.compose()
		out[i].Err = &ie
	}
	return out
}

// heldBack is the error of a good record sent again because its request
// was refused for other records: retried at once, up to its own limit.
type heldBack struct {
	err   *Error
	limit int
}

func (h *heldBack) Error() string             { return h.err.Error() }
func (h *heldBack) Unwrap() error             { return h.err }
func (h *heldBack) Retryable() bool           { return true }
func (h *heldBack) RetryAfter() time.Duration { return time.Nanosecond }
func (h *heldBack) MaxAttempts() int          { return h.limit }
