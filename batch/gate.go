package batch

import (
	"sync/atomic"
	"time"
)

// gate is a run's "not before" time: the latest wait a server asked for.
// Every worker waits it out before its next send; requests already in
// flight are left alone. It is read before every send, so it is one atomic
// word (Unix nanoseconds; 0 until a server first asks for a wait), and
// reading a gate never set costs no clock reading.
type gate struct {
	until atomic.Int64
}

// extend moves the gate to t, if later.
func (g *gate) extend(t time.Time) {
	n := t.UnixNano()
	for {
		old := g.until.Load()
		if n <= old || g.until.CompareAndSwap(old, n) {
			return
		}
	}
}

// closedUntil returns the time the gate opens and whether it is still
// closed now.
func (g *gate) closedUntil() (time.Time, bool) {
	n := g.until.Load()
	if n == 0 {
		return time.Time{}, false
	}
	until := time.Unix(0, n)
	return until, time.Now().Before(until)
}
