package propel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// spec describes one bulk endpoint to the shared send logic.
type spec[T any] struct {
	// name is the operation's name in reports, e.g. "propel customers bulk/sourceId".
	name string
	// field is the body's array key and the path's first segment, e.g. "customers".
	field string
	// path is the endpoint under the base URL, e.g. "/customers/bulk/sourceId".
	path string
	// key is the record's unique key in a report (source/sourceId/language, or id).
	key func(T) string
	// lookup is the value the API echoes as the entry's key (sourceId or id).
	lookup   func(T) string
	validate func(T) error
	// ssn returns the record's SSN, scrubbed from server messages.
	ssn func(T) string
	// noDirectives leaves the client's directives out of the body (the
	// addresses endpoints document none).
	noDirectives bool
	// ownerMissingStops ends the run on a 404: the path names one owner
	// record, so every further request would be refused too.
	ownerMissingStops bool
}

// op builds the engine's Op for an endpoint.
func op[T any](c *Client, s *spec[T]) batch.Op[T, Result] {
	return batch.Op[T, Result]{
		Name:       s.name,
		MaxItems:   c.cfg.batchSize,
		Key:        s.key,
		Validate:   s.validate,
		UniqueKeys: true, // the same record twice in one request would be ambiguous
		Isolate:    isolate,
		Send: func(ctx context.Context, chunk []T) ([]batch.Result[Result], error) {
			return send(ctx, c, s, chunk)
		},
	}
}

// runSlice and runSeq run an endpoint over the caller's input.
func runSlice[T any](ctx context.Context, c *Client, s *spec[T], in []T) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, op(c, s), c.cfg.engine.Config(), in)
	return rep, rep.Err()
}

func runSeq[T any](ctx context.Context, c *Client, s *spec[T], in iter.Seq[T]) (*batch.Report[Result], error) {
	if in == nil {
		in = func(func(T) bool) {}
	}
	rep := batch.Run(ctx, op(c, s), c.cfg.engine.Config(), in)
	return rep, rep.Err()
}

// send sends one chunk and answers one result per record.
func send[T any](ctx context.Context, c *Client, s *spec[T], chunk []T) ([]batch.Result[Result], error) {
	directives := c.cfg.directives
	if s.noDirectives {
		directives = nil
	}
	body, err := encodeBulk(s.field, chunk, directives)
	if err != nil {
		return nil, err
	}
	resp, err := c.post(ctx, s.path, body)
	if err != nil {
		return nil, err
	}
	sc := chunkScrubber(c, s, chunk)
	reqID := resp.Header.Get("X-Request-Id")
	if isSuccess(resp.StatusCode) {
		br, err := DecodeBulkResponse(resp.Body)
		if err != nil {
			// The request may have been applied, but the upsert is
			// idempotent by key: sending it again is safe.
			return nil, batch.Retryable(withRequestID(err, reqID), 0)
		}
		return match(chunk, s.lookup, br, resp.StatusCode, reqID, sc), nil
	}
	e := errorFromResponse(resp, sc)
	if e.Code == CodeSchemaValidation {
		if res := splitNamed(e, s.field, len(chunk)); res != nil {
			return res, nil
		}
	}
	if s.ownerMissingStops && e.HTTPStatus == http.StatusNotFound {
		return nil, &ownerMissing{e}
	}
	return nil, e
}

// ownerMissing is a 404 from an endpoint whose path names one owner record
// (a customer's or company's addresses): it stops the run.
type ownerMissing struct{ err *Error }

func (o *ownerMissing) Error() string { return o.err.Error() }
func (o *ownerMissing) Unwrap() error { return o.err }

// StopRun ends the run: every request names the same missing owner.
func (o *ownerMissing) StopRun() bool { return true }

