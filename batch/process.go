package batch

import (
	"context"
	"fmt"
	"time"
)

// finish records every record of c with the same status and error. sentNow
// says whether c was just sent (the send counts in Outcome.Attempts).
func (e *engine[T, R]) finish(c *chunk[T], status Status, err error, sentNow bool) {
	outs := make([]Outcome[R], c.len())
	for i := range outs {
		n := c.before(i)
		if sentNow {
			n = c.after(i)
		}
		outs[i] = Outcome[R]{Index: c.index[i], Key: c.key(i), Status: status, Err: err, Attempts: n.sent}
	}
	e.rec.record(outs)
}

// process sends one chunk once and settles every record of it: final
// outcomes go to the recorder, records to retry go back to the queue, a
// chunk rejected as a whole may be isolated by halving, and a run-stopping
// error stops the run. It never sleeps on the chunk except for the run's
// gate and the limiter, which hold back every worker alike.
func (e *engine[T, R]) process(ctx context.Context, w *worker[T, R], c *chunk[T]) {
	release, err := e.beforeSend(ctx)
	if err != nil {
		if StopsRun(err) {
			// The limiter asks to end the run (a shared limiter that lost
			// its store, a spent quota): nothing more may be sent.
			e.log.Debug("batch: run stopped by the limiter", "op", e.op.Name, "err", err)
			e.stop(err)
		}
		e.finish(c, NotAttempted, err, false)
		return
	}
	e.rec.request(c.retry)
	if e.cfg.OnSend != nil {
		e.cfg.OnSend(c.index)
	}
	results, err := e.send(w, c, release)
	if w.transport.Load() != 0 {
		e.rec.transportRetries(int(w.transport.Swap(0)))
	}
	if err == nil && len(results) != c.len() {
		// The server answered, so it may have written the records: the
		// answer cannot say which.
		err = fmt.Errorf("%w: %w: %d results for %d records", ErrOutcomeUnknown, ErrResultCount, len(results), c.len())
	}
	if err != nil {
		e.chunkFailed(ctx, w, c, err)
		return
	}
	e.cfg.RetryBudget.succeeded()
	e.settle(ctx, w, c, results)
}

// send calls the operation's Send once and gives the limiter's slot back
// however Send returns. A panic in Send (a decoder bug meeting a hostile
// answer, say) becomes the chunk's error instead of ending the process:
// the request may have gone out, so the error matches ErrOutcomeUnknown
// and the records fail without being sent again.
func (e *engine[T, R]) send(w *worker[T, R], c *chunk[T], release func()) (results []Result[R], err error) {
	if release != nil {
		defer release()
	}
	defer func() {
		if p := recover(); p != nil {
			results, err = nil, fmt.Errorf("%w: %s: Send panicked: %v", ErrOutcomeUnknown, e.op.Name, p)
		}
	}()
	return e.op.Send(w.sendCtx, c.values)
}

// honourWait acts on the longest wait a server asked for in one answer,
// whether or not the records it concerns will be sent again: the server's
// limit holds for every request. Within the policy's MaxRetryAfter it
// holds the run back (and a Pauser limiter); beyond it, it stops the run,
// as RetryPolicy.MaxRetryAfter says.
func (e *engine[T, R]) honourWait(wait time.Duration, cause error) {
	switch {
	case wait > e.policy.MaxRetryAfter:
		e.stop(e.tooLong(wait, cause))
	case wait > 0:
		e.pause(time.Now().Add(wait), cause)
	}
}

// beforeSend waits for the run's gate (a server-requested wait), the
// limiter and a slot, and returns the slot's release (nil when the limiter
// bounds no slots). The gate is checked
// again after the limiter, which may have made the worker wait past a new
// server request.
func (e *engine[T, R]) beforeSend(ctx context.Context) (release func(), err error) {
	for {
		if err := e.waitGate(ctx); err != nil {
			return nil, err
		}
		if e.cfg.Limiter != nil {
			if err := e.cfg.Limiter.Wait(e.waitCtx); err != nil {
				return nil, e.waitErr(ctx, err)
			}
		}
		if e.slots == nil {
			// No slot to hold while the gate is checked again.
			if err := e.halted(ctx); err != nil {
				return nil, err
			}
			if !e.gateClosed() {
				return nil, nil
			}
			continue
		}
		release, err := e.slots.Acquire(e.waitCtx)
		if err != nil {
			return nil, e.waitErr(ctx, err)
		}
		if err := e.halted(ctx); err != nil {
			release()
			return nil, err
		}
		if !e.gateClosed() {
			return release, nil
		}
		release()
	}
}

// gateClosed reports whether the run's gate is closed now.
func (e *engine[T, R]) gateClosed() bool {
	_, closed := e.gate.closedUntil()
	return closed
}

