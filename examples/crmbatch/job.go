package main

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/crmbatch/crmbatch/batch"
)

// job is what a target needs to run one import.
type job struct {
	opts     options
	getenv   func(string) string
	stdout   io.Writer
	tracker  *tracker
	progress func(batch.Progress)
	// segmentRows, when set, replaces segmentRows (tests).
	segmentRows int
}

// useFake reports whether to run against the vendor's in-process fake
// server, in its counting-only mode (constant memory): asked for with
// -fake, and always for -dry-run, so that every check runs and nothing
// reaches the vendor.
func (j *job) useFake() bool { return j.opts.sandboxed() }

// engine is the batch configuration every target's client runs with:
// KeepNone, so memory stays constant, with the tracker journaling each
// request before it goes and seeing each outcome, and the progress view
// each chunk; -concurrency when given (0 keeps the vendor's default).
// retry is the retry policy; a zero one keeps the vendor's default
// (WithEngine sets only the non-zero fields).
func (j *job) engine(retry batch.RetryPolicy) batch.Config {
	return batch.Config{Keep: batch.KeepNone, Concurrency: j.opts.concurrency, Retry: retry,
		OnSend: j.tracker.sending, OnOutcome: j.tracker.outcome, OnProgress: j.progress}
}

// summary is the engine's account of an import.
type summary struct {
	total, succeeded, failed, notAttempted int
	requests, retries                      int
	// inputIncomplete: the engine stopped reading the input (the run was
	// stopped, or its context ended) before the input's end.
	inputIncomplete bool
}

// summarize turns a report into a summary.
func summarize[R any](rep *batch.Report[R]) summary {
	return summary{total: rep.Total, succeeded: rep.Succeeded, failed: rep.Failed,
		notAttempted: rep.NotAttempted, requests: rep.Requests, retries: rep.Retries,
		inputIncomplete: rep.InputIncomplete}
}

// vendorCode returns a function giving the vendor's code of the *E an
// error wraps, as text ("" when it wraps none, or one without a code).
// Every vendor's Error has the same Code field (its type differs), so one
// line per target names it: vendorCode(func(e *hubspot.Error) hubspot.Code { return e.Code }).
func vendorCode[E any, P interface {
	*E
	error
}, C comparable](code func(P) C) func(error) string {
	return func(err error) string {
		var e P
		var none C
		if !errors.As(err, &e) || code(e) == none {
			return ""
		}
		return fmt.Sprint(code(e))
	}
}

// tracker follows every record read: it rejects what cannot be read or
// converted, skips what an earlier run put in (-resume), remembers the
// records handed to the engine (by the engine's input index) until their
// outcome arrives, and journals and tallies each final state.
type tracker struct {
	rejects *rejectWriter
	journal *journal
	earlier *resumeState
	tally   *tally
	// replayable: records whose earlier outcome is unknown are sent again.
	replayable bool
	// codeOf gives the vendor's code of a record's error (target.code).
	codeOf func(error) string

	mu       sync.Mutex
	inFlight map[int]row // by position among the records handed on
	next     int         // records handed on so far
	// base is the records handed on before the current vendor call (see
	// inSegments): the engine's index i is the record handed on at base+i.
	base int
	// prior sums the progress of the calls before the current one, and
	// lastProgress is the current call's latest.
	prior        batch.Progress
	lastProgress *batch.Progress
	// readErr is why the input could not be read to its end, if it could not.
	readErr error
}

func newTracker(rw *rejectWriter, jn *journal, earlier *resumeState, replayable bool, codeOf func(error) string) *tracker {
	return &tracker{rejects: rw, journal: jn, earlier: earlier, replayable: replayable, codeOf: codeOf,
		tally: newTally(), inFlight: map[int]row{}}
}

// errUnknownEarlier is the reason given for records an earlier run sent
// without learning what became of them.
var errUnknownEarlier = errors.New("sent by the earlier run, which stopped before the answer: check it at the vendor; not sent again, since this operation could duplicate it")

