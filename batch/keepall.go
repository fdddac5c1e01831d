package batch

import "sync/atomic"

// Segments of successes under KeepAll: 4096 records each.
const (
	segmentBits = 12
	segmentSize = 1 << segmentBits
	segmentMask = segmentSize - 1
)

// keptAll holds the outcomes of a KeepAll run while it goes.
//
// Successes — nearly every record — are kept compactly in fixed segments:
// the result, the send count and, for keyed operations, the key. Segments
// are never copied: for a slice they are all allocated at the start, for a
// stream added as the input is read. Other outcomes are kept whole in a
// list. outcomes builds the report's Outcomes once, at its final length,
// from both.
//
// Writing whole Outcomes into the report as the run goes costs more: every
// Outcome holds pointers (its key, its error), so each write pays the
// garbage collector's write barrier and every collection during the run
// scans the whole report. A segment whose result type holds no pointers is
// neither barriered nor scanned. The price is about 12 bytes per record
// (plus the key) on top of the Outcome itself.
type keptAll[R any] struct {
	// segments is replaced (never changed below its length) by the
	// producer only, and read by the workers, which settle only records
	// already read.
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

// newKeptAll returns the store for total records (-1 when unknown: a
// stream, whose segments come with grow).
func newKeptAll[R any](total int, keyed bool) *keptAll[R] {
	k := &keptAll[R]{keyed: keyed}
	k.segments.Store(new([]*segment[R]))
	for i := 0; i < total; i += segmentSize {
		k.grow(i)
	}
	return k
}

// grow adds the segment that holds index. Only the producer calls it,
// before any worker sees the record.
func (k *keptAll[R]) grow(index int) {
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
	if o.Status == Succeeded {
		k.putSuccess(o.Index, o.Key, o.Result, o.Attempts)
		return
	}
	k.others = append(k.others, *o)
}

// outcomes returns every outcome in index order, for total records, and
// empties the store. A record with no outcome (an engine bug) is left
// with the zero Status, which no finished report may hold.
func (k *keptAll[R]) outcomes(total int) []Outcome[R] {
	out := make([]Outcome[R], total)
	for n, s := range *k.segments.Load() {
		base := n << segmentBits
		for i := range min(segmentSize, total-base) {
			o := &out[base+i]
			o.Index = base + i
			if s.sent[i] == 0 {
				continue
			}
			o.Status, o.Result, o.Attempts = Succeeded, s.results[i], int(s.sent[i])
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