// waitGate waits until the run's gate is open.
func (e *engine[T, R]) waitGate(ctx context.Context) error {
	for {
		until, closed := e.gate.closedUntil()
		if !closed {
			return e.halted(ctx)
		}
		if err := sleepUntil(e.waitCtx, until, e.stopped); err != nil {
			return e.waitErr(ctx, err)
		}
	}
}

// settle gives each record of a chunk that got an answer its final state,
// or sends it back to be retried.
func (e *engine[T, R]) settle(ctx context.Context, w *worker[T, R], c *chunk[T], results []Result[R]) {
	if c.past == nil && (e.rec.direct || !e.rec.wantSuccesses) && allSucceeded(results) {
		// The common case, in one pass: every record went in on its first
		// send, and no Outcome need be built.
		if e.rec.direct {
			e.rec.all.successes().putFirstSends(c.index, c.keys, results)
		}
		e.rec.recordWithSuccesses(nil, len(results))
		return
	}
	var (
		outs      = w.outs[:0]
		again     []int // positions of the records to send again
		succeeded int   // successes not passed as an Outcome
		direct    = e.rec.direct
		want      = e.rec.wantSuccesses
		store     successWriter[R]
		wait      time.Duration // the longest wait a record's error asks for
		waitBy    error
	)
	if direct {
		store = e.rec.all.successes()
	}
	for i := range results {
		r := &results[i]
		if r.Err == nil {
			sent := int32(1)
			if c.past != nil {
				sent = c.past[i].sent + 1
			}
			switch {
			case direct && store.put(c.index[i], c.key(i), r.Value, sent):
				succeeded++
			case want:
				outs = append(outs, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: Succeeded, Result: r.Value, Attempts: sent})
			default:
				succeeded++
			}
			continue
		}
		if d := RetryAfterOf(r.Err); d > wait {
			wait, waitBy = d, r.Err
		}
		n := c.after(i)
		if StopsRun(r.Err) {
			// A record refused for the whole run (a spent quota): the run
			// ends, and this record was not written.
			e.stop(r.Err)
			outs = append(outs, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: NotAttempted, Result: r.Value, Err: r.Err, Attempts: n.sent})
			continue
		}
		if IsRetryable(r.Err) && n.attempts < e.attemptLimit(r.Err) {
			again = append(again, i)
			continue
		}
		outs = append(outs, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: Failed, Result: r.Value, Err: r.Err, Attempts: n.sent})
	}
	e.honourWait(wait, waitBy)
	e.rec.recordWithSuccesses(outs, succeeded)
	clear(outs)
	w.outs = outs
	if len(again) > 0 {
		e.retry(ctx, c, again, func(i int) error { return results[i].Err })
	}
}

// allSucceeded reports whether no result holds an error.
func allSucceeded[R any](results []Result[R]) bool {
	for i := range results {
		if results[i].Err != nil {
			return false
		}
	}
	return true
}

// attemptLimit is how many times a record may be sent when err is the
// reason to send it again: the error's own MaxAttempts when it has one,
// else the policy's.
func (e *engine[T, R]) attemptLimit(err error) int {
	if n := MaxAttemptsOf(err); n > 0 {
		return n
	}
	return e.policy.MaxAttempts
}

// chunkFailed decides what becomes of a chunk whose send failed as a whole.
func (e *engine[T, R]) chunkFailed(ctx context.Context, w *worker[T, R], c *chunk[T], err error) {
	e.honourWait(RetryAfterOf(err), err)
	switch {
	case StopsRun(err):
		e.log.Debug("batch: run stopped", "op", e.op.Name, "err", err)
		e.stop(err)
		e.finish(c, NotAttempted, err, true)
	case ctx.Err() != nil:
		// The chunk was in flight when the context ended: the server may
		// have written it.
		e.finish(c, Failed, &inFlightError{ctxErr: ctx.Err(), sendErr: err}, true)
	case IsRetryable(err) && e.anyUnderLimit(c, err):
		if c.isolated {
			e.retryWhole(ctx, c, err)
		} else {
			e.retry(ctx, c, positions(c.len()), func(int) error { return err })
		}
	case c.len() > 1 && e.op.Isolate != nil && e.op.Isolate(err):
		e.log.Debug("batch: isolating rejected chunk", "op", e.op.Name, "records", c.len(), "err", err)
		first, second := c.halves()
		e.process(ctx, w, first)
		e.process(ctx, w, second)
	default:
		e.finish(c, Failed, err, true)
	}
}

// anyUnderLimit reports whether some record of c may be sent again after
// failing with err.
func (e *engine[T, R]) anyUnderLimit(c *chunk[T], err error) bool {
	limit := e.attemptLimit(err)
	for i := range c.len() {
		if c.after(i).attempts < limit {
			return true
		}
	}
	return false
}

// positions returns 0..n-1.
func positions(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