// unreadable takes what the reader could not read: a record, rejected as
// invalid, or (a *readStopped error) the end of the reading before the
// input's end, kept for the report.
func (t *tracker) unreadable(re rowError) {
	var stopped *readStopped
	if errors.As(re.Err, &stopped) {
		t.mu.Lock()
		t.readErr = re.Err
		t.mu.Unlock()
		return
	}
	t.invalid(re.row, re.Err)
}

// readError is why the input could not be read to its end, or nil.
func (t *tracker) readError() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.readErr
}

// invalid rejects a record that cannot be read or converted.
func (t *tracker) invalid(r row, err error) {
	t.tally.add("invalid input", "input", err.Error(), r.Line, "", r.Fields)
	t.journal.record(r.Pos, "", stateInvalid)
	t.rejects.write(reject{Line: r.Line, Status: "invalid input", Code: "input", Message: err.Error(), Fields: r.Fields, Extra: r.Extra, Record: r.Record, Raw: r.Raw})
}

// convert turns rows into vendor records for the engine, numbering them as
// the engine will. A row that cannot be converted is rejected as invalid
// input; under -resume, a row that went in earlier is skipped, and one
// whose earlier outcome is unknown is skipped and rejected unless the
// operation can be replayed.
func convert[T any](rows iter.Seq[row], j *job, f func(row) (T, error)) iter.Seq[T] {
	t := j.tracker
	return func(yield func(T) bool) {
		for r := range rows {
			succeeded, unknown := t.earlier.earlier(r.Pos)
			if succeeded {
				t.tally.skipped()
				continue
			}
			if unknown && !t.replayable {
				t.tally.add("outcome unknown", "earlier run", errUnknownEarlier.Error(), r.Line, "", nil)
				t.rejects.write(reject{Line: r.Line, Status: "outcome unknown", Code: "earlier run", Message: errUnknownEarlier.Error(), Fields: r.Fields, Record: r.Record})
				continue
			}
			v, err := recordOr(r, f)
			if err != nil {
				t.invalid(r, err)
				continue
			}
			v = xmlSent(j.opts, r, v)
			if err := t.journal.handing(r.Pos); err != nil {
				t.invalid(r, err) // not sent: the journal could not say so
				return
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

// sending is a batch.Config.OnSend hook: it journals the input positions
// of a request's records, synced, before the request goes out.
func (t *tracker) sending(indices []int) {
	if t.journal == nil {
		return
	}
	positions := make([]int, len(indices))
	t.mu.Lock()
	for i, index := range indices {
		positions[i] = t.inFlight[t.base+index].Pos
	}
	t.mu.Unlock()
	t.journal.sent(positions)
}

// outcome is a batch.Config.OnOutcome hook: it forgets the record,
// journals its state and, if it did not go in, writes it to the rejects
// file.
func (t *tracker) outcome(index int, key string, status batch.Status, err error) {
	t.mu.Lock()
	r := t.inFlight[t.base+index]
	delete(t.inFlight, t.base+index)
	t.mu.Unlock()
	state, name := byte(stateSucceeded), status.String()
	switch {
	case status == batch.NotAttempted:
		state = stateNotSent
	case errors.Is(err, batch.ErrOutcomeUnknown):
		state, name = stateUnknown, "outcome unknown"
	case status == batch.Failed:
		state = stateFailed
	}
	t.journal.record(r.Pos, key, state)
	if status == batch.Succeeded {
		t.tally.add(name, "", "", r.Line, key, nil)
		return
	}
	code, msg := "", ""
	if t.codeOf != nil {
		code = t.codeOf(err)
	}
	if err != nil {
		msg = err.Error()
	}
	t.tally.add(name, code, msg, r.Line, key, r.Fields)
	t.rejects.write(reject{Line: r.Line, Key: key, Status: name, Code: code, Message: msg, Fields: r.Fields, Record: r.Record})
}

// handed is how many records were handed to the engine.
func (t *tracker) handed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.next
}

// chunkDone is a batch.Config.OnProgress hook: it makes the journal
// durable once per chunk and passes the progress on.
func (t *tracker) chunkDone(next func(batch.Progress)) func(batch.Progress) {
	return func(p batch.Progress) {
		t.journal.sync()
		next(t.progressSoFar(p))
	}
}
