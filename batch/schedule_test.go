package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The tests in this file run in a testing/synctest bubble: time.Now,
// timers and context deadlines follow a fake clock that moves only when
// every goroutine of the test is blocked, so waits of seconds take no wall
// time and every timing assertion is exact.

// TestRecordRetriesRideInTheNextChunks is issue 12's request count: 10,000
// records in chunks of 100, 2 % refused retryably on their first attempt,
// the default policy: the retried records are packed together (and with
// fresh records) instead of going out as one small request per chunk.
// The same holds for a stream, whose outcomes are kept in segments: each
// record's send count is kept there too.
func TestRecordRetriesRideInTheNextChunks(t *testing.T) {
	for _, input := range []string{"slice", "stream"} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprint(input, "/concurrency=", workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					testRetriesRide(t, input == "stream", workers)
				})
			})
		}
	}
}

func testRetriesRide(t *testing.T, stream bool, workers int) {
	const n = 10_000
	op := Op[rec, int]{Name: "two percent", MaxItems: 100, Send: twoPercentRetryable(n)}
	var rep *Report[int]
	if stream {
		rep = Run(context.Background(), op, Config{Concurrency: workers}, slices.Values(records(n)))
	} else {
		rep = RunSlice(context.Background(), op, Config{Concurrency: workers}, records(n))
	}
	checkReport(t, rep, n)
	if rep.Succeeded != n {
		t.Fatalf("succeeded %d of %d", rep.Succeeded, n)
	}
	// 100 requests for the first attempts and 200 retried
	// records, which fill two more.
	if rep.Requests > 105 {
		t.Errorf("Requests = %d, want at most 105", rep.Requests)
	}
	for _, o := range rep.Outcomes {
		if want := 1 + btoi(o.Index%50 == 7); int(o.Attempts) != want || o.Result != o.Index*10 {
			t.Fatalf("record %d sent %d times, want %d (result %d)", o.Index, o.Attempts, want, o.Result)
		}
	}
	t.Logf("%d requests, %d retries", rep.Requests, rep.Retries)
}

// endless is a sequence that never ends, counting the records pulled.
func endless(read *atomic.Int64) func(yield func(rec) bool) {
	return func(yield func(rec) bool) {
		for i := 0; ; i++ {
			read.Add(1)
			if !yield(rec{id: i}) {
				return
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestNoWorkerSleepsOnARetry: while records wait out their backoff, the
// rest of the input goes out at once; the waiting records follow once
// their backoff is over, not before.
func TestNoWorkerSleepsOnARetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		sentAt := map[int][]time.Duration{} // id → when each send of it went
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			mu.Lock()
			defer mu.Unlock()
			errs := make([]error, len(chunk))
			for i, r := range chunk {
				sentAt[r.id] = append(sentAt[r.id], time.Since(start))
				if r.id == 3 && len(sentAt[3]) == 1 {
					errs[i] = &temporary{}
				}
			}
			return errs, nil
		})
		slow := RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
		rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: slow}, records(100))
		checkReport(t, rep, 100)
		for id, at := range sentAt {
			if id != 3 && at[0] != 0 {
				t.Errorf("record %d went at %v: a worker slept on a retry", id, at[0])
			}
		}
		// Its retry goes once its backoff (at most 10 s) is over, and
		// after every fresh record.
		if at := sentAt[3]; len(at) != 2 || at[1] > 10*time.Second+slow.BaseDelay || f.sends[len(f.sends)-1][0] != 3 {
			t.Errorf("record 3 sent at %v; sends %v", at, f.sends)
		}
		if err := landedOnce(f, rep); err != nil {
			t.Error(err)
		}
	})
}

