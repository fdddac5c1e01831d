package main

import (
	"context"
	"errors"
	"io"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/crmbatch/crmbatch/batch"
)

// job is what a target needs to run one import.
type job struct {
	opts     options
	getenv   func(string) string
	stdout   io.Writer
	tracker  *tracker
	progress func(batch.Progress)
	// badRows counts input lines rejected before the engine saw them.
	badRows atomic.Int64
}

// useFake reports whether to run against the vendor's in-process fake
// server: asked for with -fake, and always for -dry-run, so that every
// client-side check runs and nothing reaches the vendor.
func (j *job) useFake() bool { return j.opts.fake || j.opts.dryRun }

// summary is a target's account of an import.
type summary struct {
	total, succeeded, failed, notAttempted int
	requests, retries                      int
}

// summarize turns a report into a summary.
func summarize[R any](rep *batch.Report[R]) summary {
	return summary{total: rep.Total, succeeded: rep.Succeeded, failed: rep.Failed,
		notAttempted: rep.NotAttempted, requests: rep.Requests, retries: rep.Retries}
}

// target is one vendor the command can import into.
type target struct {
	// ops are the operations, the default first.
	ops []string
	// run imports rows (or checks them, under -dry-run) and returns the
	// engine's counts. Its batch.Config must carry j.progress and
	// j.tracker.outcome, with KeepNone so memory stays constant.
	run func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error)
}

// errInterrupted is the reason given for records not sent after Ctrl-C.
var errInterrupted = errors.New("interrupted before it was sent")

// tracker remembers the records in flight (by the engine's input index)
// until their outcome arrives, so a reject can name its input line and
// carry the record; after an interrupt it reports every record still
// unread as not attempted instead of handing it to the engine.
type tracker struct {
	rejects     *rejectWriter
	interrupted *atomic.Bool

	mu       sync.Mutex
	inFlight map[int]row
	next     int
	notSent  atomic.Int64
	codeOf   func(error) string
}

func newTracker(rw *rejectWriter, interrupted *atomic.Bool) *tracker {
	return &tracker{rejects: rw, interrupted: interrupted, inFlight: map[int]row{}}
}

// convert turns rows into vendor records for the engine, numbering them as
// the engine will. A row that cannot be converted is rejected as invalid
// input; after an interrupt every remaining row is rejected as not
// attempted instead of being handed to the engine.
func convert[T any](rows iter.Seq[row], j *job, f func(row) (T, error)) iter.Seq[T] {
	t := j.tracker
	return func(yield func(T) bool) {
		for r := range rows {
			if t.interrupted.Load() {
				t.notSent.Add(1)
				t.rejects.write(reject{Line: r.Line, Status: batch.NotAttempted.String(), Code: "interrupted", Message: errInterrupted.Error(), Fields: r.Fields})
				continue
			}
			v, err := f(r)
			if err != nil {
				j.badRows.Add(1)
				t.rejects.write(reject{Line: r.Line, Status: "invalid input", Code: "input", Message: err.Error(), Fields: r.Fields})
				continue
			}
			t.mu.Lock()
			t.inFlight[t.next] = r
			t.next++
			t.mu.Unlock()
			if !yield(v) {
				return
			}
		}
	}
}

// skipped is the number of records not handed to the engine after an interrupt.
func (t *tracker) skipped() int { return int(t.notSent.Load()) }

// outcome is a batch.Config.OnOutcome hook: it forgets the record and, if
// it did not go in, writes it to the rejects file.
func (t *tracker) outcome(index int, key string, status batch.Status, err error) {
	t.mu.Lock()
	r := t.inFlight[index]
	delete(t.inFlight, index)
	t.mu.Unlock()
	if status == batch.Succeeded {
		return
	}
	code := ""
	if t.codeOf != nil {
		code = t.codeOf(err)
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	t.rejects.write(reject{Line: r.Line, Key: key, Status: status.String(), Code: code, Message: msg, Fields: r.Fields})
}
