package agiliron

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// runSlice runs op over recs with the client's engine settings.
func runSlice[T, R any](ctx context.Context, c *Client, op batch.Op[T, R], recs []T) (*batch.Report[R], error) {
	rep := batch.RunSlice(ctx, op, c.cfg.engine.Config(), recs)
	return rep, rep.Err()
}

// runSeq runs op over a sequence, read as it goes.
func runSeq[T, R any](ctx context.Context, c *Client, op batch.Op[T, R], recs iter.Seq[T]) (*batch.Report[R], error) {
	rep := batch.Run(ctx, op, c.cfg.engine.Config(), recs)
	return rep, rep.Err()
}

// bulkOp is the engine's description of a PUT (update) or POST (add) on
// res's Bulk-* resource: an asynchronous batch, acknowledged with a batch
// id, whose per-record results come by webhook or from BatchStatus.
func bulkOp[T, R any](c *Client, res *resource[T, R], method string) batch.Op[T, R] {
	op := batch.Op[T, R]{
		Name:     method + " " + res.bulk,
		MaxItems: c.cfg.batchSize,
		Send: func(ctx context.Context, chunk []T) ([]batch.Result[R], error) {
			return sendBulk(ctx, c, res, method, chunk)
		},
		Isolate: isolate,
	}
	if method == http.MethodPut {
		op.Key = func(v T) string { return res.id(&v) }
		op.Validate = res.validateUpdate
		op.UniqueKeys = true
	} else {
		op.Key = res.addKey
		op.Validate = res.validateAdd
	}
	return op
}

// isolate reports a request refused as a whole before anything was
// written (400, 413, 422, or a create answered with a non-success
// status): the engine then halves the batch until the records at fault are
// named, which also finds a batch size the server accepts.
func isolate(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.kind != ErrBatchRefused {
		return false
	}
	if e.whole {
		return true
	}
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// sendBulk submits one batch to res's Bulk-* resource and waits for its
// final result.
func sendBulk[T, R any](ctx context.Context, c *Client, res *resource[T, R], method string, chunk []T) ([]batch.Result[R], error) {
	op := method + " " + res.bulk
	idempotent := method == http.MethodPut
	body, err := encodeRecords(res, c.cfg.reqFormat, chunk)
	if err != nil {
		return nil, &Error{Op: op, Message: "encoding the request: " + err.Error(), kind: ErrInvalid}
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
	resp, err := c.write(ctx, op, method, c.endpoint(res.bulk, q), body, idempotent)
	if err != nil {
		return nil, err
	}
	ack, err := DecodeAck(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		e := &Error{Op: op, StatusCode: resp.StatusCode, Status: ack.Status, Message: c.http.Redact(err.Error()), kind: ErrBatchRefused}
		if errors.Is(err, ErrMalformed) {
			// The server answered 2xx: the batch may have been queued.
			if idempotent {
				e.kind, e.retryable = ErrMalformed, true
			} else {
				e.kind = ErrOutcomeUnknown
				e.Message += " (the batch may have been queued; not replayed)"
			}
		}
		return nil, e
	}
	c.log.Debug("agiliron: batch accepted", "op", op, "batch_id", ack.BatchID, "records", len(chunk))
	if c.cfg.acceptedHook != nil {
		c.cfg.acceptedHook(ack, len(chunk))
	}
	ids, names := identities(res, chunk)
	r, err := c.await(ctx, ack.BatchID, results)
	if err != nil {
		out := make([]batch.Result[R], len(chunk))
		for i := range out {
			out[i] = batch.Result[R]{
				Value: res.result(recordResult{batchID: ack.BatchID, id: ids[i], record: i + 1}),
				Err: &Error{Op: op, BatchID: ack.BatchID, LeadID: ids[i], Record: i + 1, idName: res.idName,
					Message: "no final result for the batch", kind: ErrOutcomeUnknown, cause: err},
			}
		}
		return out, nil
	}
	return convert(res, matchResults(op, res.idName, ids, names, ack.BatchID, r, c.log)), nil
}

// write sends a request with a body and returns its 2xx answer, or the
// *Error that classifies a failure (see sendError and httpError).
func (c *Client) write(ctx context.Context, op, method, url string, body []byte, idempotent bool) (*httpx.Response, error) {
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: method, URL: url, Header: c.header(true), Body: body, Idempotent: idempotent,
	})
	if err != nil {
		return nil, sendError(op, err, idempotent)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpError(op, resp, idempotent, c.http.Redact)
	}
	return resp, nil
}

// identities returns the id and the reported name of every record.
func identities[T, R any](res *resource[T, R], chunk []T) (ids, names []string) {
	ids, names = make([]string, len(chunk)), make([]string, len(chunk))
	for i := range chunk {
		ids[i], names[i] = res.id(&chunk[i]), res.name(&chunk[i])
	}
	return ids, names
}

// convert turns the shared per-record results into res's result type.
func convert[T, R any](res *resource[T, R], in []batch.Result[recordResult]) []batch.Result[R] {
	out := make([]batch.Result[R], len(in))
	for i, r := range in {
		out[i] = batch.Result[R]{Value: res.result(r.Value), Err: r.Err}
	}
	return out
}

// sendError classifies a request that got no usable answer. One that may
// have reached Agiliron (written before the connection failed, or
// answered with a body too large to read) has an unknown outcome; only an
// update is then sent again.
func sendError(op string, err error, idempotent bool) *Error {
	e := &Error{Op: op, Message: "request failed", cause: err, kind: ErrBatchRefused, retryable: batch.IsRetryable(err)}
	var te *httpx.TransportError
	switch {
	case errors.Is(err, httpx.ErrOutcomeUnknown), errors.As(err, &te) && te.MaybeSent:
		e.kind = ErrOutcomeUnknown
	case errors.Is(err, httpx.ErrBodyTooLarge):
		e.kind, e.retryable = ErrOutcomeUnknown, idempotent
		e.Message = "the answer was too large to read"
	}
	return e
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
