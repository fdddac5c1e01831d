package batch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// notAttempted records every item as not attempted with err.
func (e *engine[T, R]) notAttempted(items []item[T], err error) {
	e.finish(items, NotAttempted, err)
}

// finish records every item with the same status and error.
func (e *engine[T, R]) finish(items []item[T], status Status, err error) {
	outs := make([]Outcome[R], len(items))
	for i, it := range items {
		outs[i] = Outcome[R]{Index: it.index, Key: it.key, Status: status, Err: err, Attempts: it.sent}
	}
	e.rec.record(outs)
}

// process sends one chunk until every record of it has a final state:
// retrying the chunk or its retryable records, isolating it by halving
// where the operation allows, or stopping the run.
func (e *engine[T, R]) process(ctx context.Context, w *worker[T, R], pending []item[T]) {
	retry := false // the next send is a retry
	for len(pending) > 0 {
		if err := e.halted(ctx); err != nil {
			e.notAttempted(pending, err)
			return
		}
		if e.cfg.Limiter != nil {
			if err := e.cfg.Limiter.Wait(ctx); err != nil {
				e.notAttempted(pending, err)
				return
			}
		}
		w.values = w.values[:0]
		for i := range pending {
			w.values = append(w.values, pending[i].value)
			pending[i].attempts++
			pending[i].sent++
		}
		e.rec.request(retry)
		results, err := e.op.Send(w.sendCtx, w.values)
		e.rec.transportRetries(int(w.transport.Swap(0)))
		clear(w.values)
		if err == nil && len(results) != len(pending) {
			err = fmt.Errorf("%w: %d results for %d records", ErrResultCount, len(results), len(pending))
		}
		if err != nil {
			next, again := e.chunkFailed(ctx, w, pending, err)
			if !again {
				return
			}
			pending, retry = next, true
			continue
		}
		e.cfg.RetryBudget.succeeded()
		var (
			outs  = w.outs[:0]
			again []item[T]
			wait  time.Duration
			cause error
		)
		succeeded := 0 // successes not given an Outcome (nobody would read it)
		for i, it := range pending {
			r := results[i]
			switch {
			case r.Err == nil && !e.rec.wantSuccesses:
				succeeded++
			case r.Err == nil:
				outs = append(outs, Outcome[R]{Index: it.index, Key: it.key, Status: Succeeded, Result: r.Value, Attempts: it.sent})
			case IsRetryable(r.Err) && it.attempts < e.attemptLimit(r.Err):
				again = append(again, it)
				wait = max(wait, RetryAfterOf(r.Err))
				cause = r.Err
			default:
				outs = append(outs, Outcome[R]{Index: it.index, Key: it.key, Status: Failed, Result: r.Value, Err: r.Err, Attempts: it.sent})
			}
		}
		e.rec.recordWithSuccesses(outs, succeeded)
		clear(outs)
		w.outs = outs
		if len(again) == 0 {
			return
		}
		if !e.wait(ctx, again, again[0].attempts, wait, cause) {
			return
		}
		pending, retry = again, true
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
// It returns the records to send again, or false when every record of the
// chunk has been given its final state.
func (e *engine[T, R]) chunkFailed(ctx context.Context, w *worker[T, R], pending []item[T], err error) ([]item[T], bool) {
	switch {
	case StopsRun(err):
		e.log.Debug("batch: run stopped", "op", e.op.Name, "err", err)
		e.stop(err)
		e.notAttempted(pending, err)
		return nil, false
	case ctx.Err() != nil:
		// The chunk was in flight when the context ended; what the server
		// did with it is not known, so it is failed with the context error.
		e.finish(pending, Failed, fmt.Errorf("%w (request was in flight: %w)", ctx.Err(), err))
		return nil, false
	case IsRetryable(err) && pending[0].attempts < e.attemptLimit(err):
		if !e.wait(ctx, pending, pending[0].attempts, RetryAfterOf(err), err) {
			return nil, false
		}
		return pending, true
	case len(pending) > 1 && e.op.Isolate != nil && e.op.Isolate(err):
		half := len(pending) / 2
		e.log.Debug("batch: isolating rejected chunk", "op", e.op.Name, "records", len(pending), "err", err)
		first, second := pending[:half:half], pending[half:]
		for _, part := range [][]item[T]{first, second} {
			for i := range part {
				part[i].attempts = 0
			}
			e.process(ctx, w, part)
		}
		return nil, false
	default:
		e.finish(pending, Failed, err)
		return nil, false
	}
}

// wait sleeps before retry number n of items: the server's wait when it gave
// one, else the policy's backoff. It returns false, having given the items
// their final state, when the retry budget is spent (failed), the wait is
// longer than the policy allows or the context ends first (not attempted).
func (e *engine[T, R]) wait(ctx context.Context, items []item[T], n int, serverWait time.Duration, cause error) bool {
	if !e.cfg.RetryBudget.take() {
		e.finish(items, Failed, fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, cause))
		return false
	}
	d := serverWait
	if d > e.policy.MaxRetryAfter {
		e.notAttempted(items, fmt.Errorf("%w (asked %v, limit %v): %w", ErrRetryAfterTooLong, d, e.policy.MaxRetryAfter, cause))
		return false
	}
	if d <= 0 {
		d = e.policy.Backoff(n)
	}
	e.log.Debug("batch: retrying", "op", e.op.Name, "records", len(items), "attempt", n+1, "wait", d, "err", cause)
	if err := sleep(ctx, d); err != nil {
		e.notAttempted(items, errors.Join(err, cause))
		return false
	}
	return true
}
