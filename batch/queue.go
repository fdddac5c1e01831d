package batch

import (
	"sync"
	"sync/atomic"
	"time"
)

// waiting is a record that goes back to the input side to be sent again
// once notBefore has passed, packed with other records into a new chunk.
type waiting[T any] struct {
	value     T
	index     int
	key       string
	size      int
	before    tries     // sends made so far
	notBefore time.Time // not sent again before this
	cause     error     // the last failure, kept on the record if it is never sent again
}

// less orders waiting records by notBefore, then by input order.
func (w *waiting[T]) less(o *waiting[T]) bool {
	if c := w.notBefore.Compare(o.notBefore); c != 0 {
		return c < 0
	}
	return w.index < o.index
}

// heldChunk is an isolation half to send again whole, not before notBefore.
type heldChunk[T any] struct {
	c         *chunk[T]
	notBefore time.Time
	cause     error
}

// retryQueue holds the records and isolation halves waiting to be sent
// again. Workers add to it; the producer takes from it.
type retryQueue[T any] struct {
	mu      sync.Mutex
	records []waiting[T] // a min-heap on (notBefore, index)
	held    []heldChunk[T]
	// size is len(records)+len(held), read without the lock by the
	// producer's fast path.
	size atomic.Int64
}

// push adds records to send again.
func (q *retryQueue[T]) push(ws ...waiting[T]) {
	q.mu.Lock()
	for _, w := range ws {
		q.records = append(q.records, w)
		q.up(len(q.records) - 1)
	}
	q.size.Add(int64(len(ws)))
	q.mu.Unlock()
}

// hold adds an isolation half to send again whole.
func (q *retryQueue[T]) hold(h heldChunk[T]) {
	q.mu.Lock()
	q.held = append(q.held, h)
	q.size.Add(1)
	q.mu.Unlock()
}

// empty reports whether nothing waits, without taking the lock.
func (q *retryQueue[T]) empty() bool { return q.size.Load() == 0 }

// readyHeld removes and returns an isolation half whose wait is over.
func (q *retryQueue[T]) readyHeld(now time.Time) (*chunk[T], bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, h := range q.held {
		if !h.notBefore.After(now) {
			q.held = append(q.held[:i], q.held[i+1:]...)
			q.size.Add(-1)
			return h.c, true
		}
	}
	return nil, false
}

// popReady removes and returns the earliest record whose wait is over.
func (q *retryQueue[T]) popReady(now time.Time) (waiting[T], bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.records) == 0 || q.records[0].notBefore.After(now) {
		return waiting[T]{}, false
	}
	w := q.records[0]
	last := len(q.records) - 1
	q.records[0] = q.records[last]
	q.records[last] = waiting[T]{}
	q.records = q.records[:last]
	q.down(0)
	q.size.Add(-1)
	return w, true
}

// queueState is what the producer needs to decide whether to cut a chunk
// of records to send again, or wait.
type queueState struct {
	records, held int
	ready         int       // records whose wait is over, counted up to a cap
	earliest      time.Time // the earliest notBefore of any record
	next          time.Time // the next notBefore still ahead, zero if none
}

// state describes the queue at now, counting ready records up to readyCap.
func (q *retryQueue[T]) state(now time.Time, readyCap int) queueState {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := queueState{records: len(q.records), held: len(q.held)}
	if len(q.records) > 0 {
		s.earliest = q.records[0].notBefore
	}
	for _, w := range q.records {
		if w.notBefore.After(now) {
			if s.next.IsZero() || w.notBefore.Before(s.next) {
				s.next = w.notBefore
			}
		} else if s.ready < readyCap {
			s.ready++
		}
	}
	for _, h := range q.held {
		if h.notBefore.After(now) && (s.next.IsZero() || h.notBefore.Before(s.next)) {
			s.next = h.notBefore
		}
	}
	return s
}

// drain removes and returns everything waiting.
func (q *retryQueue[T]) drain() ([]waiting[T], []heldChunk[T]) {
	q.mu.Lock()
	defer q.mu.Unlock()
	rs, hs := q.records, q.held
	q.records, q.held = nil, nil
	q.size.Store(0)
	return rs, hs
}

// up and down restore the heap order after a change at i.
func (q *retryQueue[T]) up(i int) {
	r := q.records
	for i > 0 {
		p := (i - 1) / 2
		if !r[i].less(&r[p]) {
			return
		}
		r[i], r[p] = r[p], r[i]
		i = p
	}
}

func (q *retryQueue[T]) down(i int) {
	r := q.records
	for {
		l := 2*i + 1
		if l >= len(r) {
			return
		}
		m := l
		if rr := l + 1; rr < len(r) && r[rr].less(&r[l]) {
			m = rr
		}
		if !r[m].less(&r[i]) {
			return
		}
		r[i], r[m] = r[m], r[i]
		i = m
	}
}
