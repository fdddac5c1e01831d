package main

import (
	"cmp"
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

// segmentRows is the most rows one vendor call takes. Every vendor client
// remembers each key of a call, to refuse a key repeated within it, so a
// call over a whole file would hold every key of the file; the command
// makes one call per segment instead, so memory stays flat however large
// the file. Segments go one after another, so a key repeated in two
// segments reaches the vendor in input order (and the vendor's own check
// — a CONFLICT, a duplicate code — still applies).
const segmentRows = 100_000

// inSegments passes rows to send in consecutive segments of at most
// segmentRows (j.segmentRows when set), one vendor call each, and sums
// what the calls report. It
// stops after a call that did not read its segment to the end (the run
// was stopped, or ctx ended): the rest is left unread.
func (j *job) inSegments(ctx context.Context, rows iter.Seq[row], send func(iter.Seq[row]) summary) summary {
	size := cmp.Or(j.segmentRows, segmentRows)
	next, stop := iter.Pull(rows)
	defer stop()
	var total summary
	for ctx.Err() == nil {
		first, ok := next()
		if !ok {
			break
		}
		ended := false
		segment := func(yield func(row) bool) {
			if !yield(first) {
				return
			}
			for range size - 1 {
				r, ok := next()
				if !ok {
					ended = true
					return
				}
				if !yield(r) {
					return
				}
			}
		}
		j.tracker.startSegment()
		s := send(segment)
		total = total.add(s)
		if s.inputIncomplete || ended {
			break
		}
	}
	return total
}

// add sums two summaries.
func (s summary) add(o summary) summary {
	return summary{total: s.total + o.total, succeeded: s.succeeded + o.succeeded, failed: s.failed + o.failed,
		notAttempted: s.notAttempted + o.notAttempted, requests: s.requests + o.requests, retries: s.retries + o.retries,
		inputIncomplete: s.inputIncomplete || o.inputIncomplete}
}

// startSegment starts a new vendor call: the engine numbers its records
// from 0 again, after the records handed on so far, and its progress
// counts from 0 again, after the calls before.
func (t *tracker) startSegment() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.base = t.next
	if p := t.lastProgress; p != nil {
		t.prior.Total += p.Total
		t.prior.Done += p.Done
		t.prior.Succeeded += p.Succeeded
		t.prior.Failed += p.Failed
		t.prior.NotAttempted += p.NotAttempted
		t.prior.Requests += p.Requests
		t.prior.Retries += p.Retries
	}
	t.lastProgress = nil
}

// progressSoFar is p, a call's progress, counted from the run's start.
func (t *tracker) progressSoFar(p batch.Progress) batch.Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	call := p
	t.lastProgress = &call
	p.Total += t.prior.Total
	p.TotalKnown = false
	p.Done += t.prior.Done
	p.Succeeded += t.prior.Succeeded
	p.Failed += t.prior.Failed
	p.NotAttempted += t.prior.NotAttempted
	p.Requests += t.prior.Requests
	p.Retries += t.prior.Retries
	return p
}
