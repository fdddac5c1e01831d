package batch

import (
	"slices"
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
	// Retries is the number of those requests that were retries: requests
	// carrying at least one record sent before after a retryable failure
	// (records to retry ride with fresh ones), plus the HTTP layer's own.
	// The halves of a chunk refused as a whole are isolation, not retries:
	// they count in Requests only, unless a half is itself sent again.
	Retries int
	Elapsed time.Duration
	// InputIncomplete is set when Run stopped reading its iter.Seq before
	// the sequence ended, because the context ended or the run was stopped
	// (StopRun). Total, the counts and Outcomes then cover only the records
	// read; the rest of the sequence was never pulled and is in no count.
	// RunSlice never sets it: the records of a slice left unread are
	// reported NotAttempted, so its Total is always len(in).
	InputIncomplete bool
	// Outcomes are sorted by Index. With KeepAll, Outcomes[i].Index == i.
	Outcomes []Outcome[R]

	firstErrs []*RecordError // the first few record errors, kept under every Keep mode
	haltErr   error          // why the input was not read to its end, with InputIncomplete
}

// maxFirstErrors is how many record errors a report keeps for Err when
// Keep is KeepNone.
const maxFirstErrors = 10

// Balanced reports whether the counts add up to Total.
func (r *Report[R]) Balanced() bool {
	return r.Succeeded+r.Failed+r.NotAttempted == r.Total
}

// Err returns nil when every record succeeded and the input was read to
// its end, else a *RunError that gives the counts and unwraps to the
// per-record errors (*RecordError, each unwrapping to the vendor's error)
// and, when the input was not read to its end, to the reason (the
// context's error, or the error that stopped the run).
func (r *Report[R]) Err() error {
	if r.Failed == 0 && r.NotAttempted == 0 && !r.InputIncomplete {
		return nil
	}
	e := &RunError{Op: r.Op, Total: r.Total, Failed: r.Failed, NotAttempted: r.NotAttempted,
		InputIncomplete: r.InputIncomplete, Cause: r.haltErr}
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
