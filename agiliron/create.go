package agiliron

import (
	"context"
	"fmt"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// createOp is the engine's description of a synchronous multi-record
// create: POST {resource} (Leads for leads), answered at once with the
// MCM envelope; no batch id, no callback, no BatchStatus.
func createOp[T, R any](c *Client, res *resource[T, R], path string) batch.Op[T, R] {
	return batch.Op[T, R]{
		Name:     http.MethodPost + " " + path,
		MaxItems: c.cfg.batchSize,
		Send: func(ctx context.Context, chunk []T) ([]batch.Result[R], error) {
			return sendCreate(ctx, c, res, path, chunk)
		},
		Isolate:  isolate,
		Key:      res.addKey,
		Validate: res.validateAdd,
	}
}

// sendCreate posts one chunk to path and reads the answer.
//
// A create is not idempotent: a request that may have reached Agiliron and
// got no usable answer (a timeout after sending, a 500, a 2xx body that is
// not an MCM answer) is never sent again; its records fail with
// ErrOutcomeUnknown. An answer with per-record results is matched as a
// batch result is. A non-success status refuses the request as a whole:
// for one record, that record is rejected with the message; for several,
// the engine halves the chunk until the record at fault is named.
func sendCreate[T, R any](ctx context.Context, c *Client, res *resource[T, R], path string, chunk []T) ([]batch.Result[R], error) {
	op := http.MethodPost + " " + path
	body, err := encodeRecords(res, c.cfg.reqFormat, chunk)
	if err != nil {
		return nil, &Error{Op: op, Message: "encoding the request: " + err.Error(), kind: ErrInvalid}
	}
	resp, err := c.write(ctx, op, http.MethodPost, c.endpoint(path, nil), body, false)
	if err != nil {
		return nil, err
	}
	ans, err := DecodeCreated(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, &Error{Op: op, StatusCode: resp.StatusCode, kind: ErrOutcomeUnknown,
			Message: c.http.Redact(err.Error()) + " (the records may have been added; not replayed)"}
	}
	msg := c.http.Redact(ans.Message)
	switch {
	case ans.Result != nil:
		ids, names := identities(res, chunk)
		return convert(res, matchResults(op, res.idName, ids, names, "", ans.Result, c.log)), nil
	case !ans.Succeeded() && len(chunk) == 1:
		if msg == "" {
			msg = "rejected without a message"
		}
		return []batch.Result[R]{{
			Value: res.result(recordResult{message: msg, record: 1}),
			Err:   &Error{Op: op, Status: ans.Status, Message: msg, Record: 1, kind: ErrRejected},
		}}, nil
	case !ans.Succeeded():
		return nil, &Error{Op: op, StatusCode: resp.StatusCode, Status: ans.Status, Message: msg, kind: ErrBatchRefused, whole: true}
	}
	out := make([]batch.Result[R], len(chunk))
	for i := range out {
		v := recordResult{record: i + 1}
		switch {
		case len(ans.IDs) == 1 && len(chunk) == 1:
			v.id = ans.IDs[0]
		case len(ans.IDs) != 0 && len(ans.IDs) != len(chunk):
			// The answer names fewer or more new records than were sent:
			// which of them went in is not known.
			out[i] = batch.Result[R]{Value: res.result(v), Err: &Error{Op: op, StatusCode: resp.StatusCode,
				Status: ans.Status, Record: i + 1, kind: ErrOutcomeUnknown,
				Message: fmt.Sprintf("the answer gives %d new ids for %d records", len(ans.IDs), len(chunk))}}
			continue
		}
		out[i].Value = res.result(v)
	}
	return out, nil
}
