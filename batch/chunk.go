package batch

// chunk is a run of records sent together: their values, exactly the slice
// Send receives (no copy), and in the same order their input indexes and,
// when the operation has keys, their keys. The records of a chunk have
// always been sent the same number of times, so the counts are per chunk.
type chunk[T any] struct {
	values []T
	index  []int
	keys   []string // nil when the operation has no Key
	// attempts counts the sends against the retry budget (reset for the
	// halves of an isolated chunk); sent counts every send, for
	// Outcome.Attempts.
	attempts, sent int
}

// newChunkBuf returns an empty chunk with room for n records.
func newChunkBuf[T any](n int, keyed bool) *chunk[T] {
	c := &chunk[T]{values: make([]T, 0, n), index: make([]int, 0, n)}
	if keyed {
		c.keys = make([]string, 0, n)
	}
	return c
}

// add appends one record.
func (c *chunk[T]) add(v T, index int, key string) {
	c.values = append(c.values, v)
	c.index = append(c.index, index)
	if c.keys != nil {
		c.keys = append(c.keys, key)
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

// reset empties the chunk for reuse, dropping its references to records.
func (c *chunk[T]) reset() {
	clear(c.values)
	clear(c.keys)
	c.values, c.index = c.values[:0], c.index[:0]
	if c.keys != nil {
		c.keys = c.keys[:0]
	}
	c.attempts, c.sent = 0, 0
}

// subset returns a new chunk of the records at the given positions, with
// the same counts.
func (c *chunk[T]) subset(pos []int) *chunk[T] {
	s := newChunkBuf[T](len(pos), c.keys != nil)
	for _, i := range pos {
		s.add(c.values[i], c.index[i], c.key(i))
	}
	s.attempts, s.sent = c.attempts, c.sent
	return s
}

// halves splits the chunk in two, sharing its storage, each with a fresh
// retry budget and the same send count.
func (c *chunk[T]) halves() (*chunk[T], *chunk[T]) {
	h := c.len() / 2
	first := &chunk[T]{values: c.values[:h:h], index: c.index[:h:h], sent: c.sent}
	second := &chunk[T]{values: c.values[h:], index: c.index[h:], sent: c.sent}
	if c.keys != nil {
		first.keys, second.keys = c.keys[:h:h], c.keys[h:]
	}
	return first, second
}
