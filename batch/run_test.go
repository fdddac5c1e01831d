package batch

import (
	"context"
	"errors"
	"flag"
	"iter"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

func TestConcurrencyKeepsNChunksInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, workers := range []int{1, 3, 8} {
			f := newFakeSender(nil)
			f.delay = 5 * time.Millisecond
			rep := RunSlice(context.Background(), testOp(f, 5), Config{Concurrency: workers}, records(200))
			checkReport(t, rep, 200)
			if got := int(f.peak.Load()); got != workers {
				t.Errorf("concurrency %d: peak in flight %d", workers, got)
			}
			if err := landedOnce(f, rep); err != nil {
				t.Error(err)
			}
		}
	})
}

// countingLimiter counts waits and paces them with an inner limiter.
type countingLimiter struct {
	n     atomic.Int32
	inner *rate.Limiter
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return l.inner.Wait(ctx)
}

func TestLimiterIsWaitedOnBeforeEveryRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 50 requests per second, burst 1: 11 requests take 200 ms.
		lim := &countingLimiter{inner: rate.NewLimiter(50, 1)}
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			if call == 0 {
				return nil, &temporary{} // one retry: it waits on the limiter too
			}
			return nil, nil
		})
		start := time.Now()
		rep := RunSlice(context.Background(), testOp(f, 10), Config{Concurrency: 4, Limiter: lim, Retry: fastRetry(3)}, records(100))
		checkReport(t, rep, 100)
		if got := lim.n.Load(); int(got) != rep.Requests || rep.Requests != 11 {
			t.Errorf("limiter waited %d times for %d requests (want 11)", got, rep.Requests)
		}
		if el := time.Since(start); el < 200*time.Millisecond {
			t.Errorf("11 requests at 50/s took %v: the limiter did not pace them", el)
		}
		// A shared *rate.Limiter satisfies the interface directly.
		var _ Limiter = rate.NewLimiter(1, 1)
	})
}

func TestCancellationMidRunAccountsForEveryRecord(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		if call == 3 {
			cancel()
		}
		return nil, nil
	})
	f.delay = time.Millisecond
	rep := RunSlice(ctx, testOp(f, 10), Config{Concurrency: 2}, records(1000))
	checkReport(t, rep, 1000)
	if rep.Succeeded < 30 || rep.NotAttempted == 0 {
		t.Fatalf("succeeded %d not attempted %d", rep.Succeeded, rep.NotAttempted)
	}
	for _, o := range rep.Outcomes {
		if o.Status == NotAttempted && !errors.Is(o.Err, context.Canceled) {
			t.Fatalf("record %d not attempted with %v", o.Index, o.Err)
		}
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

func TestCancellationDuringBackoffReturnsPromptly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		f := newFakeSender(func(int, []rec) ([]error, error) { return nil, &temporary{} })
		start := time.Now()
		slow := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Minute, MaxDelay: time.Minute}
		rep := RunSlice(ctx, testOp(f, 10), Config{Retry: slow}, records(25))
		if el := time.Since(start); el != 50*time.Millisecond {
			t.Fatalf("run took %v, the context ended after 50ms", el)
		}
		checkReport(t, rep, 25)
		if rep.NotAttempted != 25 {
			t.Errorf("not attempted %d, want 25", rep.NotAttempted)
		}
		var tmp *temporary
		if !errors.Is(rep.Outcomes[0].Err, context.DeadlineExceeded) || !errors.As(rep.Outcomes[0].Err, &tmp) {
			t.Errorf("err = %v; want the deadline and the last failure", rep.Outcomes[0].Err)
		}
	})
}

// TestInFlightChunkFailsWithContextError: the chunk in flight when the
// context ends fails as unknown (it may have been written) with the
// context's error; the rest is not attempted.
func TestInFlightChunkFailsWithContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	op := Op[rec, int]{Name: "slow", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	rep := RunSlice(ctx, op, Config{}, records(15))
	checkReport(t, rep, 15)
	if rep.Failed != 10 || rep.NotAttempted != 5 {
		t.Fatalf("failed %d not attempted %d; want 10 and 5", rep.Failed, rep.NotAttempted)
	}
	if err := rep.Outcomes[0].Err; !errors.Is(err, context.Canceled) || !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("err = %v; want context.Canceled and ErrOutcomeUnknown", err)
	}
}

func TestRunStreamsASequence(t *testing.T) {
	f := newFakeSender(nil)
	seq := func(yield func(rec) bool) {
		for i := range 333 {
			if !yield(rec{id: i}) {
				return
			}
		}
	}
	var progress []Progress
	cfg := Config{Concurrency: 1, OnProgress: func(p Progress) { progress = append(progress, p) }}
	rep := Run(context.Background(), testOp(f, 100), cfg, iter.Seq[rec](seq))
	checkReport(t, rep, 333)
	if len(progress) != 4 {
		t.Fatalf("%d progress calls, want 4", len(progress))
	}
	last := progress[len(progress)-1]
	if last.Done != 333 || last.Succeeded != 333 || last.Total != 333 || last.TotalKnown || last.Requests != 4 {
		t.Errorf("last progress %+v", last)
	}
}

