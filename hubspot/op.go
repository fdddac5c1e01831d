package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// opKind names a batch endpoint.
type opKind uint8

const (
	opCreate opKind = iota
	opUpdate
	opUpsert
	opRead
	opArchive
)

var opPaths = [...]string{opCreate: "create", opUpdate: "update", opUpsert: "upsert", opRead: "read", opArchive: "archive"}

// String returns the endpoint's last path segment.
func (k opKind) String() string { return opPaths[k] }

// idempotent reports whether sending the same request twice is harmless:
// everything but create.
func (k opKind) idempotent() bool { return k != opCreate }

// opLabel names an endpoint in errors: "contacts batch/create".
func opLabel(objectType string, kind opKind) string {
	return objectType + " batch/" + kind.String()
}

// keys refuses, within one call, a key already seen (nothing sent): one
// per call, shared by the call's checks. Trace ids and the other key (an
// id, or the value of the handle's unique property) are remembered apart.
type keys struct {
	traces, values vendorkit.Seen
	op             string
}

// checkTrace refuses the record when its objectWriteTraceId repeats.
func (k *keys) checkTrace(trace string) error {
	return k.check(&k.traces, "objectWriteTraceId", trace, false)
}

// checkValue refuses the record when its key (what names it in the error)
// repeats, compared without case when fold (as HubSpot compares it).
func (k *keys) checkValue(what, value string, fold bool) error {
	return k.check(&k.values, what, value, fold)
}

// check refuses the record when value is already in seen.
func (k *keys) check(seen *vendorkit.Seen, what, value string, fold bool) error {
	if value == "" {
		return nil
	}
	v := value
	if fold {
		v = strings.ToLower(v)
	}
	if seen.Repeated(v) {
		return localError(k.op, vendorkit.Duplicate, "%s %q repeated in this call", what, value)
	}
	return nil
}

// base is what every Op of the handle shares.
func (o *Objects) base(kind opKind) (name, label string, ks *keys) {
	label = opLabel(o.objectType, kind)
	return vendor + " " + label, label, &keys{op: label}
}

// writeSpec is what a create differs in from an update or upsert.
type writeSpec[T any] struct {
	kind     opKind
	key      func(T) string
	validate func(label string, ks *keys, in T) error
	// fill adds what the request needs beyond the caller's input (a
	// required empty field), on a copy; trace ids are added for the whole
	// chunk at once (fillTraces).
	fill  func(*T)
	trace func(*T) *string
	ident func(*T) (id, prop string)
}

// writeOp is batch/create, update or upsert: matched by
// objectWriteTraceId, then record id, then the idProperty value.
func writeOp[T wireInput](o *Objects, w writeSpec[T]) batch.Op[T, Result] {
	name, label, ks := o.base(w.kind)
	return batch.Op[T, Result]{
		Name:     name,
		MaxItems: o.c.cfg.BatchSize,
		MaxBytes: o.c.cfg.MaxRequestBytes - envelopeBytes,
		Size:     inputSize[T],
		Key:      w.key,
		Validate: func(in T) error { return w.validate(label, ks, in) },
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []T) ([]batch.Result[Result], error) {
			send := prepared(chunk, w.fill)
			fillTraces(o.c, send, w.trace)
			return sendWrite(ctx, o, w.kind, send, w.trace, w.ident)
		},
	}
}

// createOp is batch/create: keyed by the caller's objectWriteTraceId, else
// by the handle's unique property value.
func (o *Objects) createOp() batch.Op[CreateInput, Result] {
	return writeOp(o, writeSpec[CreateInput]{
		kind:     opCreate,
		key:      o.createKey,
		validate: o.validateCreate,
		fill: func(in *CreateInput) {
			if in.Associations == nil {
				in.Associations = []Association{} // the field is required
			}
		},
		trace: func(in *CreateInput) *string { return &in.ObjectWriteTraceID },
		ident: func(*CreateInput) (string, string) { return "", "" },
	})
}

// updateOp is batch/update or batch/upsert, keyed by id (and idProperty).
func (o *Objects) updateOp(kind opKind) batch.Op[UpdateInput, Result] {
	return writeOp(o, writeSpec[UpdateInput]{
		kind:     kind,
		key:      updateKey,
		validate: func(label string, ks *keys, in UpdateInput) error { return o.validateUpdate(label, kind, ks, in) },
		fill: func(in *UpdateInput) {
			if in.Properties == nil {
				in.Properties = Properties{} // the field is required; {} changes nothing
			}
		},
		trace: func(in *UpdateInput) *string { return &in.ObjectWriteTraceID },
		ident: func(in *UpdateInput) (string, string) { return in.ID, in.IDProperty },
	})
}

// createKey is a create's outcome key: what the caller gave that it can
// look up, never a generated id.
func (o *Objects) createKey(in CreateInput) string {
	if in.ObjectWriteTraceID != "" {
		return in.ObjectWriteTraceID
	}
	if o.keyProperty == "" {
		return ""
	}
	return in.Properties[o.keyProperty]
}

