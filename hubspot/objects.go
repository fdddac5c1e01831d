package hubspot

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

// Objects is the batch handle of one object type, from Client.Objects.
// The paths its methods name start with the objects root of the client's
// API version: /crm/objects/2026-09 by default, /crm/v3/objects for "v3"
// (see WithAPIVersion).
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
	rep := batch.RunSlice(ctx, op, o.c.cfg.engine.Config(), in)
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
	rep := batch.Run(ctx, op, o.c.cfg.engine.Config(), seq)
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
// POST …/{objectType}/batch/create. Each input without an
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
// IDProperty): POST …/{objectType}/batch/update. Inputs for
// the same object never share a request. Each succeeded record's Result is
// HubSpot's object for it, with one exception: when a 200 COMPLETE answer
// confirms every input but echoes no objectWriteTraceId, records addressed
// by a unique property succeed with an empty Result if more than one of
// them is left to match (their results carry record ids, not the values
// the inputs named).
func (o *Objects) BatchUpdate(ctx context.Context, in []UpdateInput) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.updateOp(opUpdate, validateUpdate), in, o.prepareUpdate)
}

// BatchUpdateSeq is BatchUpdate reading its input from seq as it goes.
func (o *Objects) BatchUpdateSeq(ctx context.Context, seq iter.Seq[UpdateInput]) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.updateOp(opUpdate, validateUpdate), seq, o.prepareUpdate)
}

// BatchUpsert creates or updates every input by the unique property
// IDProperty whose value ID holds: POST …/{objectType}/batch/upsert.
// Object.New tells which were created. Results are matched as for
// BatchUpdate.
//
// Contacts upserted with IDProperty "email" do not support partial
// upserts (HubSpot's Contacts guide: "Partial upserts are not supported
// when using email as the idProperty for contacts. To complete a partial
// upsert, use a custom unique identifier property as the idProperty
// instead."). With "email", send every property the contact should hold,
// not only the ones that changed. To send only changes, key the upsert on
// a custom contact property created with hasUniqueValue (for example
// "crm_id", holding your system's id):
//
//	{IDProperty: "crm_id", ID: "C-1042", Properties: hubspot.Properties{"phone": "+61 3 8321 8199"}}
func (o *Objects) BatchUpsert(ctx context.Context, in []UpsertInput) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.updateOp(opUpsert, validateUpsert), in, o.prepareUpdate)
}

// BatchUpsertSeq is BatchUpsert reading its input from seq as it goes.
func (o *Objects) BatchUpsertSeq(ctx context.Context, seq iter.Seq[UpsertInput]) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.updateOp(opUpsert, validateUpsert), seq, o.prepareUpdate)
}

// BatchRead reads the objects with the given ids (record ids, or values of
// opts.IDProperty): POST …/{objectType}/batch/read. An id
// HubSpot does not find fails with ErrNotFound. With
// opts.PropertiesWithHistory a request carries at most MaxHistoryBatchSize
// (50) ids, as HubSpot refuses more.
func (o *Objects) BatchRead(ctx context.Context, ids []string, opts ReadOptions) (*batch.Report[Object], error) {
	return runSlice(ctx, o, o.readOp(opts), ids, nil)
}

// BatchReadSeq is BatchRead reading its ids from seq as it goes.
func (o *Objects) BatchReadSeq(ctx context.Context, ids iter.Seq[string], opts ReadOptions) (*batch.Report[Object], error) {
	return runSeq(ctx, o, o.readOp(opts), ids, nil)
}

// BatchArchive archives the objects with the given record ids:
// POST …/{objectType}/batch/archive (204 No Content).
func (o *Objects) BatchArchive(ctx context.Context, ids []string) (*batch.Report[struct{}], error) {
	return runSlice(ctx, o, o.archiveOp(), ids, nil)
}

// BatchArchiveSeq is BatchArchive reading its ids from seq as it goes.
func (o *Objects) BatchArchiveSeq(ctx context.Context, ids iter.Seq[string]) (*batch.Report[struct{}], error) {
	return runSeq(ctx, o, o.archiveOp(), ids, nil)
}
