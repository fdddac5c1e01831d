package batch

import (
	"context"
	"iter"
)

// produce reads the input, applies the client-side checks, cuts chunks and
// passes each to dispatch.
func (e *engine[T, R]) produce(ctx context.Context, seq iter.Seq[T], dispatch func(*chunk[T]), countTotal bool) {
	maxItems := max(e.op.MaxItems, 1)
	var (
		cur   *chunk[T]
		bytes int
		keys  map[string]struct{}
	)
	if e.op.UniqueKeys {
		keys = make(map[string]struct{}, maxItems)
	}
	flush := func() {
		if cur.len() == 0 {
			return
		}
		c := cur
		cur, bytes = e.newChunk(maxItems), 0
		clear(keys)
		if err := e.halted(ctx); err != nil {
			e.notAttempted(c, err)
			return
		}
		dispatch(c)
	}
	cur = e.newChunk(maxItems)
	index := -1
	for v := range seq {
		index++
		if countTotal {
			e.rec.read()
		}
		key := ""
		if e.op.Key != nil {
			key = e.op.Key(v)
		}
		if e.op.Validate != nil {
			if err := e.op.Validate(v); err != nil {
				e.rec.record([]Outcome[R]{{Index: index, Key: key, Status: Failed, Err: err}})
				continue
			}
		}
		size := 0
		if e.op.MaxBytes > 0 && e.op.Size != nil {
			size = e.op.Size(v)
			if size > e.op.MaxBytes {
				e.rec.record([]Outcome[R]{{Index: index, Key: key, Status: Failed, Err: &TooLargeError{Size: size, Limit: e.op.MaxBytes}}})
				continue
			}
			if bytes+size > e.op.MaxBytes {
				flush()
			}
		}
		if keys != nil {
			if _, dup := keys[key]; dup {
				flush()
			}
			keys[key] = struct{}{}
		}
		cur.add(v, index, key)
		bytes += size
		if cur.len() == maxItems {
			flush()
		}
	}
	flush()
}

// newChunk returns an empty chunk buffer, reusing a finished one if any.
func (e *engine[T, R]) newChunk(size int) *chunk[T] {
	select {
	case c := <-e.free:
		return c
	default:
		return newChunkBuf[T](size, e.op.Key != nil)
	}
}
