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

const (
	benchChunk   = 100
	benchRecords = 100_000
)

// benchInput is the benchmarks' input as a slice or as a stream.
type benchInput struct {
	name  string
	slice []rec         // nil for a stream
	seq   iter.Seq[rec] // nil for a slice
}

func benchInputs() []benchInput {
	stream := func(yield func(rec) bool) {
		for i := range benchRecords {
			if !yield(rec{id: i, size: 10}) {
				return
			}
		}
	}
	return []benchInput{{name: "slice", slice: records(benchRecords)}, {name: "stream", seq: stream}}
}

// plainLoop is the baseline: cut the same input into chunks of benchChunk
// and call the same sender, counting successes, with no engine. A slice is
// cut in place (slices.Chunk); a stream is copied into one reused buffer.
// keep, when set, is given each chunk's results and the input index of its
// first record.
func plainLoop(in benchInput, keep func(first int, res []Result[int])) int {
	ok, read := 0, 0
	send := func(c []rec) {
		res, err := noopSend(context.Background(), c)
		if err != nil {
			panic(err)
		}
		for _, r := range res {
			if r.Err == nil {
				ok++
			}
		}
		if keep != nil {
			keep(read, res)
		}
		read += len(c)
	}
	if in.slice != nil {
		for c := range slices.Chunk(in.slice, benchChunk) {
			send(c)
		}
		return ok
	}
	buf := make([]rec, 0, benchChunk)
	for r := range in.seq {
		buf = append(buf, r)
		if len(buf) == benchChunk {
			send(buf)
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		send(buf)
	}
	return ok
}

// plainKeepAll is plainLoop keeping an Outcome for every record as a loop
// written by hand would: in a slice allocated at the input's length for a
// slice, appended to for a stream. It shows what keeping the outcomes costs
// with no engine at all.
func plainKeepAll(in benchInput) int {
	var outs []Outcome[int]
	if in.slice != nil {
		outs = make([]Outcome[int], 0, len(in.slice))
	}
	ok := plainLoop(in, func(first int, res []Result[int]) {
		for i, r := range res {
			outs = append(outs, Outcome[int]{Index: first + i, Status: Succeeded, Result: r.Value, Attempts: 1})
		}
	})
	if len(outs) != benchRecords {
		panic("lost outcomes")
	}
	return ok
}

// BenchmarkEngine measures the engine's cost per record with a no-op
// sender at concurrency 1, on a slice and on a stream, keeping every
// outcome or none. Compare with BenchmarkPlainLoop on the same input:
// cpu-ns/record is the process's CPU time per record (garbage collection
// included), which a loaded machine does not inflate as it does wall time;
// B/record is what the run allocated per record, the sender's results
// included (BenchmarkPlainLoop's B/record is the sender's share), and
// engine-B/record what it allocated beyond the plain loop on the same input.
// BenchmarkPlainKeepAll shows what keeping every outcome costs a loop
// written by hand.
//
//	go test -run '^$' -bench 'Engine|PlainLoop' -benchmem ./batch
func BenchmarkEngine(b *testing.B) {
	op := Op[rec, int]{Name: "bench", MaxItems: benchChunk, Send: noopSend}
	for _, in := range benchInputs() {
		for _, keep := range []struct {
			name string
			keep Keep
		}{{"keep=all", KeepAll}, {"keep=none", KeepNone}} {
			b.Run(in.name+"/"+keep.name, func(b *testing.B) {
				cfg := Config{Concurrency: 1, Keep: keep.keep}
				plainBytes := bytesPerRecord(func() { plainLoop(in, nil) })
				measure(b, plainBytes, func() int {
					var rep *Report[int]
					if in.slice != nil {
						rep = RunSlice(context.Background(), op, cfg, in.slice)
					} else {
						rep = Run(context.Background(), op, cfg, in.seq)
					}
					if keep.keep == KeepAll && len(rep.Outcomes) != benchRecords {
						b.Fatal("lost outcomes")
					}
					return rep.Succeeded
				})
			})
		}
	}
}

// BenchmarkPlainLoop is the baseline: slice (or read) the same input and
// call the same sender, counting successes, with no engine.
func BenchmarkPlainLoop(b *testing.B) {
	for _, in := range benchInputs() {
		b.Run(in.name, func(b *testing.B) {
			measure(b, -1, func() int { return plainLoop(in, nil) })
		})
	}
}

// BenchmarkPlainKeepAll is the plain loop keeping an Outcome per record by
// hand (plainKeepAll): what keeping every outcome costs with no engine, to
// set beside BenchmarkEngine's keep=all.
//
//	go test -run '^$' -bench 'Engine|Plain' -benchmem ./batch
func BenchmarkPlainKeepAll(b *testing.B) {
	for _, in := range benchInputs() {
		b.Run(in.name, func(b *testing.B) {
			measure(b, -1, func() int { return plainKeepAll(in) })
		})
	}
}

// measure runs one pass over benchRecords records per iteration and
// reports ns/record, cpu-ns/record and B/record, and, when plainBytes (the
// plain loop's B/record) is not negative, engine-B/record: B/record less
// plainBytes.
func measure(b *testing.B, plainBytes float64, pass func() (succeeded int)) {
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu := cpuTime()
	for b.Loop() {
		if pass() != benchRecords {
			b.Fatal("lost records")
		}
	}
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&m1)
	records := float64(b.N * benchRecords)
	perRecord := float64(m1.TotalAlloc-m0.TotalAlloc) / records
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/records, "ns/record")
	b.ReportMetric(float64(cpu.Nanoseconds())/records, "cpu-ns/record")
	b.ReportMetric(perRecord, "B/record")
	if plainBytes >= 0 {
		b.ReportMetric(perRecord-plainBytes, "engine-B/record")
	}
}

// bytesPerRecord returns what one pass over benchRecords records allocates
// per record.
func bytesPerRecord(pass func()) float64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	pass()
	runtime.ReadMemStats(&m1)
	return float64(m1.TotalAlloc-m0.TotalAlloc) / benchRecords
}

// BenchmarkRetries measures a run of 100,000 records in chunks of 100 where
// 2 % of the records are refused retryably on their first attempt, with
// the default retry policy (500 ms base backoff) at concurrency 4 against a
// sender with no latency. The retries wait in the queue while fresh chunks
// go, so the run takes about one backoff plus the work, not a backoff per
// chunk: s/run is its wall time, requests/run its requests.
//
//	go test -run '^$' -bench Retries -benchtime 3x ./batch
func BenchmarkRetries(b *testing.B) {
	const n = 100_000
	in := records(n)
	requests := 0
	for b.Loop() {
		op := Op[rec, int]{Name: "bench", MaxItems: benchChunk, Send: twoPercentRetryable(n)}
		rep := RunSlice(context.Background(), op, Config{Concurrency: 4, Keep: KeepNone}, in)
		if rep.Succeeded != n {
			b.Fatalf("succeeded %d of %d", rep.Succeeded, n)
		}
		requests += rep.Requests
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/run")
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
