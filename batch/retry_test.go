package batch

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestChunkRetryThenSuccess(t *testing.T) {
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		if call < 2 {
			return nil, &temporary{}
		}
		return nil, nil
	})
	rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5)}, records(10))
	checkReport(t, rep, 10)
	if rep.Succeeded != 10 || rep.Requests != 3 || rep.Retries != 2 {
		t.Fatalf("succeeded %d requests %d retries %d; want 10, 3, 2", rep.Succeeded, rep.Requests, rep.Retries)
	}
	if rep.Outcomes[0].Attempts != 3 {
		t.Errorf("Attempts = %d, want 3", rep.Outcomes[0].Attempts)
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

func TestRetryCapReachedFailsWithLastError(t *testing.T) {
	f := newFakeSender(func(int, []rec) ([]error, error) { return nil, &temporary{} })
	rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(3)}, records(4))
	checkReport(t, rep, 4)
	if rep.Failed != 4 || rep.Requests != 3 {
		t.Fatalf("failed %d requests %d; want 4 and 3", rep.Failed, rep.Requests)
	}
	var tmp *temporary
	if !errors.As(rep.Err(), &tmp) {
		t.Errorf("Err() = %v does not open to the sender's error", rep.Err())
	}
}

func TestRecordLevelRetryResendsOnlyFailedRecords(t *testing.T) {
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		errs := make([]error, len(chunk))
		for i, r := range chunk {
			switch {
			case r.id == 3 && call < 2: // retryable twice, then fine
				errs[i] = &temporary{}
			case r.id == 5: // permanent
				errs[i] = errors.New("invalid email")
			}
		}
		return errs, nil
	})
	rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5)}, records(8))
	checkReport(t, rep, 8)
	if diff := cmp.Diff([][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {3}, {3}}, f.sends); diff != "" {
		t.Errorf("sends (-want +got):\n%s", diff)
	}
	if rep.Succeeded != 7 || rep.Failed != 1 || rep.Outcomes[5].Status != Failed {
		t.Errorf("statuses %v", statuses(rep))
	}
	if rep.Outcomes[3].Attempts != 3 || rep.Retries != 2 {
		t.Errorf("record 3 attempts %d, retries %d; want 3 and 2", rep.Outcomes[3].Attempts, rep.Retries)
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

func TestStopRunEndsTheRun(t *testing.T) {
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		if call == 1 {
			return nil, quota{}
		}
		return nil, nil
	})
	rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5)}, records(45))
	checkReport(t, rep, 45)
	if rep.Succeeded != 10 || rep.NotAttempted != 35 || rep.Failed != 0 {
		t.Fatalf("got %d/%d/%d, want 10 succeeded, 35 not attempted", rep.Succeeded, rep.Failed, rep.NotAttempted)
	}
	for _, o := range rep.Outcomes[10:] {
		if !errors.As(o.Err, new(quota)) {
			t.Fatalf("record %d: err %v, want the quota error", o.Index, o.Err)
		}
	}
	if rep.Requests != 2 {
		t.Errorf("Requests = %d, want 2 (nothing sent after the stop)", rep.Requests)
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

func TestIsolationByHalvingNamesTheBadRecords(t *testing.T) {
	bad := map[int]bool{3: true, 12: true}
	rejected := errors.New("request rejected as a whole")
	f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
		for _, r := range chunk {
			if bad[r.id] {
				return nil, rejected
			}
		}
		return nil, nil
	})
	op := testOp(f, 16)
	op.Isolate = func(err error) bool { return errors.Is(err, rejected) }
	rep := RunSlice(context.Background(), op, Config{Retry: fastRetry(2)}, records(16))
	checkReport(t, rep, 16)
	if rep.Succeeded != 14 || rep.Failed != 2 {
		t.Fatalf("succeeded %d failed %d; want 14 and 2", rep.Succeeded, rep.Failed)
	}
	for id := range bad {
		if o := rep.Outcomes[id]; o.Status != Failed || !errors.Is(o.Err, rejected) {
			t.Errorf("record %d: %v %v", id, o.Status, o.Err)
		}
		// 16 → 8 → 4 → 2 → 1: a bad record is sent five times in all.
		if o := rep.Outcomes[id]; o.Attempts != 5 {
			t.Errorf("record %d: Attempts = %d, want 5 (every isolation round counted)", id, o.Attempts)
		}
	}
	// 16 → 8+8 → (4+4)+(4+4) → … : far fewer than one request per record.
	if rep.Requests >= 16 {
		t.Errorf("Requests = %d; halving should need fewer than one per record", rep.Requests)
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}

func TestNoIsolationWithoutOptIn(t *testing.T) {
	f := newFakeSender(func(int, []rec) ([]error, error) { return nil, errors.New("rejected") })
	rep := RunSlice(context.Background(), testOp(f, 8), Config{}, records(8))
	checkReport(t, rep, 8)
	if rep.Failed != 8 || rep.Requests != 1 {
		t.Fatalf("failed %d requests %d; want 8 and 1", rep.Failed, rep.Requests)
	}
}

