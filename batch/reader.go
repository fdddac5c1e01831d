package batch

import (
	"fmt"
	"time"
)

// reader takes the records of the input one by one into the cutter's
// chunks, applying the client-side checks. Its read is the sequence's
// yield function: one call per record, with its state in one place.
type reader[T, R any] struct {
	k        *cutter[T, R]
	index    int // of the last record read; -1 before the first
	keyOf    func(T) string
	validate func(T) error
	sizeOf   func(T) int // nil unless the operation limits bytes
	// checked is set when a record may fail before it is sent (Validate,
	// a byte limit).
	checked bool
	// plain is set when a record needs no check of its own to join a
	// chunk with room (not checked, no unique keys).
	plain bool
	// growing is set for a stream kept whole: KeepAll's segments are added
	// as it is read.
	growing bool
	// halted is set once the run halted while the input was being read.
	halted bool
}

// newReader returns the reader of an input of total records (-1: a stream).
func newReader[T, R any](k *cutter[T, R], total int) *reader[T, R] {
	op := k.e.op
	r := &reader[T, R]{k: k, index: -1, keyOf: op.Key, validate: op.Validate,
		growing: total < 0 && k.e.rec.all != nil}
	if op.MaxBytes > 0 {
		r.sizeOf = op.Size
	}
	r.checked = r.validate != nil || r.sizeOf != nil
	r.plain = !r.checked && !k.checkFit
	return r
}

// read takes the next record of the input and reports whether to read on:
// false once the run has halted, the record then reported not attempted.
func (r *reader[T, R]) read(v T) bool {
	key := ""
	if r.keyOf != nil {
		key = r.keyOf(v) // first: the call then holds little to save
	}
	k := r.k
	if c := k.cur; r.plain && c.len() > 0 && !k.e.halt.Load() {
		// The common case, kept short: the record joins the chunk being
		// cut, whose first record made room for it (see readFirst).
		r.index++
		c.addFresh(v, r.index, key, 0)
		if c.len() == k.maxItems {
			k.flush()
		}
		return true
	}
	return r.readFirst(v, key)
}

// readFirst is read for a record that starts a chunk, or that needs a
// check (Validate, a byte limit, unique keys), or once the run has halted.
func (r *reader[T, R]) readFirst(v T, key string) bool {
	k, e := r.k, r.k.e
	if r.halted {
		return false // a sequence that yields again after being told to stop
	}
	r.index++
	index := r.index
	if r.growing {
		// A plain chunk's records follow one another: make room for a
		// whole chunk from here.
		e.rec.all.grow(index + k.maxItems - 1)
	}
	if k.cur.len() == 0 && k.ctx.Err() != nil {
		// The context is checked once a chunk; its flag, set by a
		// goroutine of its own, is checked for every record.
		e.halt.Store(true)
	}
	if e.halt.Load() {
		e.rec.readCount.Store(int64(index + 1))
		e.rec.record([]Outcome[R]{{Index: index, Key: key, Status: NotAttempted, Err: e.halted(k.ctx)}})
		r.halted = true
		return false
	}
	size := 0
	if r.checked {
		var ok bool
		if size, ok = r.check(v, index, key); !ok {
			return true
		}
	}
	if k.cur.len() == 0 {
		// A new chunk: publish the count read so far and start the chunk
		// with the records due for a retry.
		e.rec.readCount.Store(int64(index))
		if !e.queue.empty() {
			k.takeRetries(time.Now(), -1)
		}
	}
	k.addFresh(v, index, key, size)
	return true
}

// check applies Validate and the byte limit to the record at index and
// returns its size; a record that fails either is reported failed, and ok
// is false.
func (r *reader[T, R]) check(v T, index int, key string) (size int, ok bool) {
	e := r.k.e
	var err error
	if r.validate != nil {
		err = r.validate(v)
	}
	if err == nil && r.sizeOf != nil {
		switch size = r.sizeOf(v); {
		case size > e.op.MaxBytes:
			err = &TooLargeError{Size: size, Limit: e.op.MaxBytes}
		case size < 0:
			// A bug in the operation's Size: counted as is, it would let
			// other records past the byte limit.
			err = fmt.Errorf("batch: %s: Size returned %d for a record", e.op.Name, size)
		}
	}
	if err != nil {
		e.rec.readCount.Store(int64(index + 1))
		e.rec.record([]Outcome[R]{{Index: index, Key: key, Status: Failed, Err: err}})
		return 0, false
	}
	return size, true
}