// TestServerWaitHoldsBackEveryWorker is issue 12's 429 figure: at
// concurrency 4, once a request is answered with a 2 s Retry-After, no
// request reaches the server for 2 s except those already in flight, and
// the wait reaches the Limiter as a pause.
func TestServerWaitHoldsBackEveryWorker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const retryAfter = 2 * time.Second
		start := time.Now()
		var (
			mu     sync.Mutex
			starts []time.Duration // when each request began, in call order
			answer time.Duration   // when the 429 was answered
		)
		op := Op[rec, int]{Name: "429", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
			mu.Lock()
			call := len(starts)
			starts = append(starts, time.Since(start))
			mu.Unlock()
			switch {
			case call == 0: // the first request is answered 429 after 10 ms
				time.Sleep(10 * time.Millisecond)
				mu.Lock()
				answer = time.Since(start)
				mu.Unlock()
				return nil, &temporary{after: retryAfter}
			case call < 4: // the other three are in flight meanwhile
				time.Sleep(100 * time.Millisecond)
			}
			return make([]Result[int], len(chunk)), nil
		}}
		lim := &pauseRecorder{}
		rep := RunSlice(context.Background(), op, Config{Concurrency: 4, Limiter: lim}, records(200))
		checkReport(t, rep, 200)
		if rep.Succeeded != 200 || rep.Requests != 21 {
			t.Fatalf("succeeded %d in %d requests; want 200 in 21", rep.Succeeded, rep.Requests)
		}
		if diff := cmp.Diff([]time.Duration{0, 0, 0, 0}, starts[:4]); diff != "" {
			t.Fatalf("the first four requests did not start together (-want +got):\n%s", diff)
		}
		for call, at := range starts[4:] {
			if at < answer+retryAfter {
				t.Errorf("request %d started at %v, within the Retry-After (answered at %v)", call+4, at, answer)
			}
		}
		if want := []time.Time{start.Add(answer + retryAfter)}; !cmp.Equal(want, lim.pauses()) {
			t.Errorf("limiter paused until %v, want %v", lim.pauses(), want)
		}
	})
}

// pauseRecorder is a Limiter that records the pauses it is given.
type pauseRecorder struct {
	mu     sync.Mutex
	untils []time.Time
}

func (p *pauseRecorder) Wait(ctx context.Context) error { return ctx.Err() }
func (p *pauseRecorder) PauseUntil(t time.Time) {
	p.mu.Lock()
	p.untils = append(p.untils, t)
	p.mu.Unlock()
}
func (p *pauseRecorder) pauses() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.untils
}

// TestServerWaitHoldsBackOtherRuns: two runs share one pausable limiter;
// a 429 in one holds back the other.
func TestServerWaitHoldsBackOtherRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		shared := Pausable(nil)
		var mu sync.Mutex
		var otherSends []time.Duration
		first := Op[rec, int]{Name: "first", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
			if time.Since(start) == 0 {
				return nil, &temporary{after: 3 * time.Second}
			}
			return make([]Result[int], len(chunk)), nil
		}}
		other := Op[rec, int]{Name: "other", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
			mu.Lock()
			otherSends = append(otherSends, time.Since(start))
			mu.Unlock()
			return make([]Result[int], len(chunk)), nil
		}}
		a := RunSlice(context.Background(), first, Config{Limiter: shared}, records(10))
		// The second run starts after the first was told to wait.
		b := RunSlice(context.Background(), other, Config{Limiter: shared}, records(30))
		checkReport(t, a, 10)
		checkReport(t, b, 30)
		if len(otherSends) != 3 || otherSends[0] < 3*time.Second {
			t.Errorf("the other run sent at %v, within the first run's 3 s pause", otherSends)
		}
	})
}

// TestRetryAfterIsHonoured: the retried request waits at least the
// server's wait.
func TestRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const after = 60 * time.Millisecond
		var first time.Time
		var gap time.Duration
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			if call == 0 {
				first = time.Now()
				return nil, &temporary{after: after}
			}
			gap = time.Since(first)
			return nil, nil
		})
		rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(3)}, records(2))
		checkReport(t, rep, 2)
		if gap < after || gap > after+fastRetry(3).BaseDelay {
			t.Errorf("retried after %v, server asked for %v", gap, after)
		}
	})
}

