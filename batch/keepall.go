package batch

import "sync/atomic"

// Segments of a stream's successes under KeepAll: 4096 records each.
const (
	segmentBits = 12
	segmentSize = 1 << segmentBits
	segmentMask = segmentSize - 1
)

// maxSegmentSends is the most sends a success kept in a segment may count;
// a success sent more often (a record retried that many times) is kept
// whole with the other outcomes.
const maxSegmentSends = 255

// keptAll holds the outcomes of a KeepAll run while it goes.
//
// With a slice, the total is known: the report's Outcomes are allocated at
// their final length at the start and every outcome is written in place,
// a success field by field by the worker that settled it, with no lock
// (each index is settled exactly once). Nothing is copied afterwards.
//
// With a stream, the total is not known until the input ends, and the
// Outcomes must end as one slice. Rather than one slice copied each time
// it grows, successes — nearly every record — are kept compactly in fixed
// segments added as the input is read and never copied: the result, the
// send count in one byte and, for keyed operations, the key. Other
// outcomes are kept whole in a list. outcomes builds the report's
// Outcomes once, at their final length, from both. A segment costs
// sizeof(R)+1 bytes per record (plus the key) on top of the Outcome itself,
// and a segment whose result type holds no pointers is never scanned by
// the garbage collector.
type keptAll[R any] struct {
	// out is the report's Outcomes for a slice; nil for a stream.
	out []Outcome[R]
	// segments is replaced (never changed below its length) by the
	// producer only, and read by the workers, which settle only records
	// already read. Stream only.
	segments atomic.Pointer[[]*segment[R]]
	others   []Outcome[R] // a stream's outcomes not kept in segments; under the recorder's lock
	keyed    bool
}

// segment holds the successes of segmentSize consecutive records of a
// stream.
type segment[R any] struct {
	results [segmentSize]R
	sent    [segmentSize]uint8 // 0: no success recorded here
	keys    []string           // nil when the operation has no Key
}

// newKeptAll returns the store for total records (-1 when unknown: a
// stream, whose segments come with grow).
func newKeptAll[R any](total int, keyed bool) *keptAll[R] {
	k := &keptAll[R]{keyed: keyed}
	if total >= 0 {
		k.out = make([]Outcome[R], total)
		return k
	}
	k.segments.Store(new([]*segment[R]))
	return k
}

// grow adds the segments that hold a stream's records up to index. Only
// the producer calls it, before any worker sees those records.
func (k *keptAll[R]) grow(index int) {
	if index>>segmentBits < len(*k.segments.Load()) {
		return
	}
	k.addSegments(index)
}

// addSegments is grow's rare path, once a segment. (Its own function: the
// slice whose address is stored escapes, and would cost grow an allocation
// for every record.)
func (k *keptAll[R]) addSegments(index int) {
	segs := *k.segments.Load()
	for index>>segmentBits >= len(segs) {
		s := &segment[R]{}
		if k.keyed {
			s.keys = make([]string, segmentSize)
		}
		segs = append(segs, s)
	}
	k.segments.Store(&segs)
}

// successes returns the writer of a chunk's successes: a chunk's records
// have all been read, so the segments loaded now hold them.
func (k *keptAll[R]) successes() successWriter[R] {
	if k.out != nil {
		return successWriter[R]{out: k.out}
	}
	return successWriter[R]{segments: *k.segments.Load()}
}

// successWriter stores the successes of one chunk without a lock, each
// index being settled once.
type successWriter[R any] struct {
	out      []Outcome[R]
	segments []*segment[R]
}

// put stores one success sent `sent` times, and reports false when it
// cannot (sent too often for a segment): the caller then passes it to the
// recorder whole.
func (w successWriter[R]) put(index int, key string, result R, sent int32) bool {
	if w.out != nil {
		// The slot is still zero: only the fields a success sets are written.
		o := &w.out[index]
		o.Index, o.Status, o.Result, o.Attempts = index, Succeeded, result, sent
		if key != "" {
			o.Key = key
		}
		return true
	}
	if sent > maxSegmentSends {
		return false
	}
	s := w.segments[index>>segmentBits]
	i := index & segmentMask
	s.results[i] = result
	s.sent[i] = uint8(sent)
	if s.keys != nil {
		s.keys[i] = key
	}
	return true
}

// putFirstSends stores the successes of a chunk whose every record went
// in on its first send: the records at the given input indexes, with their
// keys (nil when the operation has none) and results.
func (w successWriter[R]) putFirstSends(index []int, keys []string, results []Result[R]) {
	index = index[:len(results)]
	if w.out != nil {
		out := w.out
		for i, n := range index {
			o := &out[n]
			o.Index, o.Status, o.Result, o.Attempts = n, Succeeded, results[i].Value, 1
		}
		for i, key := range keys {
			out[index[i]].Key = key
		}
		return
	}
	var (
		seg = -1
		s   *segment[R]
	)
	for i, n := range index {
		if n>>segmentBits != seg {
			seg = n >> segmentBits
			s = w.segments[seg]
		}
		s.results[n&segmentMask] = results[i].Value
		s.sent[n&segmentMask] = 1
	}
	for i, key := range keys {
		n := index[i]
		w.segments[n>>segmentBits].keys[n&segmentMask] = key
	}
}

// put stores one outcome; the caller holds the recorder's lock.
func (k *keptAll[R]) put(o *Outcome[R]) {
	switch {
	case k.out != nil:
		k.out[o.Index] = *o
	case o.Status == Succeeded && k.successes().put(o.Index, o.Key, o.Result, o.Attempts):
	default:
		k.others = append(k.others, *o)
	}
}

// outcomes returns every outcome in index order, for total records of
// which settled were recorded, and empties the store. A record with no
// outcome (an engine bug) is left with the zero Status, which no finished
// report may hold.
func (k *keptAll[R]) outcomes(total, settled int) []Outcome[R] {
	if k.out != nil {
		out := k.out
		k.out = nil
		if settled != total {
			for i := range out {
				out[i].Index = i
			}
		}
		return out
	}
	out := make([]Outcome[R], total)
	for n, s := range *k.segments.Load() {
		base := n << segmentBits
		if base >= total {
			break
		}
		part := out[base:min(base+segmentSize, total)]
		for i := range part {
			o := &part[i]
			o.Index = base + i
			if sent := s.sent[i]; sent != 0 {
				o.Status, o.Result, o.Attempts = Succeeded, s.results[i], int32(sent)
			}
		}
		if s.keys != nil {
			for i := range part {
				if s.sent[i] != 0 {
					part[i].Key = s.keys[i]
				}
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
