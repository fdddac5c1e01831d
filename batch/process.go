package batch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// notAttempted records every record of c as not attempted with err.
func (e *engine[T, R]) notAttempted(c *chunk[T], err error) {
	e.finish(c, NotAttempted, err)
}

// finish records every record of c with the same status and error.
func (e *engine[T, R]) finish(c *chunk[T], status Status, err error) {
	outs := make([]Outcome[R], c.len())
	for i := range outs {
		outs[i] = Outcome[R]{Index: c.index[i], Key: c.key(i), Status: status, Err: err, Attempts: c.sent}
	}
	e.rec.record(outs)
}

// process sends one chunk until every record of it has a final state:
// retrying the chunk or its retryable records, isolating it by halving
// where the operation allows, or stopping the run.
func (e *engine[T, R]) process(ctx context.Context, w *worker[T, R], c *chunk[T]) {
	retry := false // the next send is a retry
	for c.len() > 0 {
		if err := e.halted(ctx); err != nil {
			e.notAttempted(c, err)
			return
		}
		if e.cfg.Limiter != nil {
			if err := e.cfg.Limiter.Wait(ctx); err != nil {
				e.notAttempted(c, err)
				return
			}
		}
		c.attempts++
		c.sent++
		e.rec.request(retry)
		results, err := e.op.Send(w.sendCtx, c.values)
		if w.transport.Load() != 0 {
			e.rec.transportRetries(int(w.transport.Swap(0)))
		}
		if err == nil && len(results) != c.len() {
			err = fmt.Errorf("%w: %d results for %d records", ErrResultCount, len(results), c.len())
		}
		if err != nil {
			next, again := e.chunkFailed(ctx, w, c, err)
			if !again {
				return
			}
			c, retry = next, true
			continue
		}
		e.cfg.RetryBudget.succeeded()
		var (
			outs  = w.outs[:0]
			again []int // positions of the records to send again
			wait  time.Duration
			cause error
		)
		succeeded := 0 // successes not given an Outcome (nobody would read it)
		wantSuccesses := e.rec.wantSuccesses
		for i := range results {
			r := &results[i]
			switch {
			case r.Err == nil && !wantSuccesses:
				succeeded++
			case r.Err == nil:
				outs = append(outs, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: Succeeded, Result: r.Value, Attempts: c.sent})
			case IsRetryable(r.Err) && c.attempts < e.attemptLimit(r.Err):
				again = append(again, i)
				wait = max(wait, RetryAfterOf(r.Err))
				cause = r.Err
			default:
				outs = append(outs, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: Failed, Result: r.Value, Err: r.Err, Attempts: c.sent})
			}
		}
		e.rec.recordWithSuccesses(outs, succeeded)
		clear(outs)
		w.outs = outs
		if len(again) == 0 {
			return
		}
		next := c.subset(again)
		if !e.wait(ctx, next, wait, cause) {
			return
		}
		c, retry = next, true
	}
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
// It returns the chunk to send again, or false when every record of it has
// been given its final state.
func (e *engine[T, R]) chunkFailed(ctx context.Context, w *worker[T, R], c *chunk[T], err error) (*chunk[T], bool) {
	switch {
	case StopsRun(err):
		e.log.Debug("batch: run stopped", "op", e.op.Name, "err", err)
		e.stop(err)
		e.notAttempted(c, err)
		return nil, false
	case ctx.Err() != nil:
		// The chunk was in flight when the context ended; what the server
		// did with it is not known, so it is failed with the context error.
		e.finish(c, Failed, fmt.Errorf("%w (request was in flight: %w)", ctx.Err(), err))
		return nil, false
	case IsRetryable(err) && c.attempts < e.attemptLimit(err):
		if !e.wait(ctx, c, RetryAfterOf(err), err) {
			return nil, false
		}
		return c, true
	case c.len() > 1 && e.op.Isolate != nil && e.op.Isolate(err):
		e.log.Debug("batch: isolating rejected chunk", "op", e.op.Name, "records", c.len(), "err", err)
		first, second := c.halves()
		e.process(ctx, w, first)
		e.process(ctx, w, second)
		return nil, false
	default:
		e.finish(c, Failed, err)
		return nil, false
	}
}

// wait sleeps before sending c again (its retry number c.attempts): the
// server's wait when it gave one, else the policy's backoff. It returns
// false, having given the records their final state, when the retry budget
// is spent (failed), the wait is longer than the policy allows or the
// context ends first (not attempted).
func (e *engine[T, R]) wait(ctx context.Context, c *chunk[T], serverWait time.Duration, cause error) bool {
	if !e.cfg.RetryBudget.take() {
		e.finish(c, Failed, fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, cause))
		return false
	}
	d := serverWait
	if d > e.policy.MaxRetryAfter {
		e.notAttempted(c, fmt.Errorf("%w (asked %v, limit %v): %w", ErrRetryAfterTooLong, d, e.policy.MaxRetryAfter, cause))
		return false
	}
	if d <= 0 {
		d = e.policy.Backoff(c.attempts)
	}
	e.log.Debug("batch: retrying", "op", e.op.Name, "records", c.len(), "attempt", c.attempts+1, "wait", d, "err", cause)
	if err := sleep(ctx, d); err != nil {
		e.notAttempted(c, errors.Join(err, cause))
		return false
	}
	return true
}