// TestRetryAfterBeyondCapStopsTheRun: a server wait longer than the policy
// allows is not waited out: the run stops, nothing more is sent, and every
// record left wraps ErrRetryAfterTooLong; a stream is not read further.
func TestRetryAfterBeyondCapStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeSender(func(int, []rec) ([]error, error) { return nil, &temporary{after: time.Hour} })
		start := time.Now()
		read := 0
		seq := func(yield func(rec) bool) {
			for i := range 1000 {
				read++
				if !yield(rec{id: i}) {
					return
				}
			}
		}
		rep := Run(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5)}, seq)
		checkReport(t, rep, rep.Total)
		if rep.Requests != 1 || rep.NotAttempted != rep.Total || !rep.InputIncomplete || read > 11 {
			t.Fatalf("requests %d, not attempted %d of %d, incomplete %v, read %d", rep.Requests, rep.NotAttempted, rep.Total, rep.InputIncomplete, read)
		}
		for _, o := range rep.Outcomes {
			if !errors.Is(o.Err, ErrRetryAfterTooLong) {
				t.Fatalf("record %d: err = %v, want ErrRetryAfterTooLong", o.Index, o.Err)
			}
		}
		if time.Since(start) != 0 {
			t.Errorf("the engine waited %v", time.Since(start))
		}
	})
}

// TestChunkRetryPacksWithFreshRecords: a chunk refused as a whole goes back
// record by record and its records share later chunks with fresh ones;
// every record keeps its own attempt count.
func TestChunkRetryPacksWithFreshRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			if call == 0 {
				return nil, &temporary{}
			}
			return nil, nil
		})
		// A record per 10 ms: the first chunk's backoff (≤ 1 ms) is over
		// by the time the next chunk starts, so its records lead it.
		seq := func(yield func(rec) bool) {
			for i := range 9 {
				time.Sleep(10 * time.Millisecond)
				if !yield(rec{id: i}) {
					return
				}
			}
		}
		rep := Run(context.Background(), testOp(f, 4), Config{Retry: fastRetry(3)}, seq)
		checkReport(t, rep, 9)
		if diff := cmp.Diff([][]int{{0, 1, 2, 3}, {0, 1, 2, 3}, {4, 5, 6, 7}, {8}}, f.sends); diff != "" {
			t.Errorf("sends (-want +got):\n%s", diff)
		}
		if rep.Outcomes[0].Attempts != 2 || rep.Outcomes[4].Attempts != 1 || rep.Retries != 1 {
			t.Errorf("attempts %d and %d, retries %d", rep.Outcomes[0].Attempts, rep.Outcomes[4].Attempts, rep.Retries)
		}
	})
}

// TestRetriesKeepUniqueKeysAndByteLimits: records sent back for a retry are
// packed under the same rules as fresh ones.
func TestRetriesKeepUniqueKeysAndByteLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			errs := make([]error, len(chunk))
			for i, r := range chunk {
				if call == 0 && r.id%2 == 0 {
					errs[i] = &temporary{}
				}
			}
			return errs, nil
		})
		op := testOp(f, 6)
		op.Key = func(r rec) string { return fmt.Sprint(r.id % 3) }
		op.UniqueKeys = true
		op.MaxBytes, op.Size = 50, func(r rec) int { return r.size }
		rep := RunSlice(context.Background(), op, Config{Retry: fastRetry(3)}, records(12))
		checkReport(t, rep, 12)
		for _, ids := range f.sends {
			keys := map[int]bool{}
			for _, id := range ids {
				if keys[id%3] {
					t.Errorf("key %d twice in one request %v", id%3, ids)
				}
				keys[id%3] = true
			}
			if len(ids)*10 > 50 {
				t.Errorf("request %v over the byte limit", ids)
			}
		}
		if err := landedOnce(f, rep); err != nil {
			t.Error(err)
		}
	})
}

// TestIsolatedHalfIsRetriedWhole: a half of a rejected chunk that meets a
// retryable failure is sent again on its own, not packed with others, so
// the halving still names the bad record.
func TestIsolatedHalfIsRetriedWhole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rejected := errors.New("rejected as a whole")
		busyOnce := true
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			for _, r := range chunk {
				if r.id == 2 {
					if len(chunk) == 4 && busyOnce {
						busyOnce = false
						return nil, &temporary{}
					}
					return nil, rejected
				}
			}
			return nil, nil
		})
		op := testOp(f, 8)
		op.Isolate = func(err error) bool { return errors.Is(err, rejected) }
		rep := RunSlice(context.Background(), op, Config{Retry: fastRetry(3)}, records(8))
		checkReport(t, rep, 8)
		want := [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3}, {4, 5, 6, 7}, {0, 1, 2, 3}, {0, 1}, {2, 3}, {2}, {3}}
		if diff := cmp.Diff(want, f.sends); diff != "" {
			t.Errorf("sends (-want +got):\n%s", diff)
		}
		if rep.Failed != 1 || rep.Outcomes[2].Status != Failed || !errors.Is(rep.Outcomes[2].Err, rejected) {
			t.Errorf("failed %d, record 2: %v", rep.Failed, rep.Outcomes[2].Err)
		}
	})
}