// encodeBulk writes {"<field>":[...]} or, with directives,
// {"<field>":[...],"directives":[...]}.
func encodeBulk[T any](field string, chunk []T, directives []Directive) ([]byte, error) {
	items, err := json.Marshal(chunk)
	if err != nil {
		return nil, fmt.Errorf("propel: encoding %s: %w", field, err)
	}
	var b bytes.Buffer
	b.Grow(len(items) + len(field) + 64)
	b.WriteString(`{"`)
	b.WriteString(field)
	b.WriteString(`":`)
	b.Write(items)
	if len(directives) > 0 {
		ds, err := json.Marshal(directives)
		if err != nil {
			return nil, fmt.Errorf("propel: encoding directives: %w", err)
		}
		b.WriteString(`,"directives":`)
		b.Write(ds)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// match pairs the response's entries with the chunk's records by key (the
// n-th entry with a key goes to the n-th record with that lookup value).
// Entries without a key are paired by position only when the response has
// exactly one entry per record. A record left without an entry is sent
// again (ErrNoResult).
func match[T any](chunk []T, lookup func(T) string, br *BulkResponse, status int, reqID string, sc *scrubber) []batch.Result[Result] {
	out := make([]batch.Result[Result], len(chunk))
	done := make([]bool, len(chunk))
	queues := make(map[string][]int, len(chunk))
	for i, r := range chunk {
		k := normKey(lookup(r))
		queues[k] = append(queues[k], i)
	}
	var keyless []int // entries without a key
	for n := range br.Data {
		en := &br.Data[n]
		if !en.HasKey {
			keyless = append(keyless, n)
			continue
		}
		k := normKey(en.Key)
		q := queues[k]
		if len(q) == 0 {
			continue // an entry for no record of ours: ignored
		}
		i := q[0]
		queues[k] = q[1:]
		out[i], done[i] = entryResult(en, status, reqID, sc), true
	}
	if len(keyless) > 0 && len(br.Data) == len(chunk) {
		for _, n := range keyless {
			if !done[n] {
				out[n], done[n] = entryResult(&br.Data[n], status, reqID, sc), true
			}
		}
	}
	for i := range out {
		if !done[i] {
			out[i].Err = batch.Retryable(withRequestID(ErrNoResult, reqID), 0)
		}
	}
	return out
}

// entryResult turns one response entry into a record's result, every
// server string scrubbed.
func entryResult(en *Entry, status int, reqID string, sc *scrubber) batch.Result[Result] {
	msgs := append([]string(nil), en.Messages...)
	sc.texts(msgs)
	r := Result{Action: en.Action, ID: en.ID, Key: en.Key, LookupKey: en.LookupKey, Success: en.Success, Messages: msgs}
	if en.Success {
		return batch.Result[Result]{Value: r}
	}
	r.Raw = sc.raw(en.Raw)
	e := &Error{HTTPStatus: status, Type: en.Type, Messages: msgs, RequestID: reqID, Item: true}
	e.setCode(en.Code)
	sc.scrubError(e)
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
	resend := &heldBack{err: withRequestID(ErrRejectedWithOthers, e.RequestID), limit: n + 1}
	for i := range out {
		msgs, bad := byItem[i]
		if !bad {
			out[i].Err = resend
			continue
		}
		ie := *e
		ie.Messages = msgs
		out[i].Err = &ie
	}
	return out
}

// withRequestID adds the response's x-request-id to err's message.
// heldBack is the error of a good record sent again because its request
// was refused for other records: retried at once, up to its own limit.
type heldBack struct {
	err   error
	limit int
}

func (h *heldBack) Error() string             { return h.err.Error() }
func (h *heldBack) Unwrap() error             { return h.err }
func (h *heldBack) Retryable() bool           { return true }
func (h *heldBack) RetryAfter() time.Duration { return time.Nanosecond }
func (h *heldBack) MaxAttempts() int          { return h.limit }

func withRequestID(err error, id string) error {
	if id == "" {
		return err
	}
	return fmt.Errorf("%w [x-request-id %s]", err, id)
}
