package batch

import (
	"context"
	"iter"
)

// produce reads the input, applies the client-side checks, cuts chunks and
// passes each to dispatch.
func (e *engine[T, R]) produce(ctx context.Context, seq iter.Seq[T], dispatch func([]item[T]), countTotal bool) {
	maxItems := max(e.op.MaxItems, 1)
	var (
		chunk []item[T]
		bytes int
		keys  map[string]struct{}
	)
	if e.op.UniqueKeys {
		keys = make(map[string]struct{}, maxItems)
	}
	flush := func() {
		if len(chunk) == 0 {
			return
		}
		c := chunk
		chunk, bytes = e.newChunk(maxItems), 0
		clear(keys)
		if err := e.halted(ctx); err != nil {
			e.notAttempted(c, err)
			return
		}
		dispatch(c)
	}
	chunk = e.newChunk(maxItems)
	index := 0
	for v := range seq {
		it := item[T]{index: index, value: v}
		index++
		if countTotal {
			e.rec.read()
		}
		if e.op.Key != nil {
			it.key = e.op.Key(v)
		}
		if e.op.Validate != nil {
			if err := e.op.Validate(v); err != nil {
				e.rec.record([]Outcome[R]{{Index: it.index, Key: it.key, Status: Failed, Err: err}})
				continue
			}
		}
		size := 0
		if e.op.MaxBytes > 0 && e.op.Size != nil {
			size = e.op.Size(v)
			if size > e.op.MaxBytes {
				e.rec.record([]Outcome[R]{{Index: it.index, Key: it.key, Status: Failed, Err: &TooLargeError{Size: size, Limit: e.op.MaxBytes}}})
				continue
			}
			if bytes+size > e.op.MaxBytes {
				flush()
			}
		}
		if keys != nil {
			if _, dup := keys[it.key]; dup {
				flush()
			}
			keys[it.key] = struct{}{}
		}
		chunk = append(chunk, it)
		bytes += size
		if len(chunk) == maxItems {
			flush()
		}
	}
	flush()
}

// newChunk returns an empty chunk buffer, reusing a finished one if any.
func (e *engine[T, R]) newChunk(size int) []item[T] {
	select {
	case c := <-e.free:
		return c
	default:
		return make([]item[T], 0, size)
	}
}
