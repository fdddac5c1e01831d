package batch

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

// An answer with the wrong number of results came from a server that
// processed the request: its records may have been written, so they fail
// matching ErrOutcomeUnknown (and ErrResultCount), and are not sent again.
func TestResultCountMismatchIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	sends := 0
	op := Op[rec, int]{Name: "x", MaxItems: 2, Send: func(context.Context, []rec) ([]Result[int], error) {
		sends++
		return []Result[int]{{Value: 1}}, nil
	}}
	rep := RunSlice(context.Background(), op, Config{Retry: fastRetry(3)}, records(2))
	checkReport(t, rep, 2)
	for _, o := range rep.Outcomes {
		if o.Status != Failed || !errors.Is(o.Err, ErrOutcomeUnknown) || !errors.Is(o.Err, ErrResultCount) {
			t.Errorf("record %d: %v %v", o.Index, o.Status, o.Err)
		}
	}
	if sends != 1 {
		t.Errorf("%d sends, want 1", sends)
	}
}

// A Send that panics fails its chunk (the request may have gone out:
// ErrOutcomeUnknown) instead of ending the process, gives its slot back,
// and the run goes on with the next chunk.
func TestPanicInSendFailsTheChunk(t *testing.T) {
	t.Parallel()
	slots := &semaphore{ch: make(chan struct{}, 3)}
	op := Op[rec, int]{Name: "x", MaxItems: 1, Send: func(_ context.Context, c []rec) ([]Result[int], error) {
		if c[0].id == 0 {
			panic("decoder bug")
		}
		return make([]Result[int], len(c)), nil
	}}
	for _, conc := range []int{1, 3} {
		rep := RunSlice(context.Background(), op, Config{Limiter: slots, Concurrency: conc}, records(3))
		checkReport(t, rep, 3)
		if o := rep.Outcomes[0]; o.Status != Failed || !errors.Is(o.Err, ErrOutcomeUnknown) || !strings.Contains(o.Err.Error(), "decoder bug") {
			t.Errorf("concurrency %d: record 0: %v %v", conc, o.Status, o.Err)
		}
		if rep.Succeeded != 2 {
			t.Errorf("concurrency %d: %d succeeded, want 2", conc, rep.Succeeded)
		}
	}
	if slots.acquired.Load() != 6 || len(slots.ch) != 0 {
		t.Errorf("slots: %d taken, %d still held", slots.acquired.Load(), len(slots.ch))
	}
}

// maybeWritten is a retryable failure after which the record may have been
// written (a 5xx on an idempotent upsert).
type maybeWritten struct{}

func (maybeWritten) Error() string        { return "HTTP 500: may have been applied" }
func (maybeWritten) Retryable() bool      { return true }
func (maybeWritten) Is(target error) bool { return target == ErrOutcomeUnknown }

// A record waiting to be sent again after a send that may have written it
// is Failed (matching ErrOutcomeUnknown) when the run halts, never
// NotAttempted, which promises it was never written.
func TestMaybeWrittenRecordIsNotNotAttempted(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		op := Op[rec, int]{Name: "x", MaxItems: 1, Send: func(context.Context, []rec) ([]Result[int], error) {
			time.AfterFunc(10*time.Millisecond, cancel) // during the backoff
			return nil, maybeWritten{}
		}}
		rep := RunSlice(ctx, op, Config{Retry: RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Second}}, records(1))
		checkReport(t, rep, 1)
		if o := rep.Outcomes[0]; o.Status != Failed || !errors.Is(o.Err, ErrOutcomeUnknown) || o.Attempts != 1 {
			t.Errorf("%v after %d sends: %v", o.Status, o.Attempts, o.Err)
		}
	})
}

// A server's Retry-After holds the run back even when the record it came
// with will not be sent again (its attempts are spent): the next requests
// wait, and a shared Pauser limiter is told.
func TestRetryAfterHoldsTheRunWithoutARetry(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		spy := &pauseRecorder{}
		start := time.Now()
		var at []time.Duration
		op := Op[rec, int]{Name: "x", MaxItems: 1, Send: func(context.Context, []rec) ([]Result[int], error) {
			at = append(at, time.Since(start))
			return nil, &temporary{after: 30 * time.Second}
		}}
		rep := RunSlice(context.Background(), op, Config{Limiter: spy, Retry: RetryPolicy{MaxAttempts: 1}}, records(3))
		checkReport(t, rep, 3)
		if len(spy.pauses()) == 0 || len(at) != 3 || at[1] < 30*time.Second || at[2] < 60*time.Second {
			t.Errorf("sends at %v, %d pauses told", at, len(spy.pauses()))
		}
	})
}

// Pausable of a Combine that holds no Pauser adds one: a pause holds back
// its Wait.
func TestPausableOfCombineTakesPauses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		shared := Pausable(Combine(rate.NewLimiter(rate.Every(time.Millisecond), 1)))
		start := time.Now()
		shared.(Pauser).PauseUntil(start.Add(10 * time.Second))
		if err := shared.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 10*time.Second {
			t.Errorf("Wait returned after %v despite a 10 s pause", waited)
		}
	})
}

