package batch

import "slices"

// tries counts how often one record has been sent: attempts is checked
// against its retry limit (and starts again when an isolation splits its
// chunk), sent counts every send, for Outcome.Attempts.
type tries struct {
	attempts int
	sent     int32 // Outcome.Attempts' type
}

// chunk is a run of records sent together: their values, exactly the slice
// Send receives (no copy), and in the same order their input indexes and,
// when the operation has them, their keys and encoded sizes. Fresh records
// and records sent before (retries) may share a chunk; past says how often
// each was sent before this send, and is nil while every record is fresh.
type chunk[T any] struct {
	values []T
	index  []int
	keys   []string // nil when the operation has no Key
	sizes  []int    // nil unless the operation limits bytes
	past   []tries  // nil while every record is fresh
	// own keeps the chunk's buffer while values borrows a run of the
	// caller's slice (see borrow); nil otherwise.
	own []T

	// retry is set when the chunk carries a record sent before after a
	// retryable failure: its send counts in Report.Retries.
	retry bool
	// isolated marks a half of a chunk rejected as a whole: it is sent on
	// its own, never packed with other records.
	isolated bool
}

// newChunkBuf returns an empty chunk with room for n records.
func newChunkBuf[T any](n int, keyed, sized bool) *chunk[T] {
	c := &chunk[T]{values: make([]T, 0, n), index: make([]int, 0, n)}
	if keyed {
		c.keys = make([]string, 0, n)
	}
	if sized {
		c.sizes = make([]int, 0, n)
	}
	return c
}

// add appends one record sent `before` times before.
func (c *chunk[T]) add(v T, index int, key string, size int, before tries) {
	if before != (tries{}) && c.past == nil {
		c.past = make([]tries, len(c.values), cap(c.values))
	}
	c.addFresh(v, index, key, size)
	if c.past != nil {
		c.past[len(c.past)-1] = before
	}
}

// addFresh appends one record never sent before.
func (c *chunk[T]) addFresh(v T, index int, key string, size int) {
	c.values = append(c.values, v)
	c.index = append(c.index, index)
	if c.keys != nil {
		c.keys = append(c.keys, key)
	}
	if c.sizes != nil {
		c.sizes = append(c.sizes, size)
	}
	if c.past != nil {
		c.past = append(c.past, tries{})
	}
}

// len returns the number of records.
func (c *chunk[T]) len() int { return len(c.values) }

// key returns the key of record i, or "".
func (c *chunk[T]) key(i int) string {
	if c.keys == nil {
		return ""
	}
	return c.keys[i]
}

// size returns the encoded size of record i, or 0.
func (c *chunk[T]) size(i int) int {
	if c.sizes == nil {
		return 0
	}
	return c.sizes[i]
}

// before returns how often record i was sent before the current send.
func (c *chunk[T]) before(i int) tries {
	if c.past == nil {
		return tries{}
	}
	return c.past[i]
}

// after returns record i's counts once the current send is made.
func (c *chunk[T]) after(i int) tries {
	t := c.before(i)
	return tries{attempts: t.attempts + 1, sent: t.sent + 1}
}

// borrow makes c, empty, the run of the caller's records `values`, whose
// first is at input index first: Send gets the caller's own slice, with no
// copy. keyOf, when set, gives each record's key.
func (c *chunk[T]) borrow(values []T, first int, keyOf func(T) string) {
	c.own, c.values = c.values, values
	index := slices.Grow(c.index[:0], len(values))[:len(values)]
	for i := range index {
		index[i] = first + i
	}
	c.index = index
	if keyOf != nil {
		keys := slices.Grow(c.keys[:0], len(values))[:len(values)]
		for i, v := range values {
			keys[i] = keyOf(v)
		}
		c.keys = keys
	}
}

// reset empties the chunk for reuse, dropping its references to records
// (and leaving borrowed records alone).
func (c *chunk[T]) reset() {
	if c.own != nil {
		c.values, c.own = c.own, nil
	}
	clear(c.values)
	clear(c.keys)
	c.values, c.index = c.values[:0], c.index[:0]
	if c.keys != nil {
		c.keys = c.keys[:0]
	}
	if c.sizes != nil {
		c.sizes = c.sizes[:0]
	}
	c.past, c.retry, c.isolated = nil, false, false
}

// halves splits a chunk just sent into two isolated chunks that share its
// storage. Each record keeps its send count and starts a fresh attempt
// count: the halves are new requests, each with its own retries.
func (c *chunk[T]) halves() (*chunk[T], *chunk[T]) {
	past := make([]tries, c.len())
	for i := range past {
		past[i] = tries{sent: c.after(i).sent}
	}
	h := c.len() / 2
	first := &chunk[T]{values: c.values[:h:h], index: c.index[:h:h], past: past[:h:h], isolated: true}
	second := &chunk[T]{values: c.values[h:], index: c.index[h:], past: past[h:], isolated: true}
	if c.keys != nil {
		first.keys, second.keys = c.keys[:h:h], c.keys[h:]
	}
	if c.sizes != nil {
		first.sizes, second.sizes = c.sizes[:h:h], c.sizes[h:]
	}
	return first, second
}

// clone returns a copy of c that shares no storage with it, its send
// counts advanced by the send just made.
func (c *chunk[T]) clone() *chunk[T] {
	d := newChunkBuf[T](c.len(), c.keys != nil, c.sizes != nil)
	for i := range c.values {
		d.add(c.values[i], c.index[i], c.key(i), c.size(i), c.after(i))
	}
	d.isolated = c.isolated
	return d
}
