package batch

import (
	"context"
	"iter"
	"time"
)

// cutter cuts chunks from fresh records and records sent back for a retry,
// and dispatches each as it is full (by items, bytes or a repeated key).
type cutter[T, R any] struct {
	e        *engine[T, R]
	ctx      context.Context
	dispatch func(*chunk[T])
	cur      *chunk[T]
	bytes    int
	keys     map[string]struct{} // the keys in cur, when they must be unique
	maxItems int
	// checkFit is set when a record may not fit a chunk with room (a byte
	// limit, unique keys).
	checkFit bool
}

// produce reads the input, applies the client-side checks, cuts chunks
// with the records waiting for a retry packed in first, and passes each
// to dispatch; once the input ends, it sends the remaining retries (see
// drain). It stops reading as soon as the run halts, and reports whether
// it did. in is the caller's slice when total >= 0: its unread records
// are then reported not attempted.
func (e *engine[T, R]) produce(ctx context.Context, seq iter.Seq[T], in []T, total int, dispatch func(*chunk[T])) (incomplete bool) {
	k := &cutter[T, R]{e: e, ctx: ctx, dispatch: dispatch, cur: e.newChunk(), maxItems: e.maxItems,
		checkFit: e.op.UniqueKeys || e.op.MaxBytes > 0}
	if e.op.UniqueKeys {
		k.keys = make(map[string]struct{}, e.maxItems)
	}
	r := newReader(k, total)
	if total >= 0 && !r.checked && k.keys == nil {
		e.produceSlice(ctx, k, in)
		k.flush()
		e.drain(ctx, k)
		return false
	}
	if ctx.Err() != nil {
		// Ended before the start: pull nothing.
		e.halt.Store(true)
		r.halted = true
	} else {
		// The sequence is called with read as its yield function: the
		// same calls a range loop makes, without its bookkeeping per record.
		seq(r.read)
	}
	e.rec.readCount.Store(int64(r.index + 1))
	incomplete = r.halted
	if incomplete && total >= 0 {
		e.notAttemptedRest(in, r.index+1, e.halted(ctx))
		incomplete = false
	}
	k.flush()
	e.drain(ctx, k)
	return incomplete
}

// produceSlice is produce for a slice whose records need no check of their
// own: each chunk is a run of the caller's slice, cut with no copy, unless
// records waiting for a retry start it.
func (e *engine[T, R]) produceSlice(ctx context.Context, k *cutter[T, R], in []T) {
	keyOf := e.op.Key
	for i := 0; i < len(in); {
		if ctx.Err() != nil || e.halt.Load() {
			e.halt.Store(true)
			e.notAttemptedRest(in, i, e.halted(ctx))
			return
		}
		if k.cur.len() == 0 && !e.queue.empty() {
			k.takeRetries(time.Now(), -1)
		}
		if k.cur.len() > 0 {
			// Fill the chunk the retries started, one record at a time.
			for ; i < len(in) && k.cur.len() > 0; i++ {
				key := ""
				if keyOf != nil {
					key = keyOf(in[i])
				}
				k.addFresh(in[i], i, key, 0)
			}
			continue
		}
		j := min(i+e.maxItems, len(in))
		c := e.newChunk()
		c.borrow(in[i:j:j], i, keyOf)
		k.send(c)
		i = j
	}
}

// notAttemptedRest reports the records of in after index not attempted.
func (e *engine[T, R]) notAttemptedRest(in []T, index int, err error) {
	const batchSize = 1024
	outs := make([]Outcome[R], 0, min(batchSize, len(in)))
	for i := index; i < len(in); i++ {
		key := ""
		if e.op.Key != nil {
			key = e.op.Key(in[i])
		}
		outs = append(outs, Outcome[R]{Index: i, Key: key, Status: NotAttempted, Err: err})
		if len(outs) == batchSize {
			e.rec.record(outs)
			outs = outs[:0]
		}
	}
	e.rec.record(outs)
}

// fits reports whether a record of this key and size may join cur.
func (k *cutter[T, R]) fits(key string, size int) bool {
	if k.e.op.MaxBytes > 0 && k.bytes+size > k.e.op.MaxBytes {
		return false
	}
	if k.keys != nil {
		if _, dup := k.keys[key]; dup {
			return false
		}
	}
	return true
}

// addFresh is add for a record never sent, the path every record takes.
func (k *cutter[T, R]) addFresh(v T, index int, key string, size int) {
	if k.checkFit {
		k.makeRoom(key, size)
	}
	c := k.cur
	c.addFresh(v, index, key, size)
	if len(c.values) == k.maxItems {
		k.flush()
	}
}

// makeRoom dispatches cur first if a record of this key and size does not
// fit it, and counts the record in cur's bytes and keys.
func (k *cutter[T, R]) makeRoom(key string, size int) {
	if k.cur.len() > 0 && !k.fits(key, size) {
		k.flush()
	}
	k.bytes += size
	if k.keys != nil {
		k.keys[key] = struct{}{}
	}
}

// add puts one record into cur, dispatching cur first when the record
// does not fit and after when it is full.
func (k *cutter[T, R]) add(v T, index int, key string, size int, before tries) {
	k.makeRoom(key, size)
	k.cur.add(v, index, key, size, before)
	if before != (tries{}) {
		k.cur.retry = true
	}
	if k.cur.len() == k.maxItems {
		k.flush()
	}
}

// takeRetries dispatches the isolation halves due at now and packs up to
// limit records due at now into cur (every due record when limit < 0).
func (k *cutter[T, R]) takeRetries(now time.Time, limit int) {
	for {
		c, ok := k.e.queue.readyHeld(now)
		if !ok {
			break
		}
		k.send(c)
	}
	for n := 0; limit < 0 || n < limit; n++ {
		w, ok := k.e.queue.popReady(now)
		if !ok {
			return
		}
		k.add(w.value, w.index, w.key, w.size, w.before)
	}
}

// flush dispatches cur, if it holds any record, and starts a new one.
func (k *cutter[T, R]) flush() {
	if k.cur.len() == 0 {
		return
	}
	c := k.cur
	k.cur, k.bytes = k.e.newChunk(), 0
	clear(k.keys)
	k.send(c)
}

// send dispatches c, or reports it not attempted once the run has halted.
func (k *cutter[T, R]) send(c *chunk[T]) {
	if err := k.e.halted(k.ctx); err != nil {
		k.e.halt.Store(true)
		k.e.finish(c, NotAttempted, err, false)
		return
	}
	k.dispatch(c)
}

// newChunk returns an empty chunk buffer, reusing a finished one if any.
func (e *engine[T, R]) newChunk() *chunk[T] {
	select {
	case c := <-e.free:
		return c
	default:
		return newChunkBuf[T](e.maxItems, e.op.Key != nil, e.op.MaxBytes > 0)
	}
}
