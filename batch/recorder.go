package batch

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// recorder accumulates the final outcomes from the producer and the
// workers. Counts, Keep modes other than KeepAll, the first errors and the
// callbacks go through its lock once per chunk; under KeepAll a success is
// written straight into its own slot, with no lock (each record is settled
// by exactly one goroutine, and finish runs after every one has returned).
type recorder[R any] struct {
	mu         sync.Mutex
	rep        *Report[R]
	cfg        *Config
	totalKnown bool
	start      time.Time
	// wantSuccesses is false when no one reads a succeeded record's
	// Outcome (KeepFailures or KeepNone, no OnOutcome): successes are
	// then only counted.
	wantSuccesses bool
	// direct is set under KeepAll with no OnOutcome: the workers store
	// successes themselves (keptAll.successes).
	direct bool
	// readCount counts the records read from the input.
	readCount atomic.Int64

	all *keptAll[R] // KeepAll's outcomes; nil under other modes
}

// newRecorder returns a recorder for a run over total records (-1 when
// unknown) with the given keyed-ness of records.
func newRecorder[R any](cfg *Config, op string, total int, keyed bool) *recorder[R] {
	rc := &recorder[R]{
		rep: &Report[R]{Op: op}, cfg: cfg, totalKnown: total >= 0, start: time.Now(),
		wantSuccesses: cfg.Keep == KeepAll || cfg.OnOutcome != nil,
		direct:        cfg.Keep == KeepAll && cfg.OnOutcome == nil,
	}
	if total >= 0 {
		rc.rep.Total = total
	}
	if cfg.Keep == KeepAll {
		rc.all = newKeptAll[R](total, keyed)
	}
	return rc
}

// total is the number of input records: the whole input when known, else
// those read so far.
func (rc *recorder[R]) total() int {
	if rc.totalKnown {
		return rc.rep.Total
	}
	return int(rc.readCount.Load())
}

// request counts one request, and whether it was a retry.
func (rc *recorder[R]) request(retry bool) {
	rc.mu.Lock()
	rc.rep.Requests++
	if retry {
		rc.rep.Retries++
	}
	rc.mu.Unlock()
}

// transportRetries counts n requests the HTTP layer retried on its own.
func (rc *recorder[R]) transportRetries(n int) {
	if n <= 0 {
		return
	}
	rc.mu.Lock()
	rc.rep.Requests += n
	rc.rep.Retries += n
	rc.mu.Unlock()
}

// record stores final outcomes and reports progress.
func (rc *recorder[R]) record(outs []Outcome[R]) { rc.recordWithSuccesses(outs, 0) }

// recordWithSuccesses stores final outcomes, counts `succeeded` more
// records that succeeded without an Outcome passing through here (counted
// only, or stored by the workers under KeepAll), and reports progress.
func (rc *recorder[R]) recordWithSuccesses(outs []Outcome[R], succeeded int) {
	if len(outs) == 0 && succeeded == 0 {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rep := rc.rep
	rep.Succeeded += succeeded
	for i := range outs {
		o := &outs[i]
		switch o.Status {
		case Succeeded:
			rep.Succeeded++
		case Failed:
			rep.Failed++
		default:
			o.Status = NotAttempted
			rep.NotAttempted++
		}
		if o.Status != Succeeded && len(rep.firstErrs) < maxFirstErrors {
			rep.firstErrs = append(rep.firstErrs, &RecordError{Index: o.Index, Key: o.Key, Status: o.Status, Err: o.Err})
		}
		switch rc.cfg.Keep {
		case KeepAll:
			rc.all.put(o)
		case KeepFailures:
			if o.Status != Succeeded {
				rep.Outcomes = append(rep.Outcomes, *o)
			}
		}
		if rc.cfg.OnOutcome != nil {
			rc.cfg.OnOutcome(o.Index, o.Key, o.Status, o.Err)
		}
	}
	if rc.cfg.OnProgress != nil {
		rc.cfg.OnProgress(Progress{
			Total: rc.total(), TotalKnown: rc.totalKnown,
			Done:      rep.Succeeded + rep.Failed + rep.NotAttempted,
			Succeeded: rep.Succeeded, Failed: rep.Failed, NotAttempted: rep.NotAttempted,
			Requests: rep.Requests, Retries: rep.Retries, Elapsed: time.Since(rc.start),
		})
	}
}

// finish assembles the kept outcomes and stamps the totals and the elapsed
// time. It runs once every goroutine of the run has returned.
// halted is why the run ended early (nil if it did not).
func (rc *recorder[R]) finish(inputIncomplete bool, halted error) *Report[R] {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rep := rc.rep
	rep.Total = rc.total()
	rep.InputIncomplete = inputIncomplete
	if inputIncomplete {
		rep.haltErr = halted
	}
	switch rc.cfg.Keep {
	case KeepAll:
		rep.Outcomes = rc.all.outcomes(rep.Total, rep.Succeeded+rep.Failed+rep.NotAttempted)
	case KeepFailures:
		slices.SortFunc(rep.Outcomes, func(a, b Outcome[R]) int { return a.Index - b.Index })
	}
	slices.SortFunc(rep.firstErrs, func(a, b *RecordError) int { return a.Index - b.Index })
	rep.Elapsed = time.Since(rc.start)
	return rep
}
