package testkit

import (
	"fmt"
	"io"
	"net/http"
	"sync"
)

// PlainDo is how the benchmarks' plain loops (the baselines beside
// VersusPlain) send one request: hc.Do, the whole answer read, and an
// error, with the start of the body, for a status outside 2xx. It
// returns the status, so that a loop can want one exact status.
func PlainDo(hc *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, body, fmt.Errorf("%s: %.200s", resp.Status, body)
	}
	return resp.StatusCode, body, nil
}

// PlainChunks is the plain loops' worker pool: it calls send for each
// chunk [from, to) of n records, size records a chunk, from workers
// goroutines, and returns the first error. A worker whose send failed
// sends nothing more.
func PlainChunks(n, size, workers int, send func(from, to int) error) error {
	starts := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var first error
			for from := range starts {
				if first == nil {
					first = send(from, min(from+size, n))
				}
			}
			errs <- first
		})
	}
	for from := 0; from < n; from += size {
		starts <- from
	}
	close(starts)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
