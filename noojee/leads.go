package noojee

import (
	"context"
	"errors"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

// Campaign sends leads to one campaign target. Get one from
// Client.Campaign; it is safe for concurrent use.
type Campaign struct {
	c      *Client
	target Target
	query  string // the target's query string, apiKey included
}

// Target returns the campaign's target.
func (cp *Campaign) Target() Target { return cp.target }

// job is one lead on its way through the engine: its body, encoded once by
// the validator and reused for every send, and how many 103 answers it has
// had. The 103s are counted here, not left to the engine's attempt count,
// so that 109 retries do not use up the lead's 103 retries.
type job struct {
	lead       Lead
	body       []byte
	exceptions int
}

// InsertLeads inserts leads in bulk: POST
// https://{host}/servicemanager/rest/CampaignAPI/insertLeadsFast?fTemplateId=…&fCampaignId=…&fAllocationId=…[&allowDuplicates=true]&apiKey=…
// with a JSON array of up to WithBatchSize leads per call. A call refused
// with a code that concerns one lead (104, 105, 112, 102 …) is split in
// halves and sent again until the refused leads are named; the rest go in.
// This assumes, as the fake does, that a refused bulk call writes nothing.
func (cp *Campaign) InsertLeads(ctx context.Context, leads []Lead) (*batch.Report[Result], error) {
	return runSlice(ctx, cp, cp.bulkOp(), leads)
}

// InsertLeadsSeq is InsertLeads over a stream of leads, read as it goes.
func (cp *Campaign) InsertLeadsSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return runSeq(ctx, cp, cp.bulkOp(), leads)
}

// InsertEach inserts leads one per call, up to WithConcurrency at once:
// POST https://{host}/servicemanager/rest/CampaignAPI/insertLeadFast?…
// with one JSON object per call.
func (cp *Campaign) InsertEach(ctx context.Context, leads []Lead) (*batch.Report[Result], error) {
	return runSlice(ctx, cp, cp.oneOp(EndpointInsertLeadFast, kindInsert), leads)
}

// InsertEachSeq is InsertEach over a stream of leads, read as it goes.
func (cp *Campaign) InsertEachSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return runSeq(ctx, cp, cp.oneOp(EndpointInsertLeadFast, kindInsert), leads)
}

// UpdateEach updates leads one per call, each found by its njExternalLeadId:
// POST https://{host}/servicemanager/rest/CampaignAPI/updateLeadFast?…
// with one JSON object per call. Fields given as NoChange keep their value.
// A 110 (conflict with a person's edit) is never retried.
func (cp *Campaign) UpdateEach(ctx context.Context, leads []Lead) (*batch.Report[Result], error) {
	return runSlice(ctx, cp, cp.oneOp(EndpointUpdateLeadFast, kindUpdate), leads)
}

// UpdateEachSeq is UpdateEach over a stream of leads, read as it goes.
func (cp *Campaign) UpdateEachSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return runSeq(ctx, cp, cp.oneOp(EndpointUpdateLeadFast, kindUpdate), leads)
}

// InsertLead inserts one lead: POST …/CampaignAPI/insertLeadFast, with the
// same validation and 109/103 retries as InsertEach. The error, if any, is
// the lead's own (an *Error, or a transport error).
func (cp *Campaign) InsertLead(ctx context.Context, l Lead) (Result, error) {
	return runOne(ctx, cp, cp.oneOp(EndpointInsertLeadFast, kindInsert), l)
}

// UpdateLead updates one lead found by its njExternalLeadId: POST
// …/CampaignAPI/updateLeadFast, with the same validation and retries as
// UpdateEach.
func (cp *Campaign) UpdateLead(ctx context.Context, l Lead) (Result, error) {
	return runOne(ctx, cp, cp.oneOp(EndpointUpdateLeadFast, kindUpdate), l)
}

