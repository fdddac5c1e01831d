package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// sendWatch checks Config.OnSend against the sends: each request's records
// must have been reported, in the request's order, just before its Send,
// and a report must be followed by its Send.
type sendWatch struct {
	mu       sync.Mutex
	pending  map[string]int // the reported requests not yet sent, by their indices
	reported map[int]int    // index → times reported
	errs     []error
}

func newSendWatch() *sendWatch {
	return &sendWatch{pending: map[string]int{}, reported: map[int]int{}}
}

// onSend is the hook under test.
func (w *sendWatch) onSend(indices []int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending[fmt.Sprint(indices)]++
	for _, i := range indices {
		w.reported[i]++
	}
}

// wrap returns send, checking first that its chunk was reported.
func (w *sendWatch) wrap(send func(context.Context, []rec) ([]Result[int], error)) func(context.Context, []rec) ([]Result[int], error) {
	return func(ctx context.Context, chunk []rec) ([]Result[int], error) {
		ids := make([]int, len(chunk))
		for i, r := range chunk {
			ids[i] = r.id
		}
		key := fmt.Sprint(ids)
		w.mu.Lock()
		if w.pending[key] == 0 {
			w.errs = append(w.errs, fmt.Errorf("request %v sent without being reported first", ids))
		} else {
			w.pending[key]--
		}
		w.mu.Unlock()
		return send(ctx, chunk)
	}
}

// check compares the reports with the outcomes: every record was reported
// exactly as often as it was sent (Outcome.Attempts), so a record never
// sent was never reported, and no report was left without its Send.
func (w *sendWatch) check(t *testing.T, rep *Report[int]) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, err := range w.errs {
		t.Error(err)
	}
	for key, n := range w.pending {
		if n != 0 {
			t.Errorf("request %s reported %d more times than sent", key, n)
		}
	}
	for _, o := range rep.Outcomes {
		if w.reported[o.Index] != int(o.Attempts) {
			t.Errorf("record %d (%v) reported sent %d times, sent %d times", o.Index, o.Status, w.reported[o.Index], o.Attempts)
		}
	}
}

// TestOnSendReportsEveryRequest: OnSend names the records of every request
// before it goes, retries and isolation halves included, from several
// workers at once, and never names a record that is not sent.
func TestOnSendReportsEveryRequest(t *testing.T) {
	const n = 2000
	rejected := errors.New("chunk rejected")
	cases := map[string]struct {
		send    func(context.Context, []rec) ([]Result[int], error)
		isolate bool
		cancel  bool
	}{
		"retries": {send: twoPercentRetryable(n)},
		"isolation halves": {isolate: true, send: func(_ context.Context, chunk []rec) ([]Result[int], error) {
			for _, r := range chunk {
				if r.id%97 == 5 && len(chunk) > 1 {
					return nil, rejected // rejected whole while it holds a bad record
				}
			}
			out := make([]Result[int], len(chunk))
			for i, r := range chunk {
				out[i].Value = r.id * 10
				if r.id%97 == 5 {
					out[i].Err = rejected
				}
			}
			return out, nil
		}},
		"cancelled mid-run": {cancel: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f := newFakeSender(func(call int, chunk []rec) ([]error, error) {
				if call == 20 {
					cancel()
				}
				return nil, nil
			})
			send := tc.send
			if tc.cancel {
				send = f.send
			}
			w := newSendWatch()
			op := testOp(f, 25)
			op.Send = w.wrap(send)
			if tc.isolate {
				op.Isolate = func(err error) bool { return errors.Is(err, rejected) }
			}
			rep := RunSlice(ctx, op, Config{Concurrency: 4, Retry: fastRetry(3), OnSend: w.onSend}, records(n))
			checkReport(t, rep, n)
			w.check(t, rep)
			if tc.cancel && rep.NotAttempted == 0 {
				t.Fatalf("no record left unsent by the cancellation: %d succeeded", rep.Succeeded)
			}
			if !tc.cancel && (rep.Requests <= n/25 || len(w.reported) != n) {
				t.Errorf("%d requests for %d chunks, %d records reported: the case did not exercise resends", rep.Requests, n/25, len(w.reported))
			}
		})
	}
}

// TestOnSendSliceIsTheRequest: the indices are the request's records in
// its order, also when reading a sequence with one worker.
func TestOnSendSliceIsTheRequest(t *testing.T) {
	f := newFakeSender(nil)
	var got [][]int
	cfg := Config{OnSend: func(indices []int) { got = append(got, slices.Clone(indices)) }}
	seq := func(yield func(rec) bool) {
		for _, r := range records(23) {
			if !yield(r) {
				return
			}
		}
	}
	Run(context.Background(), testOp(f, 10), cfg, seq)
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.EqualFunc(got, f.sends, slices.Equal) || len(got) != 3 {
		t.Errorf("reported %v, sent %v", got, f.sends)
	}
}
