package testkit

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// side is one of the two runs VersusPlain compares.
type side struct {
	elapsed time.Duration
	mallocs uint64
	bytes   uint64
}

// measure runs f once and adds its time and allocations to s.
func (s *side) measure(b *testing.B, f func() error) time.Duration {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		b.Fatal(err)
	}
	s.elapsed += took
	s.mallocs += after.Mallocs - before.Mallocs
	s.bytes += after.TotalAlloc - before.TotalAlloc
	return took
}

// VersusPlain benchmarks a client beside a plain net/http loop doing the
// same work, in the same run: each iteration runs both, alternating which
// goes first, so both see the same machine load. records is how many
// records one call of either function moves. It reports, per record, the
// nanoseconds, allocations and bytes of each side (client-…, plain-…),
// and the ratios client/plain of wall time (summed, and the median of the
// per-iteration ratios, which shrugs off a load spike) and of
// allocations.
func VersusPlain(b *testing.B, records int, client, plain func() error) {
	b.Helper()
	// One call each before measuring: connections, caches and lazily
	// built state are then the same for both sides.
	if err := client(); err != nil {
		b.Fatal(err)
	}
	if err := plain(); err != nil {
		b.Fatal(err)
	}
	var c, p side
	var ratios []float64
	for i := 0; b.Loop(); i++ {
		var ct, pt time.Duration
		if i%2 == 0 {
			ct = c.measure(b, client)
			pt = p.measure(b, plain)
		} else {
			pt = p.measure(b, plain)
			ct = c.measure(b, client)
		}
		ratios = append(ratios, ct.Seconds()/pt.Seconds())
	}
	b.StopTimer()
	n := float64(b.N * records)
	slices.Sort(ratios)
	b.ReportMetric(float64(c.elapsed.Nanoseconds())/n, "client-ns/record")
	b.ReportMetric(float64(p.elapsed.Nanoseconds())/n, "plain-ns/record")
	b.ReportMetric(float64(c.mallocs)/n, "client-allocs/record")
	b.ReportMetric(float64(p.mallocs)/n, "plain-allocs/record")
	b.ReportMetric(float64(c.bytes)/n, "client-B/record")
	b.ReportMetric(float64(p.bytes)/n, "plain-B/record")
	b.ReportMetric(c.elapsed.Seconds()/p.elapsed.Seconds(), "wall-client/plain")
	b.ReportMetric(ratios[len(ratios)/2], "median-client/plain")
	b.ReportMetric(float64(c.mallocs)/float64(p.mallocs), "allocs-client/plain")
}
