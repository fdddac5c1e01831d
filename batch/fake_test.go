package batch

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// rec is a test record: its id doubles as its key.
type rec struct {
	id   int
	size int
}

// fakeSender records what reached it and answers as told.
type fakeSender struct {
	mu       sync.Mutex
	landed   map[int]int // id → times it reached the sender and succeeded
	sends    [][]int     // ids of every Send, in call order
	inFlight atomic.Int32
	peak     atomic.Int32
	delay    time.Duration

	// answer decides each Send: a chunk-level error, or per-record errors.
	answer func(call int, chunk []rec) ([]error, error)
}

func newFakeSender(answer func(call int, chunk []rec) ([]error, error)) *fakeSender {
	return &fakeSender{landed: map[int]int{}, answer: answer}
}

func (f *fakeSender) send(ctx context.Context, chunk []rec) ([]Result[int], error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	call := len(f.sends)
	ids := make([]int, len(chunk))
	for i, r := range chunk {
		ids[i] = r.id
	}
	f.sends = append(f.sends, ids)
	f.mu.Unlock()

	var errs []error
	var err error
	if f.answer != nil {
		errs, err = f.answer(call, chunk)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Result[int], len(chunk))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range chunk {
		out[i].Value = r.id * 10
		if errs != nil && errs[i] != nil {
			out[i].Err = errs[i]
			continue
		}
		f.landed[r.id]++
	}
	return out, nil
}

// sendSizes returns the size of every Send made, in call order.
func (f *fakeSender) sendSizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n []int
	for _, s := range f.sends {
		n = append(n, len(s))
	}
	return n
}

// landedOnce returns an error unless exactly the ids of the succeeded
// outcomes reached the sender successfully, each once.
func landedOnce(f *fakeSender, rep *Report[int]) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[int]bool{}
	for _, o := range rep.Outcomes {
		if o.Status == Succeeded {
			want[o.Index] = true
			if o.Result != o.Index*10 {
				return fmt.Errorf("record %d has result %d", o.Index, o.Result)
			}
		}
	}
	for id, n := range f.landed {
		if n != 1 {
			return fmt.Errorf("record %d landed %d times", id, n)
		}
		if !want[id] {
			return fmt.Errorf("record %d landed but is reported %v", id, rep.Outcomes[id].Status)
		}
	}
	if len(f.landed) != len(want) {
		return fmt.Errorf("%d records landed, %d reported succeeded", len(f.landed), len(want))
	}
	return nil
}

// records returns n records with ids 0..n-1 (id == input index).
func records(n int) []rec {
	out := make([]rec, n)
	for i := range out {
		out[i] = rec{id: i, size: 10}
	}
	return out
}

// testOp is an operation over rec with key = id.
func testOp(f *fakeSender, maxItems int) Op[rec, int] {
	return Op[rec, int]{
		Name:     "test op",
		Send:     f.send,
		Key:      func(r rec) string { return fmt.Sprint(r.id) },
		MaxItems: maxItems,
	}
}

// fastRetry is a retry policy with tiny waits for tests.
func fastRetry(attempts int) RetryPolicy {
	return RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}
}

// statuses lists the status of every outcome.
func statuses(rep *Report[int]) []Status {
	var s []Status
	for _, o := range rep.Outcomes {
		s = append(s, o.Status)
	}
	return s
}

func repeat[T any](v T, n int) []T { return slices.Repeat([]T{v}, n) }

// temporary is a retryable test error.
type temporary struct{ after time.Duration }

func (e *temporary) Error() string             { return "temporarily unavailable" }
func (e *temporary) Retryable() bool           { return true }
func (e *temporary) RetryAfter() time.Duration { return e.after }

// quota is a run-stopping test error.
type quota struct{}

func (quota) Error() string { return "daily quota exhausted" }
func (quota) StopRun() bool { return true }

// twoPercentRetryable returns a sender over records 0..n-1 that refuses 2 %
// of them (ids 7, 57, 107 …) retryably on their first attempt only, and
// accepts everything else.
func twoPercentRetryable(n int) func(context.Context, []rec) ([]Result[int], error) {
	refused := make([]atomic.Bool, n)
	return func(_ context.Context, chunk []rec) ([]Result[int], error) {
		out := make([]Result[int], len(chunk))
		for i, r := range chunk {
			out[i].Value = r.id * 10
			if r.id%50 == 7 && refused[r.id].CompareAndSwap(false, true) {
				out[i].Err = &temporary{}
			}
		}
		return out, nil
	}
}
