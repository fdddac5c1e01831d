package batch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// retry sends the records of c at the given positions back to the input
// side, each with its own not-before time: the server's wait when its error
// gives one, else the policy's backoff for the record's own attempt count.
// One answer that sends records back spends one retry from the budget. A
// record past its attempt limit fails with its error. A server wait longer
// than the policy allows has already stopped the run (honourWait, called
// on every answer before this), so such records end through the halted
// path.
func (e *engine[T, R]) retry(ctx context.Context, c *chunk[T], pos []int, errOf func(int) error) {
	if err := e.halted(ctx); err != nil {
		e.finishAt(c, pos, func(i int) (Status, error) { return haltedStatus(errOf(i)), errors.Join(err, errOf(i)) })
		return
	}
	if !e.cfg.RetryBudget.take() {
		e.finishAt(c, pos, func(i int) (Status, error) {
			return Failed, fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, errOf(i))
		})
		return
	}
	var (
		now     = time.Now()
		back    = make([]waiting[T], 0, len(pos))
		final   []Outcome[R]
		backoff = e.backoffs()
		longest time.Duration // the longest wait of a record sent back
	)
	for _, i := range pos {
		err, n := errOf(i), c.after(i)
		if n.attempts >= e.attemptLimit(err) {
			final = append(final, Outcome[R]{Index: c.index[i], Key: c.key(i), Status: Failed, Err: err, Attempts: n.sent})
			continue
		}
		wait := RetryAfterOf(err) // within MaxRetryAfter: honourWait stopped the run otherwise
		if wait <= 0 {
			wait = backoff(n.attempts)
		}
		longest = max(longest, wait)
		back = append(back, waiting[T]{value: c.values[i], index: c.index[i], key: c.key(i), size: c.size(i),
			before: n, notBefore: now.Add(wait), cause: err})
	}
	e.rec.record(final)
	if len(back) > 0 {
		e.log.Debug("batch: retrying", "op", e.op.Name, "records", len(back), "wait", longest, "err", back[0].cause)
		e.queue.push(back...)
		e.signal()
	}
}

// retryWhole sends an isolation half back to be sent again whole, after the
// server's wait or the policy's backoff (a wait too long has stopped the
// run, as for retry).
func (e *engine[T, R]) retryWhole(ctx context.Context, c *chunk[T], err error) {
	if h := e.halted(ctx); h != nil {
		e.finish(c, haltedStatus(err), errors.Join(h, err), true)
		return
	}
	if !e.cfg.RetryBudget.take() {
		e.finish(c, Failed, fmt.Errorf("%w: %w", ErrRetryBudgetExhausted, err), true)
		return
	}
	now := time.Now()
	wait := RetryAfterOf(err) // within MaxRetryAfter, and the run paused for it (honourWait)
	if wait <= 0 {
		wait = e.policy.Backoff(c.after(0).attempts)
	}
	e.log.Debug("batch: retrying isolated half", "op", e.op.Name, "records", c.len(), "wait", wait, "err", err)
	half := c.clone()
	half.retry = true
	e.queue.hold(heldChunk[T]{c: half, notBefore: now.Add(wait), cause: err})
	e.signal()
}

// finishAt records the records of c at pos, each with the status and error
// outcomeOf gives it, counting the send just made.
func (e *engine[T, R]) finishAt(c *chunk[T], pos []int, outcomeOf func(int) (Status, error)) {
	outs := make([]Outcome[R], len(pos))
	for n, i := range pos {
		status, err := outcomeOf(i)
		outs[n] = Outcome[R]{Index: c.index[i], Key: c.key(i), Status: status, Err: err, Attempts: c.after(i).sent}
	}
	e.rec.record(outs)
}

// backoffs returns the policy's backoff as a function of the attempt
// count that draws once per count: the records of one answer with the same
// history come due together and ride in the same chunk again.
func (e *engine[T, R]) backoffs() func(attempts int) time.Duration {
	drawn := map[int]time.Duration{}
	return func(attempts int) time.Duration {
		d, ok := drawn[attempts]
		if !ok {
			d = e.policy.Backoff(attempts)
			drawn[attempts] = d
		}
		return d
	}
}

// pause holds the run back until t, as a server asked: every worker waits
// it out before its next send, and so does every user of the limiter when
// it is a Pauser.
func (e *engine[T, R]) pause(t time.Time, cause error) {
	e.gate.extend(t)
	if e.pauser != nil {
		e.pauser.PauseUntil(t)
	}
	e.log.Debug("batch: server asked for a pause", "op", e.op.Name, "until", t, "err", cause)
}

// tooLong is the error of a server wait beyond the policy's MaxRetryAfter.
func (e *engine[T, R]) tooLong(wait time.Duration, cause error) error {
	return fmt.Errorf("%w (asked %v, limit %v): %w", ErrRetryAfterTooLong, wait, e.policy.MaxRetryAfter, cause)
}
