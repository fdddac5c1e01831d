package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
)

// Objects is the batch handle of one object type, from Client.Objects.
type Objects struct {
	c          *Client
	objectType string
	typeErr    error
}

// Type returns the object type the handle works on.
func (o *Objects) Type() string { return o.objectType }

// opName names an endpoint in reports and errors.
func (o *Objects) opName(kind opKind) string {
	return "hubspot " + o.objectType + " batch/" + kind.String()
}

// runSlice runs op over in after prepare, and returns the report and its error.
func runSlice[T, R any](ctx context.Context, o *Objects, op batch.Op[T, R], in []T, prepare func(T) T) (*batch.Report[R], error) {
	if prepare != nil {
		cp := make([]T, len(in))
		for i := range in {
			cp[i] = prepare(in[i])
		}
		in = cp
	}
	rep := batch.RunSlice(ctx, op, o.c.runConfig(), in)
	return rep, rep.Err()
}

// runSeq runs op over seq after prepare, and returns the report and its error.
func runSeq[T, R any](ctx context.Context, o *Objects, op batch.Op[T, R], seq iter.Seq[T], prepare func(T) T) (*batch.Report[R], error) {
	if seq == nil {
		seq = func(func(T) bool) {}
	}
	if prepare != nil {
		src := seq
		seq = func(yield func(T) bool) {
			for v := range src {
				if !yield(prepare(v)) {
					return
				}
			}
		}
	}
	rep := batch.Run(ctx, op, o.c.runConfig(), seq)
	return rep, rep.Err()
}

// validate wraps a per-record check with the object-type check.
func validateWith[T any](o *Objects, check func(T) error) func(T) error {
	return func(v T) error {
		if o.typeErr != nil {
			return o.typeErr
		}
		return check(v)
	}
}

// updateKey is the outcome key of an update or upsert input: the record id,
// or "idProperty=value".
func updateKey(in UpdateInput) string {
	if in.IDProperty == "" {
		return in.ID
	}
	return in.IDProperty + "=" + in.ID
}

// BatchCreate creates every input, 100 per request:
// POST /crm/v3/objects/{objectType}/batch/create. Each input without an
// objectWriteTraceId is given a unique one, and answers are matched by it.
// A create is never resent once it may have been written (a 500, 502 or
// 504, a lost connection): such records fail wrapping
// httpx.ErrOutcomeUnknown.
func (o *Objects) BatchCreate(ctx context.Context, in []CreateInput) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.createOp(), in, o.prepareCreate)
}

// BatchCreateSeq is BatchCreate reading its input from seq as it goes.
func (o *Objects) BatchCreateSeq(ctx context.Context, seq iter.Seq[CreateInput]) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.createOp(), seq, o.prepareCreate)
}

// BatchUpdate updates every input by id (or by a unique property with
// IDProperty): POST /crm/v3/objects/{objectType}/batch/update. Inputs for
// the same object never share a request.
func (o *Objects) BatchUpdate(ctx context.Context, in []UpdateInput) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.updateOp(opUpdate, validateUpdate), in, o.prepareUpdate)
}

// BatchUpdateSeq is BatchUpdate reading its input from seq as it goes.
func (o *Objects) BatchUpdateSeq(ctx context.Context, seq iter.Seq[UpdateInput]) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.updateOp(opUpdate, validateUpdate), seq, o.prepareUpdate)
}

// BatchUpsert creates or updates every input by the unique property
// IDProperty whose value ID holds: POST /crm/v3/objects/{objectType}/batch/upsert.
// Object.New tells which were created.
func (o *Objects) BatchUpsert(ctx context.Context, in []UpsertInput) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.updateOp(opUpsert, validateUpsert), in, o.prepareUpdate)
}

// BatchUpsertSeq is BatchUpsert reading its input from seq as it goes.
func (o *Objects) BatchUpsertSeq(ctx context.Context, seq iter.Seq[UpsertInput]) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.updateOp(opUpsert, validateUpsert), seq, o.prepareUpdate)
}

