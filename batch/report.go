package batch

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Report is the account of a run: counts, and one Outcome per input record
// (as Config.Keep allows). Succeeded + Failed + NotAttempted == Total always.
type Report[R any] struct {
	Op                                     string
	Total, Succeeded, Failed, NotAttempted int
	// Requests is the number of requests sent, retries included: one per
	// Send call, plus the HTTP layer's own retries (see AddTransportRetries).
	Requests int
	// Retries is the number of those requests that were retries.
	Retries int
	Elapsed time.Duration
	// Outcomes are sorted by Index. With KeepAll, Outcomes[i].Index == i.
	Outcomes []Outcome[R]

	firstErrs []*RecordError // the first few record errors, kept under every Keep mode
}

// maxFirstErrors is how many record errors a report keeps for Err when
// Keep is KeepNone.
const maxFirstErrors = 10

// Balanced reports whether the counts add up to Total.
func (r *Report[R]) Balanced() bool {
	return r.Succeeded+r.Failed+r.NotAttempted == r.Total
}

// Err returns nil when every record succeeded, else a *RunError that gives
// the counts and unwraps to the per-record errors (*RecordError, each
// unwrapping to the vendor's error).
func (r *Report[R]) Err() error {
	if r.Failed == 0 && r.NotAttempted == 0 {
		return nil
	}
	e := &RunError{Op: r.Op, Total: r.Total, Failed: r.Failed, NotAttempted: r.NotAttempted}
	if len(r.Outcomes) > 0 {
		for _, o := range r.Outcomes {
			if o.Status != Succeeded {
				e.Records = append(e.Records, &RecordError{Index: o.Index, Key: o.Key, Status: o.Status, Err: o.Err})
			}
		}
	}
	if len(e.Records) == 0 {
		e.Records = slices.Clone(r.firstErrs)
	}
	return e
}

// Outcome returns the outcome of the record at input index i, if the
// report kept it.
func (r *Report[R]) Outcome(i int) (Outcome[R], bool) {
	if i < len(r.Outcomes) && r.Outcomes[i].Index == i {
		return r.Outcomes[i], true
	}
	n, ok := slices.BinarySearchFunc(r.Outcomes, i, func(o Outcome[R], i int) int { return o.Index - i })
	if !ok {
		return Outcome[R]{}, false
	}
	return r.Outcomes[n], true
}

// recorder accumulates outcomes from the producer and the workers.
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
	// readCount counts the records read from a sequence of unknown length.
	readCount atomic.Int64
}

// read notes that one more record was read from the input.
func (rc *recorder[R]) read() { rc.readCount.Add(1) }

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

// recordWithSuccesses stores final outcomes, counts `succeeded` more records
// that succeeded without an Outcome, and reports progress.
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
			if o.Index < len(rep.Outcomes) {
				rep.Outcomes[o.Index] = *o
			} else {
				rep.Outcomes = append(rep.Outcomes, make([]Outcome[R], o.Index+1-len(rep.Outcomes))...)
				rep.Outcomes[o.Index] = *o
			}
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

// finish sorts the kept outcomes and stamps the elapsed time.
func (rc *recorder[R]) finish() *Report[R] {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.cfg.Keep == KeepFailures {
		slices.SortFunc(rc.rep.Outcomes, func(a, b Outcome[R]) int { return a.Index - b.Index })
	}
	slices.SortFunc(rc.rep.firstErrs, func(a, b *RecordError) int { return a.Index - b.Index })
	rc.rep.Total = rc.total()
	rc.rep.Elapsed = time.Since(rc.start)
	return rc.rep
}