// TestCancellationStopsReadingTheInput: once the context ends, Run pulls
// nothing more from an endless sequence; the records read are all
// accounted, and the report says the input was not read to its end.
func TestCancellationStopsReadingTheInput(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("concurrency=", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var read atomic.Int64
				var readAtCancel int64
				f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
					if call == 20 {
						readAtCancel = read.Load()
						cancel()
					}
					return nil, nil
				})
				rep := Run(ctx, testOp(f, 10), Config{Concurrency: workers, Keep: KeepAll}, endless(&read))
				checkReport(t, rep, int(read.Load()))
				if !rep.InputIncomplete || rep.NotAttempted == 0 {
					t.Errorf("InputIncomplete %v, not attempted %d", rep.InputIncomplete, rep.NotAttempted)
				}
				// At most what the workers and their queue hold, the chunk
				// being cut and the record that found the run halted.
				if extra := read.Load() - readAtCancel; extra > int64(10*(2*workers+1)+1) {
					t.Errorf("read %d records after the cancellation", extra)
				}
				for _, o := range rep.Outcomes {
					if o.Status == NotAttempted && !errors.Is(o.Err, context.Canceled) {
						t.Fatalf("record %d: %v", o.Index, o.Err)
					}
				}
			})
		})
	}
}

// TestStopRunStopsReadingTheInput: a run-stopping error (a daily quota)
// ends the reading too.
func TestStopRunStopsReadingTheInput(t *testing.T) {
	var read atomic.Int64
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		if call == 2 {
			return nil, quota{}
		}
		return nil, nil
	})
	rep := Run(context.Background(), testOp(f, 10), Config{}, endless(&read))
	checkReport(t, rep, int(read.Load()))
	if !rep.InputIncomplete || rep.Succeeded != 20 || rep.Requests != 3 || read.Load() > 31 {
		t.Errorf("incomplete %v, succeeded %d, requests %d, read %d", rep.InputIncomplete, rep.Succeeded, rep.Requests, read.Load())
	}
	if !errors.As(rep.Err(), new(quota)) {
		t.Errorf("Err() = %v does not open to the quota error", rep.Err())
	}
}

// stoppingLimiter grants n waits, then fails every later one with an error
// that asks the engine to stop the run (as redislimit does when Redis is
// gone).
type stoppingLimiter struct{ left atomic.Int64 }

func (l *stoppingLimiter) Wait(context.Context) error {
	if l.left.Add(-1) < 0 {
		return quota{}
	}
	return nil
}

// TestLimiterStopRunStopsTheRun: a limiter's run-stopping error ends the
// run and the reading, as a sender's does; the chunk that met it is not
// attempted.
func TestLimiterStopRunStopsTheRun(t *testing.T) {
	var read atomic.Int64
	f := newFakeSender(func(int, []rec) ([]error, error) { return nil, nil })
	lim := &stoppingLimiter{}
	lim.left.Store(2)
	// A long input rather than an endless one, so that a run that does not
	// stop fails the test instead of hanging it.
	long := func(yield func(rec) bool) {
		for i := range 100_000 {
			read.Add(1)
			if !yield(rec{id: i}) {
				return
			}
		}
	}
	rep := Run(context.Background(), testOp(f, 10), Config{Limiter: lim}, long)
	checkReport(t, rep, int(read.Load()))
	if !rep.InputIncomplete || rep.Succeeded != 20 || rep.Requests != 2 || rep.NotAttempted < 10 || read.Load() > 41 {
		t.Errorf("incomplete %v, succeeded %d, not attempted %d, requests %d, read %d",
			rep.InputIncomplete, rep.Succeeded, rep.NotAttempted, rep.Requests, read.Load())
	}
	if !errors.As(rep.Err(), new(quota)) {
		t.Errorf("Err() = %v does not open to the limiter's error", rep.Err())
	}
}