// BatchRead reads the objects with the given ids (record ids, or values of
// opts.IDProperty): POST /crm/v3/objects/{objectType}/batch/read. An id
// HubSpot does not find fails with ErrNotFound.
func (o *Objects) BatchRead(ctx context.Context, ids []string, opts ReadOptions) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.readOp(opts), ids, nil)
}

// BatchReadSeq is BatchRead reading its ids from seq as it goes.
func (o *Objects) BatchReadSeq(ctx context.Context, ids iter.Seq[string], opts ReadOptions) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.readOp(opts), ids, nil)
}

// BatchArchive archives the objects with the given record ids:
// POST /crm/v3/objects/{objectType}/batch/archive (204 No Content).
func (o *Objects) BatchArchive(ctx context.Context, ids []string) (*batch.Report[struct{}], error) {
	return runSlice(ctx, o, o.archiveOp(), ids, nil)
}

// BatchArchiveSeq is BatchArchive reading its ids from seq as it goes.
func (o *Objects) BatchArchiveSeq(ctx context.Context, ids iter.Seq[string]) (*batch.Report[struct{}], error) {
	return runSeq(ctx, o, o.archiveOp(), ids, nil)
}

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

// idInput is a read or archive input.
type idInput struct {
	ID string `json:"id"`
}

// readRequest is the body of batch/read.
type readRequest struct {
	Inputs                []idInput `json:"inputs"`
	Properties            []string  `json:"properties"`
	PropertiesWithHistory []string  `json:"propertiesWithHistory"`
	IDProperty            string    `json:"idProperty,omitempty"`
}

func (o *Objects) readOp(opts ReadOptions) batch.Op[string, Object] {
	props := append([]string{}, opts.Properties...)
	if opts.IDProperty != "" && !slices.Contains(props, opts.IDProperty) {
		props = append(props, opts.IDProperty)
	}
	hist := append([]string{}, opts.PropertiesWithHistory...)
	query := ""
	if opts.Archived {
		query = "?archived=true"
	}
	return batch.Op[string, Object]{
		Name:       o.opName(opRead),
		MaxItems:   o.c.cfg.batchSize,
		Key:        func(id string) string { return id },
		Validate:   validateWith(o, validateID),
		UniqueKeys: true,
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[Object], error) {
			res := make([]batch.Result[Object], len(chunk))
			x := newChunkIndex(len(chunk), false)
			req := readRequest{Inputs: make([]idInput, len(chunk)), Properties: props, PropertiesWithHistory: hist, IDProperty: opts.IDProperty}
			for i, id := range chunk {
				req.Inputs[i].ID = id
				x.addID(id, opts.IDProperty, i)
			}
			body, err := json.Marshal(req)
			if err != nil {
				return nil, err
			}
			return exchange(ctx, o, opRead, query, body, x, res)
		},
	}
}

func (o *Objects) archiveOp() batch.Op[string, struct{}] {
	return batch.Op[string, struct{}]{
		Name:       o.opName(opArchive),
		MaxItems:   o.c.cfg.batchSize,
		Key:        func(id string) string { return id },
		Validate:   validateWith(o, validateID),
		UniqueKeys: true,
		Isolate:    isolate,
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[struct{}], error) {
			res := make([]batch.Result[Object], len(chunk))
			x := newChunkIndex(len(chunk), false)
			req := struct {
				Inputs []idInput `json:"inputs"`
			}{make([]idInput, len(chunk))}
			for i, id := range chunk {
				req.Inputs[i].ID = id
				x.addID(id, "", i)
			}
			body, err := json.Marshal(req)
			if err != nil {
				return nil, err
			}
			if _, err := exchange(ctx, o, opArchive, "", body, x, res); err != nil {
				return nil, err
			}
			out := make([]batch.Result[struct{}], len(chunk))
			for i := range res {
				out[i].Err = res[i].Err
			}
			return out, nil
		},
	}
}
