package noojee

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// job is one lead on its way through the engine, with its body, encoded
// once by the validator and reused for every send.
type job struct {
	lead Lead
	body []byte
}

// key is a lead's njExternalLeadId, kept on its outcome.
func key(j *job) string { return externalID(&j.lead) }

// size is a lead's share of a bulk body: its object and a comma.
func size(j *job) int { return len(j.body) + 1 }

// validator checks and encodes a lead before any request, and refuses a
// lead too large to send and a njExternalLeadId already read in this call
// (seen is one per call).
func (cp *Campaign) validator(op string, kind opKind, seen *vendorkit.Seen) func(*job) error {
	return func(j *job) error {
		if err := validateLead(&j.lead, &cp.target, kind, op); err != nil {
			return err
		}
		j.body = encodeLead(nil, &j.lead, &cp.target)
		ext := externalID(&j.lead)
		if limit := cp.c.cfg.MaxRequestBytes; len(j.body)+2 > limit { // alone in a bulk call: [lead]
			return invalidLead(op, ext, "the lead's JSON body is "+strconv.Itoa(len(j.body))+" bytes, too large for the "+
				strconv.Itoa(limit)+"-byte request limit (WithMaxRequestBytes)")
		}
		if seen.Repeated(ext) {
			return localError(vendorkit.Duplicate, 0, op, ext, "njExternalLeadId is repeated within this call")
		}
		return nil
	}
}

// createOp is the bulk insert, or the one-lead insert once the client
// knows the server has no insertLeadsFast.
func (cp *Campaign) createOp() batch.Op[*job, Result] {
	if cp.c.bulk.gone.Load() {
		return cp.oneOp(opInsertLeadFast, kindInsert)
	}
	return cp.bulkOp()
}

// oneOp is the one-lead-per-call operation op.
func (cp *Campaign) oneOp(op string, kind opKind) batch.Op[*job, Result] {
	return batch.Op[*job, Result]{
		Name:     "noojee " + op,
		MaxItems: 1,
		Key:      key,
		Validate: cp.validator(op, kind, &vendorkit.Seen{}),
		MaxBytes: cp.c.cfg.MaxRequestBytes,
		Size:     size,
		Send: func(ctx context.Context, chunk []*job) ([]batch.Result[Result], error) {
			return cp.sendOne(ctx, op, chunk)
		},
	}
}

// sendOne sends the one lead of chunk to a one-lead operation and
// returns its one result. The error is a chunk-level one, for the engine
// to retry, stop the run or fail the lead: the call failed in transport or
// as a whole (busy, apiKey refused); a refusal of the lead is its own
// result.
func (cp *Campaign) sendOne(ctx context.Context, op string, chunk []*job) ([]batch.Result[Result], error) {
	resp, err := cp.c.post(ctx, op, cp.query, chunk[0].body)
	if err != nil {
		return nil, cp.c.transportError(op, err)
	}
	rs, err := cp.answer(op, resp, chunk[:1])
	if err != nil {
		if batch.StopsRun(err) || batch.IsRetryable(err) {
			return nil, err
		}
		return []batch.Result[Result]{{Err: err}}, nil
	}
	return rs, nil
}

// bulkOp is the insertLeadsFast operation. Once the server has answered
// it with HTTP 404, its chunks go one lead per call to insertLeadFast
// (sendEach).
func (cp *Campaign) bulkOp() batch.Op[*job, Result] {
	const op = opInsertLeadsFast
	return batch.Op[*job, Result]{
		Name:     "noojee " + op,
		MaxItems: cp.c.cfg.BatchSize,
		// n leads make a body of 2 + Σlen + (n-1) bytes (brackets and
		// commas); the engine sums Size = len+1, so the limit is one less.
		MaxBytes: cp.c.cfg.MaxRequestBytes - 1,
		Size:     size,
		Key:      key,
		Validate: cp.validator(op, kindInsert, &vendorkit.Seen{}),
		Isolate:  isolate,
		Send: func(ctx context.Context, chunk []*job) ([]batch.Result[Result], error) {
			if cp.c.bulk.gone.Load() {
				return cp.sendEach(ctx, chunk, false)
			}
			resp, err := cp.c.post(ctx, op, cp.query, bulkBody(chunk))
			if err != nil {
				return nil, cp.c.transportError(op, err)
			}
			if resp.StatusCode == http.StatusNotFound {
				cp.c.noBulk()
				return cp.sendEach(ctx, chunk, true)
			}
			return cp.answer(op, resp, chunk)
		},
	}
}

// bulkBody joins the chunk's encoded leads into one JSON array.
func bulkBody(chunk []*job) []byte {
	n := 2
	for _, j := range chunk {
		n += size(j)
	}
	body := make([]byte, 0, n)
	body = append(body, '[')
	for i, j := range chunk {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, j.body...)
	}
	return append(body, ']')
}

// isolate says a refused bulk call should be halved: the server refused
// it with a code that concerns one lead (not the call's ids, not a busy or
// failing server), and such a refusal wrote nothing.
func isolate(err error) bool {
	var e *Error
	return errors.As(err, &e) && !e.Local && e.Code != 0 && !isRequestCode(e.Code) &&
		!e.Retryable() && !e.StopRun() && e.Class != vendorkit.Unknown
}
