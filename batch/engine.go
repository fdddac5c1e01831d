package batch

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
)

// RunSlice runs op over every record of in. The report is preallocated, and
// progress reports know the total from the start. If the context ends or
// the run stops, the records not yet read are reported not attempted, so
// the report always covers all of in.
func RunSlice[T, R any](ctx context.Context, op Op[T, R], cfg Config, in []T) *Report[R] {
	return run(ctx, op, cfg, func(yield func(T) bool) {
		for _, v := range in {
			if !yield(v) {
				return
			}
		}
	}, in, len(in))
}

// Run runs op over every record of seq, reading it as it goes: memory stays
// bounded by Concurrency × chunk size (plus the outcomes the report keeps,
// see Config.Keep). Once the context ends or the run is stopped, Run pulls
// nothing more from seq: the records read so far are all accounted for,
// and Report.InputIncomplete says the sequence was not read to its end.
func Run[T, R any](ctx context.Context, op Op[T, R], cfg Config, seq iter.Seq[T]) *Report[R] {
	return run(ctx, op, cfg, seq, nil, -1)
}

// errStopped is what a wait returns when the run stops; the engine reports
// the stopping error in its place.
var errStopped = errors.New("batch: run stopped")

// engine holds one run's shared state.
type engine[T, R any] struct {
	op       Op[T, R]
	cfg      Config
	policy   RetryPolicy
	maxItems int
	rec      *recorder[R]
	log      *slog.Logger
	pauser   Pauser      // cfg.Limiter when it takes pauses
	slots    SlotLimiter // cfg.Limiter when it bounds requests in flight

	gate  gate          // the run's "not before" time
	queue retryQueue[T] // records and isolation halves to send again
	// wake is signalled when a worker finished a chunk or queued a retry.
	wake chan struct{}
	// inFlight counts chunks handed to the workers and not yet settled.
	inFlight atomic.Int64

	// halt is set once the context ends or the run stops: the producer
	// reads no more.
	halt atomic.Bool
	// waitCtx ends with the caller's context or when the run stops; every
	// wait (gate, limiter, slots, retries) selects on it. Send gets the
	// caller's context: a stop leaves requests in flight alone.
	waitCtx  context.Context
	stopOnce sync.Once
	stopped  chan struct{}
	stopErr  error
	endWaits context.CancelFunc

	free chan *chunk[T] // chunk buffers handed back by the workers for reuse
}

// worker holds one worker's reusable buffers.
type worker[T, R any] struct {
	outs []Outcome[R]
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

// run is Run and RunSlice; in is the slice when total >= 0.
func run[T, R any](ctx context.Context, op Op[T, R], cfg Config, seq iter.Seq[T], in []T, total int) *Report[R] {
	e := &engine[T, R]{
		op: op, cfg: cfg, policy: cfg.Retry.WithDefaults(), maxItems: max(op.MaxItems, 1),
		log:     cfg.Logger,
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
	}
	e.rec = newRecorder[R](&e.cfg, op.Name, total, op.Key != nil)
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.pauser, _ = cfg.Limiter.(Pauser)
	e.slots, _ = cfg.Limiter.(SlotLimiter)
	e.waitCtx, e.endWaits = context.WithCancel(ctx)
	defer e.endWaits()
	stopWatch := context.AfterFunc(ctx, func() {
		e.halt.Store(true)
		e.signal()
	})
	defer stopWatch()

	if err := op.check(); err != nil {
		e.stop(err) // nothing can be sent: the run ends before reading
	}
	workers := max(cfg.Concurrency, 1)
	e.free = make(chan *chunk[T], 2*workers+1)
	if workers == 1 {
		// One chunk at a time: send it from the reading goroutine, with no
		// hand-off between goroutines.
		w := newWorker[T, R](ctx)
		incomplete := e.produce(ctx, seq, in, total, func(c *chunk[T]) { e.work(ctx, w, c) })
		return e.rec.finish(incomplete, e.halted(ctx))
	}
	work := make(chan *chunk[T], workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := newWorker[T, R](ctx)
			for c := range work {
				e.work(ctx, w, c)
				e.inFlight.Add(-1)
				e.signal()
			}
		})
	}
	incomplete := e.produce(ctx, seq, in, total, func(c *chunk[T]) {
		e.inFlight.Add(1)
		select {
		case work <- c:
		case <-e.waitCtx.Done():
			e.inFlight.Add(-1)
			e.finish(c, NotAttempted, e.halted(ctx), false)
		}
	})
	close(work)
	wg.Wait()
	return e.rec.finish(incomplete, e.halted(ctx))
}

// work processes one chunk and hands its buffer back for reuse.
func (e *engine[T, R]) work(ctx context.Context, w *worker[T, R], c *chunk[T]) {
	e.process(ctx, w, c)
	c.reset()
	select {
	case e.free <- c:
	default:
	}
}

// signal wakes the producer if it waits for work.
func (e *engine[T, R]) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// stop ends the run with err: nothing more is read or sent.
func (e *engine[T, R]) stop(err error) {
	e.stopOnce.Do(func() {
		e.stopErr = err
		close(e.stopped)
		e.halt.Store(true)
		e.endWaits()
		e.signal()
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

// waitErr returns the error to report for a wait that failed with err: the
// run's halting reason when there is one.
func (e *engine[T, R]) waitErr(ctx context.Context, err error) error {
	if h := e.halted(ctx); h != nil {
		return h
	}
	return err
}
