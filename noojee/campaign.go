package noojee

import (
	"context"
	"fmt"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Campaign sends leads to one campaign target. Get one from
// Client.Campaign; it is safe for concurrent use.
type Campaign struct {
	c      *Client
	target Target
	query  string // the target's query string, without the apiKey
}

// Format prints the campaign's target, whatever the verb: a Campaign holds
// its Client, whose apiKey fmt must never reach.
func (cp Campaign) Format(f fmt.State, _ rune) {
	t := cp.target
	fmt.Fprintf(f, "noojee.Campaign{TemplateID: %q, CampaignID: %q, AllocationID: %q, AllowDuplicates: %v}",
		t.TemplateID, t.CampaignID, t.AllocationID, t.AllowDuplicates)
}

// Create inserts leads in bulk: POST
// https://{host}/servicemanager/rest/CampaignAPI/insertLeadsFast?fTemplateId=…&fCampaignId=…&fAllocationId=…[&allowDuplicates=true]&apiKey=…
// with a JSON array of up to WithBatchSize leads per call. The answer is
// Noojee's import summary ({"code":0,"message":"Imported N Updated N
// Rejected N leads. … Errors (If any): …"}): each rejected CSV row is
// placed back on its lead by the njExternalLeadId and phones it echoes,
// and that lead fails with the row's reason (Error.InBulkSummary). A lead
// that cannot be placed, or a summary whose counts do not add up to the
// leads sent, leaves the unplaced leads failed matching
// batch.ErrOutcomeUnknown, never succeeded and never sent again. A call
// refused with a code that concerns one lead (104, 105, 112, 102 …) is
// split in halves and sent again until the refused leads are named.
//
// Noojee's current documentation renames insertLeadsFast to the one-lead
// insertLeadFast. When insertLeadsFast answers HTTP 404, the client
// remembers it (for every later call too), logs it once at Warn level,
// and sends the same leads one per call to insertLeadFast: none is lost,
// none is sent twice, and each of those calls counts in Report.Requests.
//
// A njExternalLeadId repeated within one call fails locally (the server
// would refuse the second with 112). Pass a slice as slices.Values(leads).
func (cp *Campaign) Create(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, cp.createOp(), cp.c.cfg.Engine, jobs(leads))
}

// Update updates leads one per call, each found by its njExternalLeadId:
// POST https://{host}/servicemanager/rest/CampaignAPI/updateLeadFast?…
// with one JSON object per call, up to the engine's Concurrency calls at once.
// Fields given as NoChange keep their value. A 110 (conflict with a
// person's edit) is never sent again. A njExternalLeadId repeated within
// one call fails locally: the two updates would race.
func (cp *Campaign) Update(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, cp.oneOp(opUpdateLeadFast, kindUpdate), cp.c.cfg.Engine, jobs(leads))
}

// CreateOne inserts one lead: POST …/CampaignAPI/insertLeadFast, with the
// same validation and retries as Create. The error, if any, is the lead's
// own *Error.
func (cp *Campaign) CreateOne(ctx context.Context, l Lead) (Result, error) {
	return cp.runOne(ctx, cp.oneOp(opInsertLeadFast, kindInsert), l)
}

// UpdateOne updates one lead found by its njExternalLeadId: POST
// …/CampaignAPI/updateLeadFast, with the same validation and retries as
// Update.
func (cp *Campaign) UpdateOne(ctx context.Context, l Lead) (Result, error) {
	return cp.runOne(ctx, cp.oneOp(opUpdateLeadFast, kindUpdate), l)
}

// jobs wraps each lead for the engine; a nil input is empty.
func jobs(leads iter.Seq[Lead]) iter.Seq[*job] {
	if leads == nil {
		return nil
	}
	return func(yield func(*job) bool) {
		for l := range leads {
			if !yield(&job{lead: l}) {
				return
			}
		}
	}
}

// runOne runs one lead, keeping its outcome whatever the caller's Keep.
func (cp *Campaign) runOne(ctx context.Context, op batch.Op[*job, Result], l Lead) (Result, error) {
	cfg := cp.c.cfg.Engine
	cfg.Keep, cfg.OnProgress, cfg.OnOutcome, cfg.OnSend = batch.KeepAll, nil, nil, nil
	rep := batch.RunSlice(ctx, op, cfg, []*job{{lead: l}})
	o, ok := rep.Outcome(0)
	if !ok {
		return Result{}, rep.Err()
	}
	return o.Result, o.Err
}
