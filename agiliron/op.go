package agiliron

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// baseOp is what every write op shares: its chunking by count and bytes,
// and the isolation of a request refused as a whole.
func baseOp[T any](c *Client, s *spec[T], name string) batch.Op[T, Result] {
	f := c.cfg.reqFormat
	return batch.Op[T, Result]{
		Name:     name,
		MaxItems: c.cfg.BatchSize,
		MaxBytes: c.cfg.MaxRequestBytes,
		Size:     func(rec T) int { return recordSize(s, f, rec) },
		Isolate:  isolate,
	}
}

// createOp is the engine's description of a synchronous multi-record
// create: POST {createPath} (Leads for leads), answered at once with the
// MCM envelope; no batch id, no callback, no BatchStatus.
func createOp[T any](c *Client, s *spec[T]) batch.Op[T, Result] {
	op := baseOp(c, s, http.MethodPost+" "+s.createPath)
	op.Send = func(ctx context.Context, chunk []T) ([]batch.Result[Result], error) {
		return sendCreate(ctx, c, s, chunk)
	}
	op.Key, op.Validate = s.createKey, createValidator(s, op.Name)
	return op
}

// bulkOp is the engine's description of a PUT (update) or POST (create)
// on s's Bulk-* resource: an asynchronous batch, acknowledged with a batch
// id, whose per-record results come by webhook or from BatchStatus.
func bulkOp[T any](c *Client, s *spec[T], method string) batch.Op[T, Result] {
	op := baseOp(c, s, method+" "+s.bulk)
	op.Send = func(ctx context.Context, chunk []T) ([]batch.Result[Result], error) {
		return sendBulk(ctx, c, s, method, chunk)
	}
	if method == http.MethodPut {
		op.Key = s.id
		op.Validate = updateValidator(s, op.Name)
	} else {
		op.Key, op.Validate = s.createKey, createValidator(s, op.Name)
	}
	return op
}

// sendCreate posts one chunk to s.createPath and reads the answer.
//
// A create is not idempotent: a request that may have reached Agiliron and
// got no usable answer (a timeout after sending, a 500, a 2xx body that is
// not an MCM answer) is never sent again; its records fail matching
// batch.ErrOutcomeUnknown. An answer with per-record results is matched as
// a batch result is. A non-success status refuses the request as a whole:
// for one record, that record is rejected with the message; for several,
// the engine halves the chunk until the record at fault is named.
func sendCreate[T any](ctx context.Context, c *Client, s *spec[T], chunk []T) ([]batch.Result[Result], error) {
	op := http.MethodPost + " " + s.createPath
	body, err := encodeRecords(s, c.cfg.reqFormat, chunk)
	if err != nil {
		return nil, newError(op, vendorkit.Invalid, "encoding the request: "+err.Error())
	}
	resp, err := c.write(ctx, op, http.MethodPost, c.endpoint(s.createPath, nil), body, false)
	if err != nil {
		return nil, err
	}
	ans, err := decodeCreated(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, malformedAnswer(op, resp.StatusCode, c.http.Redact(err.Error()), false)
	}
	msg := c.http.Redact(ans.Message)
	switch {
	case ans.Result != nil:
		ids, names := identitiesFor(s, chunk, ans.Result)
		return matchResults(op, s.idName, ids, names, "", ans.Result, c.log), nil
	case !ans.Succeeded() && len(chunk) == 1:
		if msg == "" {
			msg = "rejected without a message"
		}
		e := statusError(op, 0, ans.Status, msg)
		e.Record, e.idName, e.whole = 1, s.idName, false
		return []batch.Result[Result]{{Value: Result{Message: msg, Record: 1}, Err: e}}, nil
	case !ans.Succeeded():
		return nil, statusError(op, resp.StatusCode, ans.Status, msg)
	}
	out := make([]batch.Result[Result], len(chunk))
	for i := range out {
		v := Result{Record: i + 1}
		switch {
		case len(ans.IDs) == 1 && len(chunk) == 1:
			v.ID = ans.IDs[0]
		case len(ans.IDs) != 0 && len(ans.IDs) != len(chunk):
			// The answer names fewer or more new records than were sent:
			// which of them went in is not known.
			e := newError(op, vendorkit.Unknown, fmt.Sprintf("the answer gives %d new ids for %d records", len(ans.IDs), len(chunk)))
			e.HTTPStatus, e.Record, e.idName = resp.StatusCode, i+1, s.idName
			out[i] = batch.Result[Result]{Value: v, Err: e}
			continue
		}
		out[i].Value = v
	}
	return out, nil
}

