package batch

import (
	"context"
	"sync/atomic"
	"testing"
)

// TestStreamReadAheadIsBounded proves that a long sequence is read lazily:
// at no time has the engine read more than the chunks its workers hold, the
// chunks queued for them and the one being cut — so memory is bounded by
// concurrency × chunk size, not by the input.
func TestStreamReadAheadIsBounded(t *testing.T) {
	const (
		n        = 200_000
		chunk    = 50
		workers  = 4
		maxAhead = (2*workers + 1) * chunk // in flight + queued + being cut
	)
	var read, finished, worst atomic.Int64
	seq := func(yield func(rec) bool) {
		for i := range n {
			if ahead := read.Add(1) - finished.Load(); ahead > worst.Load() {
				worst.Store(ahead)
			}
			if !yield(rec{id: i}) {
				return
			}
		}
	}
	op := Op[rec, int]{Name: "stream", MaxItems: chunk, Send: func(ctx context.Context, c []rec) ([]Result[int], error) {
		return make([]Result[int], len(c)), nil
	}}
	cfg := Config{Concurrency: workers, Keep: KeepNone, OnProgress: func(p Progress) { finished.Store(int64(p.Done)) }}
	rep := Run(context.Background(), op, cfg, seq)
	if rep.Total != n || rep.Succeeded != n || !rep.Balanced() {
		t.Fatalf("total %d succeeded %d", rep.Total, rep.Succeeded)
	}
	if w := worst.Load(); w > maxAhead {
		t.Errorf("read %d records ahead of the finished ones; bound is %d", w, maxAhead)
	}
	if len(rep.Outcomes) != 0 {
		t.Errorf("KeepNone kept %d outcomes", len(rep.Outcomes))
	}
}