func TestResultCountMismatchFailsTheChunk(t *testing.T) {
	op := Op[rec, int]{Name: "short", MaxItems: 5, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
		return make([]Result[int], len(chunk)-1), nil
	}}
	rep := RunSlice(context.Background(), op, Config{}, records(5))
	checkReport(t, rep, 5)
	if rep.Failed != 5 || !errors.Is(rep.Outcomes[0].Err, ErrResultCount) {
		t.Fatalf("failed %d, err %v", rep.Failed, rep.Outcomes[0].Err)
	}
}

func TestBackoffBoundsAndJitter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n <= 8; n++ {
		ceiling := min(100*time.Millisecond<<(n-1), time.Second)
		seen := map[time.Duration]bool{}
		for range 200 {
			d := p.Backoff(n)
			if d < 0 || d > ceiling {
				t.Fatalf("Backoff(%d) = %v, outside [0, %v]", n, d, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("Backoff(%d) took only %d distinct values in 200 draws: no jitter", n, len(seen))
		}
	}
	if d := (RetryPolicy{}).Backoff(1); d > DefaultRetryPolicy().BaseDelay {
		t.Errorf("zero policy Backoff(1) = %v, want at most the default base delay", d)
	}
}

func TestTransportRetriesAreCounted(t *testing.T) {
	op := Op[rec, int]{Name: "t", MaxItems: 10, Send: func(ctx context.Context, chunk []rec) ([]Result[int], error) {
		AddTransportRetries(ctx, 2) // the HTTP layer sent this request three times
		return make([]Result[int], len(chunk)), nil
	}}
	rep := RunSlice(context.Background(), op, Config{Concurrency: 2}, records(25))
	checkReport(t, rep, 25)
	if rep.Requests != 9 || rep.Retries != 6 {
		t.Errorf("Requests %d Retries %d; want 9 and 6", rep.Requests, rep.Retries)
	}
	AddTransportRetries(context.Background(), 1) // outside the engine: no effect, no panic
}

// limited is a retryable error with its own attempt limit.
type limited struct{ n int }

func (e limited) Error() string    { return "server exception" }
func (e limited) Retryable() bool  { return true }
func (e limited) MaxAttempts() int { return e.n }

func TestErrorSetsItsOwnAttemptLimit(t *testing.T) {
	for _, tt := range []struct{ errLimit, wantRequests int }{{2, 2}, {8, 8}} {
		f := newFakeSender(func(int, []rec) ([]error, error) { return nil, limited{tt.errLimit} })
		rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5)}, records(3))
		checkReport(t, rep, 3)
		if rep.Failed != 3 || rep.Requests != tt.wantRequests {
			t.Errorf("limit %d: failed %d after %d requests; want 3 after %d", tt.errLimit, rep.Failed, rep.Requests, tt.wantRequests)
		}
	}
}

func TestRetryBudgetCapsRetriesAcrossChunks(t *testing.T) {
	budget := NewRetryBudget(3, 0)
	f := newFakeSender(func(int, []rec) ([]error, error) { return nil, &temporary{} }) // a sick server
	rep := RunSlice(context.Background(), testOp(f, 10), Config{Concurrency: 4, Retry: fastRetry(10), RetryBudget: budget}, records(80))
	checkReport(t, rep, 80)
	// 8 chunks sent once each, plus the 3 retries the budget allows.
	if rep.Requests != 11 || rep.Retries != 3 || rep.Failed != 80 {
		t.Fatalf("requests %d retries %d failed %d; want 11, 3, 80", rep.Requests, rep.Retries, rep.Failed)
	}
	exhausted := 0
	for _, o := range rep.Outcomes {
		if errors.Is(o.Err, ErrRetryBudgetExhausted) {
			exhausted++
		}
	}
	// The three retried chunks failed again, then found the budget empty,
	// like the other five: every record failed on the empty budget.
	if exhausted != 80 {
		t.Errorf("%d records failed on the empty budget, want 80", exhausted)
	}
	if budget.Remaining() != 0 {
		t.Errorf("Remaining = %d, want 0", budget.Remaining())
	}
}

func TestRetryBudgetRefillsOnSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		budget := NewRetryBudget(1, 0.5)
		f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
			if call%2 == 0 {
				return nil, &temporary{} // every other request fails once
			}
			return nil, nil
		})
		rep := RunSlice(context.Background(), testOp(f, 10), Config{Retry: fastRetry(5), RetryBudget: budget}, records(40))
		checkReport(t, rep, 40)
		// Requests 0, 2, 4 … fail, and a retry waits while fresh chunks go
		// (the clock stands still while the engine works). Chunk 0 fails
		// and spends the only token; chunk 1 succeeds (+0.5); chunk 2
		// fails with 0.5 left: no retry, it fails; chunk 3 succeeds (+0.5
		// = 1); chunk 0's retry fails, spends the token, and its second
		// retry succeeds.
		if rep.Succeeded != 30 || rep.Failed != 10 || rep.Outcomes[20].Status != Failed {
			t.Fatalf("succeeded %d failed %d; want chunk 2 alone failed", rep.Succeeded, rep.Failed)
		}
		if !errors.Is(rep.Outcomes[20].Err, ErrRetryBudgetExhausted) || rep.Outcomes[0].Attempts != 3 {
			t.Errorf("record 20: %v; record 0 sent %d times, want 3", rep.Outcomes[20].Err, rep.Outcomes[0].Attempts)
		}
		if err := landedOnce(f, rep); err != nil {
			t.Error(err)
		}
	})
}
