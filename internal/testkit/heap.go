package testkit

import (
	"runtime"
	"sync"
	"time"
)

// HeapPeak samples the heap in use (runtime.MemStats.HeapInuse) every
// interval until stop is called, and stop returns the highest sample, one
// taken at the stop included. For the tests that bound a large run's
// memory.
func HeapPeak(interval time.Duration) (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				sample()
				return
			case <-tick.C:
				sample()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}
