package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// prepareCreate gives the input a trace id and a non-nil associations list.
func (o *Objects) prepareCreate(in CreateInput) CreateInput {
	if in.ObjectWriteTraceID == "" {
		in.ObjectWriteTraceID = o.c.nextTraceID()
	}
	if in.Associations == nil {
		in.Associations = []Association{}
	}
	return in
}

// prepareUpdate gives the input a trace id and a non-nil properties object
// (the field is required; {} changes nothing).
func (o *Objects) prepareUpdate(in UpdateInput) UpdateInput {
	if in.ObjectWriteTraceID == "" {
		in.ObjectWriteTraceID = o.c.nextTraceID()
	}
	if in.Properties == nil {
		in.Properties = Properties{}
	}
	return in
}

// createOp is batch/create, keyed and matched by objectWriteTraceId.
func (o *Objects) createOp() batch.Op[CreateInput, Object] {
	return batch.Op[CreateInput, Object]{
		Name:       o.opName(opCreate),
		MaxItems:   o.c.cfg.batchSize,
		Key:        func(in CreateInput) string { return in.ObjectWriteTraceID },
		Validate:   validateWith(o, validateCreate),
		UniqueKeys: true,
		Isolate:    isolate,
		Send: func(ctx context.Context, chunk []CreateInput) ([]batch.Result[Object], error) {
			return sendWrite(ctx, o, opCreate, chunk,
				func(in *CreateInput) string { return in.ObjectWriteTraceID },
				func(*CreateInput) (string, string) { return "", "" })
		},
	}
}

// updateOp is batch/update or batch/upsert, keyed by id (and idProperty),
// matched by objectWriteTraceId, then id, then the idProperty value.
func (o *Objects) updateOp(kind opKind, check func(UpdateInput) error) batch.Op[UpdateInput, Object] {
	return batch.Op[UpdateInput, Object]{
		Name:       o.opName(kind),
		MaxItems:   o.c.cfg.batchSize,
		Key:        updateKey,
		Validate:   validateWith(o, check),
		UniqueKeys: true,
		Isolate:    isolate,
		Send: func(ctx context.Context, chunk []UpdateInput) ([]batch.Result[Object], error) {
			return sendWrite(ctx, o, kind, chunk,
				func(in *UpdateInput) string { return in.ObjectWriteTraceID },
				func(in *UpdateInput) (string, string) { return in.ID, in.IDProperty })
		},
	}
}

// sendWrite sends one create, update or upsert request and matches its
// answer to the chunk.
func sendWrite[T any](ctx context.Context, o *Objects, kind opKind, chunk []T, trace func(*T) string, ident func(*T) (string, string)) ([]batch.Result[Object], error) {
	res := make([]batch.Result[Object], len(chunk))
	x := newChunkIndex(len(chunk), true)
	send := chunk
	for i := range chunk {
		if !x.addTrace(trace(&chunk[i]), i) {
			res[i].Err = ErrDuplicateTraceID
			x.state[i] = stateRefused
			continue
		}
		if id, prop := ident(&chunk[i]); id != "" {
			x.addID(id, prop, i)
		}
	}
	if len(x.trace) != len(chunk) {
		send = make([]T, 0, len(x.trace))
		for i := range chunk {
			if x.state[i] == stateOpen {
				send = append(send, chunk[i])
			}
		}
	}
	body, err := json.Marshal(struct {
		Inputs []T `json:"inputs"`
	}{send})
	if err != nil {
		return nil, err
	}
	return exchange(ctx, o, kind, "", body, x, res)
}

// exchange posts body and settles res from the answer.
func exchange(ctx context.Context, o *Objects, kind opKind, query string, body []byte, x *chunkIndex, res []batch.Result[Object]) ([]batch.Result[Object], error) {
	resp, err := o.c.post(ctx, o.objectType, kind, query, body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := o.c.responseError(kind, resp)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusConflict {
			if x.rejectNamed(e, res) {
				return res, nil
			}
			e.isolate = true
		}
		return nil, e
	}
	if kind == opArchive && len(bytes.TrimSpace(resp.Body)) == 0 {
		return res, nil // 204: every input archived
	}
	br, err := decodeBatchResponse(resp.Body)
	if err != nil {
		return nil, malformedAnswer(kind, resp.StatusCode, err)
	}
	x.apply(kind, resp.StatusCode, br, res, o.c.http.Redact)
	return res, nil
}
