package noojee

import (
	"context"
	"log/slog"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// noBulk records that the server has no insertLeadsFast (it answered HTTP
// 404), so that this client sends leads one per call to insertLeadFast from
// now on, and says so in the log once per client.
func (c *Client) noBulk() {
	c.bulk.gone.Store(true)
	c.bulk.logged.Do(func() {
		if l := c.cfg.Engine.Logger; l != nil {
			l.Warn("noojee: the server answered HTTP 404 for the bulk "+opInsertLeadsFast+
				" (Noojee's documentation renames it to the one-lead "+opInsertLeadFast+
				"); this client now sends leads one per call to "+opInsertLeadFast,
				slog.String("op", opInsertLeadsFast), slog.String("fallback", opInsertLeadFast))
		}
	})
}

// sendEach sends the leads of a bulk chunk one per call to insertLeadFast,
// in order, and returns one result per lead. Every call after the first
// waits on the client's limiter, since the engine waited once for the
// chunk; when the chunk's own request already went to insertLeadsFast
// (afterBulk), the first call waits too. Each extra call counts as one
// more request of the chunk (batch.AddTransportRetries).
//
// A lead whose call failed as a whole (busy, unavailable) keeps that
// error, which the engine may retry for that lead alone. A lead not sent
// because the context ended or the run must stop gets a retryable
// Unavailable error: nothing of it was written, and its retry either ends
// not attempted (the context is done) or stops the run at its first call.
func (cp *Campaign) sendEach(ctx context.Context, chunk []*job, afterBulk bool) ([]batch.Result[Result], error) {
	out := make([]batch.Result[Result], len(chunk))
	lim := cp.c.cfg.Engine.Limiter
	var stop error
	for i, j := range chunk {
		extra := i > 0 || afterBulk
		if stop == nil {
			stop = ctx.Err()
		}
		if stop == nil && extra && lim != nil {
			stop = lim.Wait(ctx)
		}
		if stop != nil {
			out[i].Err = unsent(j, stop)
			continue
		}
		if extra {
			batch.AddTransportRetries(ctx, 1)
		}
		rs, err := cp.sendOne(ctx, opInsertLeadFast, chunk[i:i+1])
		switch {
		case err == nil:
			out[i] = rs[0]
		case batch.StopsRun(err) && i == 0:
			return nil, err // nothing of this chunk was written: stop the run
		case batch.StopsRun(err):
			stop = err
			out[i].Err = unsent(j, err) // refused as a whole: nothing of it was written
		default:
			out[i].Err = err
		}
	}
	return out, nil
}

// unsent is the error of a lead of a bulk chunk that the fallback did not
// get in because of cause, with nothing of it written: retryable, so the
// engine sends it again or, the run stopping, reports it not attempted.
func unsent(j *job, cause error) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: opInsertLeadFast,
		Message: "lead not sent", Class: vendorkit.Unavailable, Err: cause}, ExternalID: key(j)}
}
