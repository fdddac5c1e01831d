package propel

import (
	"context"
	"iter"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// endpoint describes one bulk endpoint to the shared send logic.
type endpoint[T any] struct {
	// op names the operation in errors, e.g. "customers bulk/sourceId".
	op string
	// field is the body's array key, e.g. "customers".
	field string
	// path is the endpoint under the base URL, e.g. "/customers/bulk/sourceId".
	path string
	// key is the record's unique key in a report (source/sourceId/language,
	// id, or an address's code); keyField names it in errors.
	key      func(T) string
	keyField string
	// lookup is the value the API echoes as the entry's key (sourceId or id).
	lookup func(T) string
	// appendJSON writes one record as the body carries it.
	appendJSON appendFunc[T]
	validate   func(T) error
	// ssn returns the record's SSN, scrubbed from server messages.
	ssn func(T) string
	// noDirectives leaves the client's directives out of the body (the
	// addresses endpoints document none).
	noDirectives bool
	// ownerMissingStops ends the run on a 404: the path names one owner
	// record, so every further request would be refused too.
	ownerMissingStops bool
}

// run sends records to the endpoint and reports one outcome per record.
func run[T any](ctx context.Context, c *Client, e *endpoint[T], records iter.Seq[T]) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, op(c, e), c.cfg.Engine, records)
}

// op builds the engine's Op for one call: its key check is the call's own.
func op[T any](c *Client, e *endpoint[T]) batch.Op[T, Result] {
	var seen vendorkit.Seen
	var directives []byte
	var dirErr error
	if !e.noDirectives {
		directives, dirErr = encodeDirectives(c.cfg.directives)
	}
	return batch.Op[T, Result]{
		Name:     "propel " + e.op,
		MaxItems: c.cfg.BatchSize,
		Key:      e.key,
		Validate: func(r T) error {
			if err := e.validate(r); err != nil {
				return err
			}
			if seen.Repeated(e.key(r)) {
				return repeated(e.keyField)
			}
			return nil
		},
		MaxBytes: c.cfg.MaxRequestBytes,
		Size:     func(r T) int { return encodedSize(e.appendJSON, r) },
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []T) ([]batch.Result[Result], error) {
			if dirErr != nil {
				ee := &Error{}
				ee.Vendor, ee.Op, ee.Class, ee.Local, ee.Err = "propel", e.op, vendorkit.Invalid, true, dirErr
				return nil, ee
			}
			return send(ctx, c, e, chunk, directives)
		},
	}
}

// send sends one chunk and answers one result per record.
// directives is the encoded "directives" array, nil for none.
func send[T any](ctx context.Context, c *Client, e *endpoint[T], chunk []T, directives []byte) ([]batch.Result[Result], error) {
	body := encodeBulk(e.field, chunk, e.appendJSON, directives)
	resp, err := c.post(ctx, e.op, e.path, body)
	if err != nil {
		return nil, err
	}
	sc := chunkScrubber(c, e, chunk)
	reqID := resp.Header.Get("X-Request-Id")
	if isSuccess(resp.StatusCode) {
		br, err := decodeBulk(resp.Body)
		if err != nil {
			// The request may have been applied, but the upsert is
			// idempotent by key: sending it again is safe.
			me := &Error{APIError: vendorkit.FromResponse[Code]("propel", e.op, resp, true)}
			me.Class, me.Err, me.RequestID, me.maybeWritten = vendorkit.Malformed, err, reqID, true
			return nil, me
		}
		res := match(e.op, chunk, e.lookup, br, resp.StatusCode, reqID, sc)
		br.release()
		return res, nil
	}
	ee := errorFromResponse(e.op, resp, sc)
	if ee.Code == CodeSchemaValidation {
		if res := splitNamed(ee, e.field, len(chunk)); res != nil {
			return res, nil
		}
	}
	if e.ownerMissingStops && ee.HTTPStatus == http.StatusNotFound {
		return nil, &ownerMissing{ee}
	}
	return nil, ee
}