// Backoff never panics nor goes negative, however large the policy.
func TestBackoffNeverOverflows(t *testing.T) {
	t.Parallel()
	for _, p := range []RetryPolicy{
		{BaseDelay: time.Duration(math.MaxInt64), MaxDelay: time.Duration(math.MaxInt64)},
		{BaseDelay: time.Second, MaxDelay: time.Duration(math.MaxInt64)},
		{BaseDelay: time.Hour, MaxDelay: time.Duration(math.MaxInt64 - 1)},
	} {
		for n := 1; n < 80; n++ {
			if d := p.Backoff(n); d < 0 || d > p.MaxDelay {
				t.Fatalf("Backoff(%d) of %+v = %v", n, p, d)
			}
		}
	}
}

// An operation the engine cannot run as written stops the run before any
// record is read or sent, with an error that says why.
func TestOpThatCannotRunStopsAtOnce(t *testing.T) {
	t.Parallel()
	send := func(_ context.Context, c []rec) ([]Result[int], error) { return make([]Result[int], len(c)), nil }
	for want, op := range map[string]Op[rec, int]{
		"Send is nil":                     {Name: "x", MaxItems: 10},
		"MaxBytes is set but Size is nil": {Name: "x", MaxItems: 10, MaxBytes: 25, Send: send},
		"negative limit":                  {Name: "x", MaxItems: -1, Send: send},
	} {
		rep := RunSlice(context.Background(), op, Config{}, records(5))
		if rep.Requests != 0 || rep.Succeeded != 0 || !rep.Balanced() || rep.Err() == nil || !strings.Contains(rep.Err().Error(), want) {
			t.Errorf("%s: %d requests, %d succeeded, err %v", want, rep.Requests, rep.Succeeded, rep.Err())
		}
	}
}

// A negative Size (a bug in the operation) fails its record instead of
// letting other records past the byte limit.
func TestNegativeSizeFailsItsRecord(t *testing.T) {
	t.Parallel()
	biggest := 0
	op := Op[rec, int]{Name: "x", MaxItems: 100, MaxBytes: 25,
		Size: func(r rec) int {
			if r.id == 0 {
				return -1000
			}
			return 10
		},
		Send: func(_ context.Context, c []rec) ([]Result[int], error) {
			biggest = max(biggest, len(c))
			return make([]Result[int], len(c)), nil
		}}
	rep := RunSlice(context.Background(), op, Config{}, records(100))
	checkReport(t, rep, 100)
	if o := rep.Outcomes[0]; o.Status != Failed || o.Attempts != 0 || biggest > 2 {
		t.Errorf("record 0: %v %v; biggest chunk %d records (2 fit in 25 bytes)", o.Status, o.Err, biggest)
	}
}

// A per-record error that stops the run (a spent quota named on one
// record) ends the run, as a whole-chunk one does; that record is not
// attempted and the input is not read further.
func TestPerRecordStopRunStopsTheRun(t *testing.T) {
	t.Parallel()
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		if call == 1 {
			errs := make([]error, len(chunk))
			errs[3] = quota{}
			return errs, nil
		}
		return nil, nil
	})
	rep := RunSlice(context.Background(), testOp(f, 10), Config{}, records(100))
	checkReport(t, rep, 100)
	if o := rep.Outcomes[13]; o.Status != NotAttempted || !errors.As(o.Err, new(quota)) || o.Attempts != 1 {
		t.Errorf("record 13: %v after %d sends: %v", o.Status, o.Attempts, o.Err)
	}
	if rep.Succeeded != 19 || rep.Requests != 2 {
		t.Errorf("%d succeeded in %d requests, want 19 in 2", rep.Succeeded, rep.Requests)
	}
}

// A server wait beyond MaxRetryAfter stops the run even when its record
// will not be sent again (retries off): the rest is not attempted instead
// of being sent into the server's limit.
func TestTooLongWaitStopsTheRunWithoutARetry(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		sends := 0
		op := Op[rec, int]{Name: "x", MaxItems: 1, Send: func(context.Context, []rec) ([]Result[int], error) {
			sends++
			return nil, &temporary{after: 10 * time.Minute}
		}}
		rep := RunSlice(context.Background(), op, Config{Retry: RetryPolicy{MaxAttempts: 1, MaxRetryAfter: time.Minute}}, records(3))
		checkReport(t, rep, 3)
		if sends != 1 || rep.Failed != 1 || rep.NotAttempted != 2 || !errors.Is(rep.Err(), ErrRetryAfterTooLong) {
			t.Errorf("%d sends, %d failed, %d not attempted, err %v", sends, rep.Failed, rep.NotAttempted, rep.Err())
		}
	})
}
