package batch

import (
	"context"
	"iter"
	"runtime"
	"slices"
	"testing"
)

// noopSend is the sender both benchmarks call: it accepts every record.
func noopSend(_ context.Context, chunk []rec) ([]Result[int], error) {
	return make([]Result[int], len(chunk)), nil
}

const benchChunk = 100

// BenchmarkEngine measures the engine's overhead per record with a no-op
// sender at concurrency 1. Compare with BenchmarkPlainLoop.
func BenchmarkEngine(b *testing.B) {
	in := records(100_000)
	op := Op[rec, int]{Name: "bench", MaxItems: benchChunk, Send: noopSend}
	for _, keep := range []struct {
		name string
		keep Keep
	}{{"keep=all", KeepAll}, {"keep=none", KeepNone}} {
		b.Run(keep.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep := RunSlice(context.Background(), op, Config{Concurrency: 1, Keep: keep.keep}, in)
				if rep.Succeeded != len(in) {
					b.Fatal("lost records")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/record")
		})
	}
}

// BenchmarkPlainLoop is the baseline: slice the same input and call the
// same sender, counting successes, with no engine.
func BenchmarkPlainLoop(b *testing.B) {
	in := records(100_000)
	b.ReportAllocs()
	for b.Loop() {
		ok := 0
		for c := range slices.Chunk(in, benchChunk) {
			res, err := noopSend(context.Background(), c)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err == nil {
					ok++
				}
			}
		}
		if ok != len(in) {
			b.Fatal("lost records")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/record")
}

// BenchmarkStreamMillion streams 1,000,000 records from an iter.Seq with
// KeepNone and reports the peak heap in use, which stays near the size of
// the chunks in flight, not the input.
func BenchmarkStreamMillion(b *testing.B) {
	const n = 1_000_000
	var seq iter.Seq[rec] = func(yield func(rec) bool) {
		for i := range n {
			if !yield(rec{id: i, size: 10}) {
				return
			}
		}
	}
	op := Op[rec, int]{Name: "bench", MaxItems: benchChunk, Send: noopSend}
	var peak uint64
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		cfg := Config{Concurrency: 4, Keep: KeepNone, OnProgress: func(p Progress) {
			if p.Done%100_000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse-min(m.HeapInuse, before.HeapInuse))
			}
		}}
		if rep := Run(context.Background(), op, cfg, seq); rep.Succeeded != n {
			b.Fatal("lost records")
		}
	}
	b.ReportMetric(float64(peak), "peak-heap-bytes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
