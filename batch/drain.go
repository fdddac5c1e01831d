package batch

import (
	"context"
	"errors"
	"time"
)

// drain runs once the input is read (or the run has halted): it sends the
// records still waiting for a retry, and returns when nothing waits and no
// chunk is in flight.
//
// Waiting records are packed into chunks as they come due. A full chunk
// goes at once. A partial one goes when nothing else can join it (every
// waiting record is due and no chunk is in flight to add more), or once its
// earliest record has been due for the policy's BaseDelay: a short wait
// that turns many small retry requests into few full ones, and never holds
// a worker. Isolation halves go whole as they come due.
func (e *engine[T, R]) drain(ctx context.Context, k *cutter[T, R]) {
	linger := e.policy.BaseDelay
	for {
		if err := e.halted(ctx); err != nil {
			e.halt.Store(true)
			e.dropWaiting(err)
			if e.inFlight.Load() == 0 && e.queue.empty() {
				return
			}
			<-e.wake
			continue
		}
		now := time.Now()
		// inFlight before the queue: a worker queues its retries before it
		// leaves the in-flight count, so a zero read first means the queue
		// read after it holds every retry. The other order can miss a retry
		// queued between the two reads and end the run without it.
		inFlight := e.inFlight.Load()
		st := e.queue.state(now, e.maxItems)
		if st.records == 0 && st.held == 0 && inFlight == 0 {
			return
		}
		earliestDue := st.earliest.Add(linger)
		if st.ready > 0 && (st.ready >= e.maxItems ||
			(st.ready == st.records && inFlight == 0) ||
			!now.Before(earliestDue)) {
			k.takeRetries(now, e.maxItems)
			k.flush()
			continue
		}
		if c, ok := e.queue.readyHeld(now); ok {
			k.send(c)
			continue
		}
		next := st.next
		if st.ready > 0 && (next.IsZero() || earliestDue.Before(next)) {
			next = earliestDue
		}
		e.sleepForWork(next)
	}
}

// haltedStatus is the final state of a record waiting to be sent again
// when the run halts: not attempted, unless its last send may have written
// it (its error matches ErrOutcomeUnknown, as a 5xx on an idempotent
// upsert does), in which case it failed: NotAttempted promises it was
// never written.
func haltedStatus(cause error) Status {
	if errors.Is(cause, ErrOutcomeUnknown) {
		return Failed
	}
	return NotAttempted
}

// sleepForWork waits until next (if not zero), a signal from a worker, or
// the end of the run's waits.
func (e *engine[T, R]) sleepForWork(next time.Time) {
	var due <-chan time.Time
	if !next.IsZero() {
		t := time.NewTimer(time.Until(next))
		defer t.Stop()
		due = t.C
	}
	select {
	case <-e.wake:
	case <-due:
	case <-e.waitCtx.Done():
	}
}

// dropWaiting reports every record still waiting for a retry not
// attempted (or failed, when its last failure may have written it): err
// (why the run halted) joined to the record's last failure.
func (e *engine[T, R]) dropWaiting(err error) {
	records, held := e.queue.drain()
	if len(records) > 0 {
		outs := make([]Outcome[R], len(records))
		for i, w := range records {
			outs[i] = Outcome[R]{Index: w.index, Key: w.key, Status: haltedStatus(w.cause), Err: errors.Join(err, w.cause), Attempts: w.before.sent}
		}
		e.rec.record(outs)
	}
	for _, h := range held {
		e.finish(h.c, haltedStatus(h.cause), errors.Join(err, h.cause), false)
	}
}
