package hubspot

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Objects is the batch handle of one object type, from Client.Objects.
// Its verbs take the whole input as an iter.Seq (pass slices.Values(s) for
// a slice), cut it into requests of at most 100 inputs, and return a
// report with one outcome per input record and the report's error (nil
// when every record went in). The paths they name start with the objects
// root of the client's API version: /crm/objects/2026-09 by default,
// /crm/v3/objects for "v3" (see WithAPIVersion).
type Objects struct {
	vendorkit.Printable // prints as its client does, never the client's fields

	c           *Client
	objectType  string
	typeErr     error
	keyProperty string // the unique property whose value keys a create
}

// Type returns the object type the handle works on.
func (o *Objects) Type() string { return o.objectType }

// KeyBy returns a handle whose creates are keyed by the value of the
// unique property prop (one created with hasUniqueValue, such as a
// "crm_id" holding your system's id): that value is each create's outcome
// key, and a value repeated within one call is refused before sending
// (batch.ErrDuplicate). Contacts are keyed by "email" unless told
// otherwise; other types by nothing. A create's ObjectWriteTraceID, when
// the caller sets it, is its key before any property.
func (o *Objects) KeyBy(prop string) *Objects {
	cp := *o
	cp.keyProperty = prop
	return &cp
}

// checkType refuses every record of a handle whose object type is invalid.
func (o *Objects) checkType(op string) error {
	if o.typeErr != nil {
		return localError(op, vendorkit.Invalid, "%v", o.typeErr)
	}
	return nil
}

// Create creates every input: POST …/{objectType}/batch/create. Each
// outcome's key is the input's ObjectWriteTraceID if the caller set one,
// else its value of the handle's unique property (email for contacts; see
// KeyBy), so a caller can find the record again; answers are matched by a
// trace id the client sets for the request. A create is never sent again
// once it may have been written (a 500, 502 or 504, a lost connection):
// such records fail matching batch.ErrOutcomeUnknown.
func (o *Objects) Create(ctx context.Context, in iter.Seq[CreateInput]) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, o.createOp(), o.c.cfg.Engine, in)
}

// Update updates every input by record id (or by a unique property with
// IDProperty): POST …/{objectType}/batch/update. The outcome key is the
// id, or "idProperty=value"; an id repeated within one call is refused
// before sending (batch.ErrDuplicate). Each succeeded record's Result is
// HubSpot's object for it, with one exception: when a 200 COMPLETE answer
// confirms every input but echoes no objectWriteTraceId, records addressed
// by a unique property succeed with an empty Result if more than one of
// them is left to match (their results carry record ids, not the values
// the inputs named).
func (o *Objects) Update(ctx context.Context, in iter.Seq[UpdateInput]) (*batch.Report[Result], error) {
	in, big, stop := o.viaImport(in)
	defer stop()
	if big {
		return o.ImportUpdate(ctx, in)
	}
	return vendorkit.Run(ctx, o.updateOp(opUpdate), o.c.cfg.Engine, in)
}

// With WithImports(ImportConfig{Threshold: n}), an Update or Upsert of at
// least n records goes through the Imports API instead (see ImportUpsert).
//
// Upsert creates or updates every input by the unique property IDProperty
// whose value ID holds: POST …/{objectType}/batch/upsert. Result.New tells
// which were created. Keys and results are as for Update.
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
func (o *Objects) Upsert(ctx context.Context, in iter.Seq[UpsertInput]) (*batch.Report[Result], error) {
	in, big, stop := o.viaImport(in)
	defer stop()
	if big {
		return o.ImportUpsert(ctx, in)
	}
	return vendorkit.Run(ctx, o.updateOp(opUpsert), o.c.cfg.Engine, in)
}

// Read reads the objects with the given ids (record ids, or values of
// opts.IDProperty): POST …/{objectType}/batch/read. An id HubSpot does not
// find fails matching batch.ErrNotFound. With opts.PropertiesWithHistory a
// request carries at most MaxHistoryBatchSize (50) ids, as HubSpot refuses
// more.
func (o *Objects) Read(ctx context.Context, ids iter.Seq[string], opts ReadOptions) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, o.readOp(opts), o.c.cfg.Engine, ids)
}

// Archive archives the objects with the given record ids:
// POST …/{objectType}/batch/archive (204 No Content).
func (o *Objects) Archive(ctx context.Context, ids iter.Seq[string]) (*batch.Report[struct{}], error) {
	return vendorkit.Run(ctx, o.archiveOp(), o.c.cfg.Engine, ids)
}