func TestKeepModes(t *testing.T) {
	answer := func(call int, chunk []rec) ([]error, error) {
		errs := make([]error, len(chunk))
		for i, r := range chunk {
			if r.id%10 == 0 {
				errs[i] = errors.New("bad")
			}
		}
		return errs, nil
	}
	t.Run("failures", func(t *testing.T) {
		rep := RunSlice(context.Background(), testOp(newFakeSender(answer), 7), Config{Keep: KeepFailures, Concurrency: 3}, records(100))
		var idx []int
		for _, o := range rep.Outcomes {
			idx = append(idx, o.Index)
		}
		if diff := cmp.Diff([]int{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}, idx); diff != "" {
			t.Errorf("kept (-want +got):\n%s", diff)
		}
		if o, ok := rep.Outcome(40); !ok || o.Status != Failed {
			t.Errorf("Outcome(40) = %+v, %v", o, ok)
		}
		if _, ok := rep.Outcome(41); ok {
			t.Error("Outcome(41) found under KeepFailures")
		}
	})
	t.Run("none", func(t *testing.T) {
		var mu sync.Mutex
		seen := map[int]Status{}
		cfg := Config{Keep: KeepNone, Concurrency: 3, OnOutcome: func(i int, key string, s Status, err error) {
			mu.Lock()
			seen[i] = s
			mu.Unlock()
		}}
		rep := RunSlice(context.Background(), testOp(newFakeSender(answer), 7), cfg, records(100))
		if len(rep.Outcomes) != 0 || rep.Failed != 10 || rep.Succeeded != 90 || !rep.Balanced() {
			t.Fatalf("report %d outcomes, %d failed", len(rep.Outcomes), rep.Failed)
		}
		if len(seen) != 100 || seen[20] != Failed || seen[21] != Succeeded {
			t.Errorf("OnOutcome saw %d records", len(seen))
		}
		var re *RunError
		if !errors.As(rep.Err(), &re) || len(re.Records) != 10 || re.Records[0].Index != 0 {
			t.Errorf("Err() = %v", rep.Err())
		}
	})
}

func TestReportErrOpensToRecordErrors(t *testing.T) {
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		errs := make([]error, len(chunk))
		errs[1] = &temporary{}
		return errs, nil
	})
	rep := RunSlice(context.Background(), testOp(f, 5), Config{Retry: fastRetry(1)}, records(5))
	checkReport(t, rep, 5)
	var re *RecordError
	if !errors.As(rep.Err(), &re) || re.Index != 1 || re.Key != "1" {
		t.Fatalf("errors.As RecordError: %+v", re)
	}
	var tmp *temporary
	if !errors.As(rep.Err(), &tmp) {
		t.Error("errors.As does not reach the vendor error")
	}
	want := "test op: 1 of 5 records failed, 0 not attempted; record 1 (1) failed: temporarily unavailable"
	if got := rep.Err().Error(); got != want {
		t.Errorf("Err() =\n%q\nwant\n%q", got, want)
	}
}

// chaosSeeds sets how many seeds TestRandomFaults runs; raise it for a long
// chaos run: go test -race -run RandomFaults ./batch -args -chaos.seeds=1000
var chaosSeeds = flag.Int("chaos.seeds", 20, "seeds for TestRandomFaults (5 under -short)")

// TestRandomFaults drives the engine with a sender that fails chunks and
// records at random: whatever happens, every record is accounted for once,
// and every succeeded record reached the sender successfully exactly once.
func TestRandomFaults(t *testing.T) {
	seeds := *chaosSeeds
	if testing.Short() {
		seeds = min(seeds, 5)
	}
	for seed := range uint64(seeds) {
		rnd := rand.New(rand.NewPCG(seed, 42))
		var mu sync.Mutex
		draw := func() float64 { mu.Lock(); defer mu.Unlock(); return rnd.Float64() }
		reject := errors.New("whole request rejected")
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			switch p := draw(); {
			case p < 0.15:
				return nil, &temporary{}
			case p < 0.20:
				return nil, reject
			case p < 0.22:
				return nil, errors.New("permanent chunk failure")
			}
			errs := make([]error, len(chunk))
			for i := range chunk {
				switch p := draw(); {
				case p < 0.10:
					errs[i] = &temporary{}
				case p < 0.15:
					errs[i] = errors.New("bad record")
				}
			}
			return errs, nil
		})
		op := testOp(f, 1+int(seed%17))
		op.Isolate = func(err error) bool { return errors.Is(err, reject) }
		ctx, cancel := context.WithCancel(context.Background())
		if seed%4 == 3 {
			time.AfterFunc(2*time.Millisecond, cancel)
		}
		rep := RunSlice(ctx, op, Config{Concurrency: 1 + int(seed%5), Retry: fastRetry(4)}, records(500))
		cancel()
		checkReport(t, rep, 500)
		if err := landedOnce(f, rep); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
	}
}