// TestEndlessSeqCancelledReturnsPromptly is issue 12's figure on the real
// clock: an endless sequence, cancelled after 300 ms, returns at once. The
// bound asserted is generous for a loaded machine; the test logs the time
// actually taken after the deadline.
func TestEndlessSeqCancelledReturnsPromptly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var read atomic.Int64
	op := Op[rec, int]{Name: "endless", MaxItems: 100, Send: noopSend}
	rep := Run(ctx, op, Config{Concurrency: 4, Keep: KeepNone}, endless(&read))
	dl, _ := ctx.Deadline()
	late := time.Since(dl)
	t.Logf("returned %v after the deadline, having read %d records", late, rep.Total)
	if late > 5*time.Second {
		t.Errorf("returned %v after the deadline", late)
	}
	if !rep.InputIncomplete || !rep.Balanced() || rep.Total == 0 {
		t.Errorf("report %+v", rep)
	}
}

// TestInFlightAtCancellationIsOutcomeUnknown: records whose request was in
// flight when the context ended may have been written: they fail with an
// error matching both ErrOutcomeUnknown and the context's error.
func TestInFlightAtCancellationIsOutcomeUnknown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		op := Op[rec, int]{Name: "slow", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
			<-ctx.Done() // the server never answers in time
			return nil, fmt.Errorf("vendor: %w", ctx.Err())
		}}
		rep := RunSlice(ctx, op, Config{Concurrency: 2}, records(50))
		checkReport(t, rep, 50)
		if rep.Failed != 20 || rep.NotAttempted != 30 {
			t.Fatalf("failed %d not attempted %d; want 20 and 30", rep.Failed, rep.NotAttempted)
		}
		for _, o := range rep.Outcomes[:20] {
			if !errors.Is(o.Err, ErrOutcomeUnknown) || !errors.Is(o.Err, context.DeadlineExceeded) {
				t.Fatalf("record %d: %v; want ErrOutcomeUnknown and DeadlineExceeded", o.Index, o.Err)
			}
		}
	})
}

// TestSlotLimiterBoundsRequestsInFlight: the engine holds a slot for each
// request from after Wait until Send returns.
func TestSlotLimiterBoundsRequestsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeSender(nil)
		f.delay = 10 * time.Millisecond
		slots := &semaphore{ch: make(chan struct{}, 2)}
		rep := RunSlice(context.Background(), testOp(f, 5), Config{Concurrency: 6, Limiter: slots}, records(100))
		checkReport(t, rep, 100)
		if got := f.peak.Load(); got != 2 {
			t.Errorf("peak in flight %d, want the limiter's 2", got)
		}
		if slots.acquired.Load() != 20 || len(slots.ch) != 0 {
			t.Errorf("%d slots taken, %d still held", slots.acquired.Load(), len(slots.ch))
		}
	})
}

// semaphore is a Limiter that bounds requests in flight.
type semaphore struct {
	ch       chan struct{}
	acquired atomic.Int32
}