func runSlice(ctx context.Context, cp *Campaign, op batch.Op[*job, Result], leads []Lead) (*batch.Report[Result], error) {
	jobs := make([]job, len(leads))
	ptrs := make([]*job, len(leads))
	for i := range leads {
		jobs[i].lead = leads[i]
		ptrs[i] = &jobs[i]
	}
	rep := batch.RunSlice(ctx, op, cp.c.cfg.engine.Config(), ptrs)
	return rep, rep.Err()
}

func runSeq(ctx context.Context, cp *Campaign, op batch.Op[*job, Result], leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	jobs := func(yield func(*job) bool) {
		for l := range leads {
			if !yield(&job{lead: l}) {
				return
			}
		}
	}
	rep := batch.Run(ctx, op, cp.c.cfg.engine.Config(), jobs)
	return rep, rep.Err()
}

func runOne(ctx context.Context, cp *Campaign, op batch.Op[*job, Result], l Lead) (Result, error) {
	cfg := cp.c.cfg.engine.Config()
	cfg.Keep, cfg.OnProgress, cfg.OnOutcome = batch.KeepAll, nil, nil
	rep := batch.RunSlice(ctx, op, cfg, []*job{{lead: l}})
	o, ok := rep.Outcome(0)
	if !ok {
		return Result{}, rep.Err()
	}
	return o.Result, o.Err
}

// validator checks and encodes a lead before any request.
func (cp *Campaign) validator(endpoint string, kind opKind) func(*job) error {
	return func(j *job) error {
		if err := validateLead(&j.lead, &cp.target, kind, endpoint); err != nil {
			return err
		}
		j.body = encodeLead(nil, &j.lead, &cp.target)
		return nil
	}
}

// key is a lead's njExternalLeadId, kept on its outcome.
func key(j *job) string { return externalID(&j.lead) }

// oneOp is the one-lead-per-call operation on endpoint.
func (cp *Campaign) oneOp(endpoint string, kind opKind) batch.Op[*job, Result] {
	return batch.Op[*job, Result]{
		Name:     "noojee " + endpoint,
		MaxItems: 1,
		Key:      key,
		Validate: cp.validator(endpoint, kind),
		Send: func(ctx context.Context, chunk []*job) ([]batch.Result[Result], error) {
			j := chunk[0]
			resp, err := cp.c.post(ctx, endpoint, cp.query, j.body)
			if err != nil {
				return nil, cp.c.transportError(endpoint, err)
			}
			rs, err := cp.answer(endpoint, resp, chunk)
			if err != nil {
				if batch.StopsRun(err) {
					return nil, err // the apiKey was refused: stop the run
				}
				return []batch.Result[Result]{{Err: err}}, nil
			}
			return []batch.Result[Result]{{Value: rs[0].Value, Err: rs[0].Err}}, nil
		},
	}
}

// bulkOp is the insertLeadsFast operation.
func (cp *Campaign) bulkOp() batch.Op[*job, Result] {
	const endpoint = EndpointInsertLeadsFast
	return batch.Op[*job, Result]{
		Name:     "noojee " + endpoint,
		MaxItems: cp.c.cfg.batchSize,
		Key:      key,
		Validate: cp.validator(endpoint, kindInsert),
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []*job) ([]batch.Result[Result], error) {
			size := 2
			for _, j := range chunk {
				size += len(j.body) + 1
			}
			body := make([]byte, 0, size)
			body = append(body, '[')
			for i, j := range chunk {
				if i > 0 {
					body = append(body, ',')
				}
				body = append(body, j.body...)
			}
			body = append(body, ']')
			resp, err := cp.c.post(ctx, endpoint, cp.query, body)
			if err != nil {
				return nil, cp.c.transportError(endpoint, err)
			}
			return cp.answer(endpoint, resp, chunk)
		},
	}
}

// isolate says a refused bulk call should be halved: the code concerns
// one lead, and a refused call writes nothing.
func isolate(err error) bool {
	var e *Error
	return errors.As(err, &e) && !e.Local && e.Class() == ClassLead
}
