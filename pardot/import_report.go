package pardot

import (
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// report builds the run's report, as Config.Keep asks, calling the
// OnOutcome hook for each record.
func (r *importRun) report(o operation, start time.Time) (*batch.Report[Result], error) {
	cfg := r.c.cfg.Engine
	rep := &batch.Report[Result]{Op: "pardot import " + o.path(), Total: len(r.status),
		Requests: r.requests, Retries: r.retries, InputIncomplete: r.halt != nil}
	for i, status := range r.status {
		err := r.errs[i]
		switch status {
		case batch.Succeeded:
			rep.Succeeded++
		case batch.Failed:
			rep.Failed++
		default:
			status = batch.NotAttempted
			if err == nil {
				err = r.halt
			}
			rep.NotAttempted++
		}
		if cfg.OnOutcome != nil {
			cfg.OnOutcome(i, r.keys[i], status, err)
		}
		if status == batch.Succeeded && cfg.Keep != batch.KeepAll || cfg.Keep == batch.KeepNone {
			continue
		}
		out := batch.Outcome[Result]{Index: i, Key: r.keys[i], Status: status, Err: err}
		if status == batch.Succeeded || status == batch.Failed && !vendorkit.IsLocal(err) {
			out.Attempts = 1
		}
		rep.Outcomes = append(rep.Outcomes, out)
	}
	rep.Elapsed = time.Since(start)
	if cfg.OnProgress != nil {
		cfg.OnProgress(batch.Progress{Total: rep.Total, TotalKnown: r.halt == nil, Done: rep.Total,
			Succeeded: rep.Succeeded, Failed: rep.Failed, NotAttempted: rep.NotAttempted,
			Requests: rep.Requests, Retries: rep.Retries, Elapsed: rep.Elapsed})
	}
	err := rep.Err()
	if re, ok := err.(*batch.RunError); ok && r.halt != nil {
		re.Cause = r.halt
	}
	return rep, err
}