func (s *semaphore) Wait(ctx context.Context) error { return ctx.Err() }
func (s *semaphore) Acquire(ctx context.Context) (func(), error) {
	select {
	case s.ch <- struct{}{}:
		s.acquired.Add(1)
		return func() { <-s.ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestStreamKeepAllAcrossSegments: a stream kept whole over several
// segments holds every outcome, in order, with keys, results and errors.
func TestStreamKeepAllAcrossSegments(t *testing.T) {
	const n = 3*segmentSize + 17
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		errs := make([]error, len(chunk))
		for i, r := range chunk {
			if r.id%997 == 0 {
				errs[i] = errors.New("refused")
			}
		}
		return errs, nil
	})
	seq := func(yield func(rec) bool) {
		for i := range n {
			if !yield(rec{id: i}) {
				return
			}
		}
	}
	rep := Run(context.Background(), testOp(f, 100), Config{Concurrency: 3}, seq)
	checkReport(t, rep, n)
	for _, o := range rep.Outcomes {
		if o.Key != fmt.Sprint(o.Index) || o.Result != o.Index*10 || (o.Status == Failed) != (o.Index%997 == 0) {
			t.Fatalf("outcome %+v", o)
		}
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

// TestCancelledBeforeTheStart: a context already ended pulls nothing from a
// sequence, and Err says why; a slice is reported not attempted whole.
func TestCancelledBeforeTheStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	read := 0
	seq := func(yield func(rec) bool) {
		for i := range 10 {
			read++
			if !yield(rec{id: i}) {
				return
			}
		}
	}
	f := newFakeSender(nil)
	rep := Run(ctx, testOp(f, 5), Config{}, seq)
	checkReport(t, rep, 0)
	var re *RunError
	if read != 0 || !rep.InputIncomplete || !errors.Is(rep.Err(), context.Canceled) || !errors.As(rep.Err(), &re) || !re.InputIncomplete {
		t.Errorf("read %d, incomplete %v, Err() = %v", read, rep.InputIncomplete, rep.Err())
	}
	want := "test op: 0 of 0 records failed, 0 not attempted, input not read to its end (context canceled)"
	if got := rep.Err().Error(); got != want {
		t.Errorf("Err() = %q, want %q", got, want)
	}
	rep = RunSlice(ctx, testOp(f, 5), Config{}, records(10))
	checkReport(t, rep, 10)
	if rep.NotAttempted != 10 || rep.InputIncomplete || rep.Outcomes[3].Key != "3" || len(f.sends) != 0 {
		t.Errorf("slice: not attempted %d, incomplete %v, %d sends", rep.NotAttempted, rep.InputIncomplete, len(f.sends))
	}
}

// TestStreamKeepsSendCountsPastASegmentsRoom: a stream's success sent more
// often than a segment's one-byte count holds is kept whole, its count
// intact, beside successes kept in the segment.
func TestStreamKeepsSendCountsPastASegmentsRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const refusals = 300 // record 1 goes in on send 301
		var refused atomic.Int32
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			errs := make([]error, len(chunk))
			for i, r := range chunk {
				if r.id == 1 && refused.Add(1) <= refusals {
					errs[i] = &temporary{}
				}
			}
			return errs, nil
		})
		cfg := Config{Retry: RetryPolicy{MaxAttempts: refusals + 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}
		rep := Run(context.Background(), testOp(f, 10), cfg, slices.Values(records(3)))
		checkReport(t, rep, 3)
		if got := []int32{rep.Outcomes[0].Attempts, rep.Outcomes[1].Attempts, rep.Outcomes[2].Attempts}; !slices.Equal(got, []int32{1, refusals + 1, 1}) {
			t.Errorf("attempts %v, want [1 %d 1]", got, refusals+1)
		}
		if rep.Succeeded != 3 || rep.Outcomes[1].Key != "1" || rep.Outcomes[1].Result != 10 {
			t.Errorf("succeeded %d, record 1: %+v", rep.Succeeded, rep.Outcomes[1])
		}
	})
}

// TestSequenceYieldingAfterStopIsNotRead: a sequence that goes on yielding
// after it was told to stop (the engine calls it with its own yield
// function) has nothing more read: the run ends with the records read
// before the stop.
func TestSequenceYieldingAfterStopIsNotRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		cancel() // the first request ends the run
		return make([]error, len(chunk)), nil
	})
	yieldedAfterStop := 0
	seq := func(yield func(rec) bool) {
		stopped := false
		for i := range 1000 {
			if stopped {
				yieldedAfterStop++
			}
			if !yield(rec{id: i}) {
				stopped = true // and carries on, wrongly
			}
		}
	}
	rep := Run(ctx, testOp(f, 10), Config{}, seq)
	checkReport(t, rep, rep.Total)
	if !rep.InputIncomplete || rep.Total != 11 || rep.Succeeded != 10 || rep.NotAttempted != 1 {
		t.Errorf("total %d, succeeded %d, not attempted %d, incomplete %v", rep.Total, rep.Succeeded, rep.NotAttempted, rep.InputIncomplete)
	}
	if yieldedAfterStop == 0 || len(f.sends) != 1 {
		t.Errorf("the sequence yielded %d times after the stop; %d sends", yieldedAfterStop, len(f.sends))
	}
}
