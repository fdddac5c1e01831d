package batch

import (
	"context"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

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
	e.free = make(chan *chunk[T], 2*workers+1)
	if workers == 1 {
		// One chunk at a time: send it from the reading goroutine, with no
		// hand-off between goroutines.
		w := newWorker[T, R](ctx)
		e.produce(ctx, seq, func(c *chunk[T]) { e.work(ctx, w, c) }, total < 0)
		return e.rec.finish()
	}
	work := make(chan *chunk[T], workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := newWorker[T, R](ctx)
			for c := range work {
				e.work(ctx, w, c)
			}
		})
	}
	e.produce(ctx, seq, func(c *chunk[T]) {
		select {
		case work <- c:
		case <-ctx.Done():
			e.notAttempted(c, ctx.Err())
		case <-e.stopped:
			e.notAttempted(c, e.stopErr)
		}
	}, total < 0)
	close(work)
	wg.Wait()
	return e.rec.finish()
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