// sendBulk submits one batch to s's Bulk-* resource and waits for its
// final result. The wait (webhook, then BatchStatus polls) is a read: it
// never sends the batch again.
func sendBulk[T any](ctx context.Context, c *Client, s *spec[T], method string, chunk []T) ([]batch.Result[Result], error) {
	op := method + " " + s.bulk
	idempotent := method == http.MethodPut
	body, err := encodeRecords(s, c.cfg.reqFormat, chunk)
	if err != nil {
		return nil, newError(op, vendorkit.Invalid, "encoding the request: "+err.Error())
	}
	q := url.Values{}
	var results <-chan *BatchResult
	if h := c.cfg.webhook; h != nil {
		ref := newRef()
		results = h.register(ref)
		defer h.forget(ref)
		q.Set("callback_url", c.callbackURL(ref))
	}
	q.Set("sendRecordNo", "true")
	resp, err := c.write(ctx, op, method, c.endpoint(s.bulk, q), body, idempotent)
	if err != nil {
		return nil, err
	}
	ack, err := decodeAck(resp.Header.Get("Content-Type"), resp.Body)
	switch {
	case err != nil:
		return nil, malformedAnswer(op, resp.StatusCode, c.http.Redact(err.Error()), idempotent)
	case !ack.accepted():
		return nil, statusError(op, resp.StatusCode, ack.Status, c.http.Redact(ack.Message))
	}
	c.log.Debug("agiliron: batch accepted", "op", op, "batch_id", ack.BatchID, "records", len(chunk))
	if c.cfg.acceptedHook != nil {
		c.cfg.acceptedHook(ack, len(chunk))
	}
	r, err := c.await(ctx, ack.BatchID, results)
	if err != nil {
		ids := recordIDs(s, chunk)
		out := make([]batch.Result[Result], len(chunk))
		for i := range out {
			e := newError(op, vendorkit.Unknown, "no final result for the batch")
			e.BatchID, e.ID, e.Record, e.idName, e.Err = ack.BatchID, ids[i], i+1, s.idName, err
			out[i] = batch.Result[Result]{Value: Result{BatchID: ack.BatchID, ID: ids[i], Record: i + 1}, Err: e}
		}
		return out, nil
	}
	ids, names := identitiesFor(s, chunk, r)
	return matchResults(op, s.idName, ids, names, ack.BatchID, r, c.log), nil
}

// write sends a request with a body and returns its 2xx answer, or the
// *Error that classifies a failure. It is the package's one send: the
// engine owns every retry.
func (c *Client) write(ctx context.Context, op, method, url string, body []byte, idempotent bool) (*httpx.Response, error) {
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: method, URL: url, Header: c.header(true), Body: body, Idempotent: idempotent,
	})
	if err != nil {
		return nil, transportError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.responseError(op, resp, idempotent)
	}
	return resp, nil
}

// identities returns the id and the reported name of every record.
func identities[T any](s *spec[T], chunk []T) (ids, names []string) {
	ids, names = make([]string, len(chunk)), make([]string, len(chunk))
	for i := range chunk {
		ids[i], names[i] = s.id(chunk[i]), s.name(chunk[i])
	}
	return ids, names
}

// recordIDs returns the id of every record.
func recordIDs[T any](s *spec[T], chunk []T) []string {
	ids := make([]string, len(chunk))
	for i := range chunk {
		ids[i] = s.id(chunk[i])
	}
	return ids
}

// identitiesFor is identities for matching r, with the names only when
// r may need them: matching places an entry by name only when its Record
// number does not place it. Otherwise the names are left empty, unread.
func identitiesFor[T any](s *spec[T], chunk []T, r *BatchResult) (ids, names []string) {
	if !r.numbered(len(chunk)) {
		return identities(s, chunk)
	}
	return recordIDs(s, chunk), make([]string, len(chunk))
}

// numbered reports whether every entry of r carries a Record number of a
// request of n records.
func (r *BatchResult) numbered(n int) bool {
	for _, es := range [][]ResultEntry{r.Success, r.Failure} {
		for _, e := range es {
			if e.Record < 1 || e.Record > n {
				return false
			}
		}
	}
	return true
}

// callbackURL returns the webhook URL for one batch: the configured URL
// with the batch's ref and the handler's secret added.
func (c *Client) callbackURL(ref string) string {
	u, _ := url.Parse(c.cfg.callbackURL) // checked by WithWebhook
	q := u.Query()
	q.Set(refParam, ref)
	q.Set(secretParam, c.cfg.webhook.secret)
	u.RawQuery = q.Encode()
	return u.String()
}
