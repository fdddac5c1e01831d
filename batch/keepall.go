package batch

import "sync/atomic"

// Segments of a stream's successes under KeepAll: 4096 records each.
const (
	segmentBits = 12
	segmentSize = 1 << segmentBits
	segmentMask = segmentSize - 1
)

// keptAll holds the outcomes of a KeepAll run while it goes.
//
// When the total is known (a slice) it is the report's Outcomes itself,
// allocated once at its final length, and every outcome is written at its
// index. When it is not (a stream), successes — nearly every record — are
// kept compactly in fixed segments that are added as the input is read and
// never copied: the result, the send count and, for keyed operations, the
// key. Other outcomes are kept whole in a list. finish builds the
// report's Outcomes once, at the final length, from both. Memory is thus
// one Outcome per record plus about 12 bytes (and a key), instead of the
// repeated copies of a slice grown by append.
type keptAll[R any] struct {
	slice []Outcome[R] // known total: the report's Outcomes

	// Unknown total. segments is replaced (never modified in place below
	// its length) by the producer as records are read, and read by the
	// workers, which only settle records already read.
	segments atomic.Pointer[[]*segment[R]]
	others   []Outcome[R] // not successes; under the recorder's lock
	keyed    bool
}

// segment holds the successes of segmentSize consecutive records.
type segment[R any] struct {
	results [segmentSize]R
	sent    [segmentSize]int32 // 0: no success recorded
	keys    []string           // nil when the operation has no Key
}

// newKeptAll returns the store for total records (-1 when unknown).
func newKeptAll[R any](total int, keyed bool) *keptAll[R] {
	k := &keptAll[R]{keyed: keyed}
	if total >= 0 {
		k.slice = make([]Outcome[R], total)
	} else {
		k.segments.Store(new([]*segment[R]))
	}
	return k
}

// grow adds the segment that holds index, for a stream. Only the producer
// calls it, before any worker sees the record.
func (k *keptAll[R]) grow(index int) {
	if k.slice != nil {
		return
	}
	segs := *k.segments.Load()
	if index>>segmentBits < len(segs) {
		return
	}
	s := &segment[R]{}
	if k.keyed {
		s.keys = make([]string, segmentSize)
	}
	segs = append(segs, s)
	k.segments.Store(&segs)
}

// putSuccess stores one success; safe without a lock, each index being
// settled once.
func (k *keptAll[R]) putSuccess(index int, key string, result R, sent int) {
	if k.slice != nil {
		k.slice[index] = Outcome[R]{Index: index, Key: key, Status: Succeeded, Result: result, Attempts: sent}
		return
	}
	s := (*k.segments.Load())[index>>segmentBits]
	i := index & segmentMask
	s.results[i] = result
	s.sent[i] = int32(max(sent, 1))
	if s.keys != nil {
		s.keys[i] = key
	}
}

// put stores one outcome; the caller holds the recorder's lock.
func (k *keptAll[R]) put(o *Outcome[R]) {
	switch {
	case k.slice != nil:
		k.slice[o.Index] = *o
	case o.Status == Succeeded:
		k.putSuccess(o.Index, o.Key, o.Result, o.Attempts)
	default:
		k.others = append(k.others, *o)
	}
}

// outcomes returns every outcome in index order, for total records.
func (k *keptAll[R]) outcomes(total int) []Outcome[R] {
	if k.slice != nil {
		return k.slice
	}
	out := make([]Outcome[R], total)
	for n, s := range *k.segments.Load() {
		base := n << segmentBits
		for i := range min(segmentSize, total-base) {
			if s.sent[i] == 0 {
				continue
			}
			o := &out[base+i]
			o.Index, o.Status, o.Result, o.Attempts = base+i, Succeeded, s.results[i], int(s.sent[i])
			if s.keys != nil {
				o.Key = s.keys[i]
			}
		}
	}
	for _, o := range k.others {
		out[o.Index] = o
	}
	k.segments.Store(new([]*segment[R]))
	k.others = nil
	return out
}