// updateKey is the outcome key of an update or upsert input: the record id,
// or "idProperty=value".
func updateKey(in UpdateInput) string {
	if in.IDProperty == "" {
		return in.ID
	}
	return in.IDProperty + "=" + in.ID
}

// readOp is batch/read: ids in, objects out, matched by id (or by the
// idProperty value, which is therefore always requested). A read that asks
// for property histories sends at most MaxHistoryBatchSize ids.
func (o *Objects) readOp(opts ReadOptions) batch.Op[string, Result] {
	name, label, ks := o.base(opRead)
	props := append([]string{}, opts.Properties...) // [] not null: the fields are required
	if opts.IDProperty != "" && !slices.Contains(props, opts.IDProperty) {
		props = append(props, opts.IDProperty)
	}
	hist := append([]string{}, opts.PropertiesWithHistory...)
	query := ""
	if opts.Archived {
		query = "?archived=true"
	}
	size := o.c.cfg.BatchSize
	if len(hist) > 0 {
		size = min(size, MaxHistoryBatchSize)
	}
	return batch.Op[string, Result]{
		Name:     name,
		MaxItems: size,
		MaxBytes: o.c.cfg.MaxRequestBytes - envelopeBytes - readEnvelope(props, hist),
		Size:     idSize,
		Key:      func(id string) string { return id },
		Validate: o.checkID(label, ks, opts.IDProperty != ""),
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[Result], error) {
			res := make([]batch.Result[Result], len(chunk))
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

// archiveOp is batch/archive: ids in; a 204 archives them all.
func (o *Objects) archiveOp() batch.Op[string, struct{}] {
	name, label, ks := o.base(opArchive)
	return batch.Op[string, struct{}]{
		Name:     name,
		MaxItems: o.c.cfg.BatchSize,
		MaxBytes: o.c.cfg.MaxRequestBytes - envelopeBytes,
		Size:     idSize,
		Key:      func(id string) string { return id },
		Validate: o.checkID(label, ks, false),
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[struct{}], error) {
			res := make([]batch.Result[Result], len(chunk))
			x := newChunkIndex(len(chunk), false)
			req := inputsBody[idInput]{Inputs: make([]idInput, len(chunk))}
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

// fillTraces gives every input of chunk without a trace id one of the
// client's, all cut from one string.
func fillTraces[T any](c *Client, chunk []T, trace func(*T) *string) {
	n := 0
	for i := range chunk {
		if *trace(&chunk[i]) == "" {
			n++
		}
	}
	if n == 0 {
		return
	}
	ids := c.traceIDs(n)
	for i := range chunk {
		if t := trace(&chunk[i]); *t == "" {
			*t, ids = ids[0], ids[1:]
		}
	}
}

// prepared returns a copy of chunk with fill applied to each input: what
// the client adds for the request never reaches the caller's records.
func prepared[T any](chunk []T, fill func(*T)) []T {
	out := slices.Clone(chunk)
	for i := range out {
		fill(&out[i])
	}
	return out
}

// sendWrite sends one create, update or upsert request and matches its
// answer to the chunk.
func sendWrite[T wireInput](ctx context.Context, o *Objects, kind opKind, chunk []T, trace func(*T) *string, ident func(*T) (string, string)) ([]batch.Result[Result], error) {
	res := make([]batch.Result[Result], len(chunk))
	x := newChunkIndex(len(chunk), true)
	send := chunk
	for i := range chunk {
		if !x.addTrace(*trace(&chunk[i]), i) {
			// Refused per call by Validate; kept as a guard for the request.
			res[i].Err = localError(opLabel(o.objectType, kind), vendorkit.Duplicate, "objectWriteTraceId repeated inside one request")
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
	return exchange(ctx, o, kind, "", writeBody(send), x, res)
}

// keptProperties says which property values of an answer anyone can see:
// all of them (nil) unless the engine keeps no outcome and reports none
// with its values (batch.KeepNone, no OnOutcome); then only the unique
// properties x matches results by.
func (o *Objects) keptProperties(x *chunkIndex) func(string) bool {
	if e := o.c.cfg.Engine; e.Keep != batch.KeepNone || e.OnOutcome != nil {
		return nil
	}
	return func(name string) bool {
		_, ok := x.byProp[name]
		return ok
	}
}

// exchange posts body and settles res from the answer.
func exchange(ctx context.Context, o *Objects, kind opKind, query string, body []byte, x *chunkIndex, res []batch.Result[Result]) ([]batch.Result[Result], error) {
	label := opLabel(o.objectType, kind)
	resp, err := o.c.post(ctx, o.objectType, kind, query, body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := o.c.responseError(kind, label, resp)
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
	br, err := decodeBatchAnswer(resp.Body, len(res), o.keptProperties(x))
	if err != nil {
		return nil, malformedAnswer(kind, label, resp.StatusCode, o.c.http.RedactError(err))
	}
	x.apply(kind, label, resp.StatusCode, br, res, o.c.http.Redact)
	return res, nil
}
