package batch

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// item is one input record on its way through the engine.
type item[T any] struct {
	index    int
	key      string
	value    T
	attempts int // sends counted against the retry budget (reset for isolated halves)
	sent     int // every send, for Outcome.Attempts
}

// RunSlice runs op over every record of in. The report is preallocated, and
// progress reports know the total from the start.
func RunSlice[T, R any](ctx context.Context, op Op[T, R], cfg Config, in []T) *Report[R] {
	return run(ctx, op, cfg, func(yield func(T) bool) {
		for _, v := range in {
			if !yield(v) {
				return
			}
		}
	}, len(in))
}

// Run runs op over every record of seq, reading it as it goes: memory stays
// bounded by Concurrency × chunk size (plus the outcomes the report keeps,
// see Config.Keep). Once the context ends or the run is stopped, the rest of
// seq is still read, and each record is reported not attempted, so the
// report accounts for the whole input.
func Run[T, R any](ctx context.Context, op Op[T, R], cfg Config, seq iter.Seq[T]) *Report[R] {
	return run(ctx, op, cfg, seq, -1)
}

// engine holds one run's shared state.
type engine[T, R any] struct {
	op     Op[T, R]
	cfg    Config
	policy RetryPolicy
	rec    *recorder[R]
	log    *slog.Logger

	stopOnce sync.Once
	stopped  chan struct{}
	stopErr  error

	free chan []item[T] // chunk buffers handed back by the workers for reuse
}

// worker holds one worker's reusable buffers.
type worker[T, R any] struct {
	values []T
	outs   []Outcome[R]
	// transport counts the HTTP retries made under Send (AddTransportRetries).
	transport atomic.Int64
	// sendCtx is the run's context carrying transport, made once.
	sendCtx context.Context
}

// newWorker returns a worker whose Send context carries its counter.
func newWorker[T, R any](ctx context.Context) *worker[T, R] {
	w := &worker[T, R]{}
	w.sendCtx = withTransportCounter(ctx, &w.transport)
	return w
}

func run[T, R any](ctx context.Context, op Op[T, R], cfg Config, seq iter.Seq[T], total int) *Report[R] {
	rep := &Report[R]{Op: op.Name}
	if total >= 0 && cfg.Keep == KeepAll {
		rep.Outcomes = make([]Outcome[R], 0, total)
	}
	e := &engine[T, R]{
		op: op, cfg: cfg, policy: cfg.Retry.withDefaults(),
		rec: &recorder[R]{rep: rep, cfg: &cfg, totalKnown: total >= 0, start: time.Now(),
			wantSuccesses: cfg.Keep == KeepAll || cfg.OnOutcome != nil},
		log:     cfg.Logger,
		stopped: make(chan struct{}),
	}
	if total >= 0 {
		rep.Total = total
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	workers := max(cfg.Concurrency, 1)
	e.free = make(chan []item[T], 2*workers+1)
	if workers == 1 {
		// One chunk at a time: send it from the reading goroutine, with no
		// hand-off between goroutines.
		w := newWorker[T, R](ctx)
		e.produce(ctx, seq, func(chunk []item[T]) { e.work(ctx, w, chunk) }, total < 0)
		return e.rec.finish()
	}
	work := make(chan []item[T], workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := newWorker[T, R](ctx)
			for chunk := range work {
				e.work(ctx, w, chunk)
			}
		})
	}
	e.produce(ctx, seq, func(chunk []item[T]) {
		select {
		case work <- chunk:
		case <-ctx.Done():
			e.notAttempted(chunk, ctx.Err())
		case <-e.stopped:
			e.notAttempted(chunk, e.stopErr)
		}
	}, total < 0)
	close(work)
	wg.Wait()
	return e.rec.finish()
}

// work processes one chunk and hands its buffer back for reuse.
func (e *engine[T, R]) work(ctx context.Context, w *worker[T, R], chunk []item[T]) {
	e.process(ctx, w, chunk)
	clear(chunk) // drop references to the records
	select {
	case e.free <- chunk[:0]:
	default:
	}
}

// stop ends the run with err: nothing more is sent.
func (e *engine[T, R]) stop(err error) {
	e.stopOnce.Do(func() {
		e.stopErr = err
		close(e.stopped)
	})
}

// halted returns the reason nothing more may be sent, or nil.
func (e *engine[T, R]) halted(ctx context.Context) error {
	select {
	case <-e.stopped:
		return e.stopErr
	default:
		return ctx.Err()
	}
}

// produce reads the input, applies the client-side checks, cuts chunks and
// passes each to dispatch.
func (e *engine[T, R]) produce(ctx context.Context, seq iter.Seq[T], dispatch func([]item[T]), countTotal bool) {
	maxItems := max(e.op.MaxItems, 1)
	var (
		chunk []item[T]
		bytes int
		keys  map[string]struct{}
	)
	if e.op.UniqueKeys {
		keys = make(map[string]struct{}, maxItems)
	}
	flush := func() {
		if len(chunk) == 0 {
			return
		}
		c := chunk
		chunk, bytes = e.newChunk(maxItems), 0
		clear(keys)
		if err := e.halted(ctx); err != nil {
			e.notAttempted(c, err)
			return
		}
		dispatch(c)
	}
	chunk = e.newChunk(maxItems)
	index := 0
	for v := range seq {
		it := item[T]{index: index, value: v}
		index++
		if countTotal {
			e.rec.read()
		}
		if e.op.Key != nil {
			it.key = e.op.Key(v)
		}
		if e.op.Validate != nil {
			if err := e.op.Validate(v); err != nil {
				e.rec.record([]Outcome[R]{{Index: it.index, Key: it.key, Status: Failed, Err: err}})
				continue
			}
		}
		size := 0
		if e.op.MaxBytes > 0 && e.op.Size != nil {
			size = e.op.Size(v)
			if size > e.op.MaxBytes {
				e.rec.record([]Outcome[R]{{Index: it.index, Key: it.key, Status: Failed, Err: &TooLargeError{Size: size, Limit: e.op.MaxBytes}}})
				continue
			}
			if bytes+size > e.op.MaxBytes {
				flush()
			}
		}
		if keys != nil {
			if _, dup := keys[it.key]; dup {
				flush()
			}
			keys[it.key] = struct{}{}
		}
		chunk = append(chunk, it)
		bytes += size
		if len(chunk) == maxItems {
			flush()
		}
	}
	flush()
}

// newChunk returns an empty chunk buffer, reusing a finished one if any.
func (e *engine[T, R]) newChunk(size int) []item[T] {
	select {
	case c := <-e.free:
		return c
	default:
		return make([]item[T], 0, size)
	}
}

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
