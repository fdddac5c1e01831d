package noojee

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/crmbatch/crmbatch/batch"
)

// noBulk records that the server has no insertLeadsFast (it answered HTTP
// 404), so that this client sends leads one per call to insertLeadFast from
// now on, and says so in the log once per client.
func (c *Client) noBulk() {
	c.bulk.gone.Store(true)
	c.bulk.logged.Do(func() {
		if l := c.cfg.engine.Logger; l != nil {
			l.Warn("noojee: the server answered HTTP 404 for the bulk "+EndpointInsertLeadsFast+
				" (Noojee's documentation renames it to the one-lead "+EndpointInsertLeadFast+
				"); this client now sends leads one per call to "+EndpointInsertLeadFast,
				slog.String("endpoint", EndpointInsertLeadsFast), slog.String("fallback", EndpointInsertLeadFast))
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
// A lead that was not sent because the context ended or the apiKey was
// refused at an earlier lead gets an errUnsent, which the engine may send
// again: it is retryable, and the retry either ends not attempted (the
// context is done) or, on a refused apiKey, stops the run at its first
// call with nothing written.
func (cp *Campaign) sendEach(ctx context.Context, chunk []*job, afterBulk bool) ([]batch.Result[Result], error) {
	out := make([]batch.Result[Result], len(chunk))
	lim := cp.c.cfg.engine.Limiter
	var stop error
	for i, j := range chunk {
		if stop == nil {
			stop = ctx.Err()
		}
		if stop == nil && (i > 0 || afterBulk) && lim != nil {
			stop = lim.Wait(ctx)
		}
		if stop != nil {
			out[i].Err = &errUnsent{cause: stop}
			continue
		}
		if i > 0 || afterBulk {
			batch.AddTransportRetries(ctx, 1)
		}
		r, err := cp.sendOne(ctx, EndpointInsertLeadFast, j)
		switch {
		case err == nil:
			out[i] = r
		case batch.StopsRun(err) && i == 0:
			return nil, err // nothing of this chunk was written: stop the run
		case batch.StopsRun(err):
			stop = err
			out[i].Err = &errUnsent{cause: err}
		default:
			out[i].Err = err
		}
	}
	return out, nil
}

// errUnsent is the result of a lead of a bulk chunk that the per-lead
// fallback did not send. It is retryable: nothing of it was written.
type errUnsent struct{ cause error }

// Error implements error.
func (e *errUnsent) Error() string {
	return fmt.Sprintf("noojee %s: lead not sent: %v", EndpointInsertLeadFast, e.cause)
}

// Unwrap returns the reason the lead was not sent.
func (e *errUnsent) Unwrap() error { return e.cause }

// Retryable reports true: the lead was not sent, so sending it is safe.
func (e *errUnsent) Retryable() bool { return true }
