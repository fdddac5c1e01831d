package noojee

import (
	"context"
	"errors"
	"iter"
	"net/http"

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
// with a JSON array of up to WithBatchSize leads per call. The answer is
// Noojee's import summary ({"code":0,"message":"Imported N Updated N
// Rejected N leads. … Errors (If any): …"}): each rejected CSV row is
// placed back on its lead by the njExternalLeadId and phones it echoes,
// and that lead fails with the row's reason (ErrRejected). A lead that
// cannot be placed, or a summary whose counts do not add up to the leads
// sent, leaves the unplaced leads failed with ErrOutcomeUnknown, never
// succeeded and never sent again. A call refused with a code that concerns
// one lead (104, 105, 112, 102 …) is split in halves and sent again until
// the refused leads are named.
//
// Noojee's current documentation renames insertLeadsFast to the one-lead
// insertLeadFast. When insertLeadsFast answers HTTP 404, the client
// remembers it (for every later run too), logs it once at Warn level, and
// sends the same leads one per call to insertLeadFast: none is lost, none
// is sent twice. In the run that finds out, the one-lead calls made for a
// bulk chunk count in Report.Requests and Report.Retries as retries of
// that chunk's request.
func (cp *Campaign) InsertLeads(ctx context.Context, leads []Lead) (*batch.Report[Result], error) {
	return runSlice(ctx, cp, cp.insertOp(), leads)
}

// InsertLeadsSeq is InsertLeads over a stream of leads, read as it goes.
func (cp *Campaign) InsertLeadsSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[Result], error) {
	return runSeq(ctx, cp, cp.insertOp(), leads)
}

// insertOp is the bulk operation, or the one-lead insert once the client
// knows the server has no insertLeadsFast.
func (cp *Campaign) insertOp() batch.Op[*job, Result] {
	if cp.c.bulk.gone.Load() {
		return cp.oneOp(EndpointInsertLeadFast, kindInsert)
	}
	return cp.bulkOp()
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
			r, err := cp.sendOne(ctx, endpoint, chunk[0])
			if err != nil {
				return nil, err
			}
			return []batch.Result[Result]{r}, nil
		},
	}
}

// sendOne sends one lead to a one-lead endpoint. The error is a
// chunk-level one: the call failed in transport, or the apiKey was refused
// (it stops the run); every other failure is the lead's own result.
func (cp *Campaign) sendOne(ctx context.Context, endpoint string, j *job) (batch.Result[Result], error) {
	resp, err := cp.c.post(ctx, endpoint, cp.query, j.body)
	if err != nil {
		return batch.Result[Result]{}, cp.c.transportError(endpoint, err)
	}
	rs, err := cp.answer(endpoint, resp, []*job{j})
	if err != nil {
		if batch.StopsRun(err) {
			return batch.Result[Result]{}, err
		}
		return batch.Result[Result]{Err: err}, nil
	}
	return rs[0], nil
}

// bulkOp is the insertLeadsFast operation. Once the server has answered
// it with HTTP 404, its chunks go one lead per call to insertLeadFast
// (sendEach).
func (cp *Campaign) bulkOp() batch.Op[*job, Result] {
	const endpoint = EndpointInsertLeadsFast
	return batch.Op[*job, Result]{
		Name:     "noojee " + endpoint,
		MaxItems: cp.c.cfg.batchSize,
		Key:      key,
		Validate: cp.validator(endpoint, kindInsert),
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []*job) ([]batch.Result[Result], error) {
			if cp.c.bulk.gone.Load() {
				return cp.sendEach(ctx, chunk, false)
			}
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
			if resp.StatusCode == http.StatusNotFound {
				cp.c.noBulk()
				return cp.sendEach(ctx, chunk, true)
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
