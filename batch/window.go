package batch

import (
	"context"
	"sync"
	"time"
)

// WindowLimiter allows at most n requests in any rolling window of a given
// length, the way vendors such as HubSpot count their burst limits, and lets
// a caller that fell behind (a stalled process, a slow request) use the
// whole window again at once, up to n.
//
// It is the generic cell rate algorithm (GCRA) with one theoretical arrival
// time per slot instead of one for the whole limiter: each of n slots
// remembers when it was last granted, and may be granted again one window
// later. That is an exact sliding log of the last n grants. A single-cell
// GCRA or a token bucket of n tokens refilled at n per window lets up to
// 2n-1 requests into one rolling window (a full bucket, then the refill);
// a one-token bucket never exceeds n but cannot catch up after a stall.
// This limiter does neither: it never grants an n+1th request within a
// window of the nth-previous one, and it grants at once whenever the window
// has room.
//
// Memory is n timestamps. Wait never reserves ahead: a waiter sleeps until
// the oldest grant leaves the window (or the pause ends) and tries again, so
// a cancelled Wait costs no slot. WindowLimiter implements [Pauser]. It is
// safe for concurrent use; share one between every client that draws on
// the same limit. Its clock is the time package's (tests drive it with
// testing/synctest).
type WindowLimiter struct {
	n      int
	window time.Duration

	mu     sync.Mutex
	grants []time.Time // ring of the last n grant times, oldest at next
	next   int         // the slot granted next (the oldest grant)
	pause  time.Time   // no grant before this
}

// NewWindowLimiter returns a limiter allowing at most n requests in any
// rolling window of the given length. With n < 1 or window <= 0 it does
// not limit (but still honours PauseUntil).
func NewWindowLimiter(n int, window time.Duration) *WindowLimiter {
	l := &WindowLimiter{n: n, window: window}
	if n >= 1 && window > 0 {
		l.grants = make([]time.Time, n)
	}
	return l
}

// Limit returns the n and window the limiter was made with.
func (l *WindowLimiter) Limit() (n int, window time.Duration) { return l.n, l.window }

// Wait blocks until one more request fits in the rolling window and no
// pause is in force, then counts the request at the time it returns. It
// returns ctx's error, counting nothing, when ctx ends first.
func (l *WindowLimiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		at, ok := l.tryGrant(time.Now())
		if ok {
			return nil
		}
		if err := sleepUntil(ctx, at, nil); err != nil {
			return err
		}
	}
}

// tryGrant grants a request at now if the window has room and no pause is
// in force; otherwise it returns the earliest time worth trying again.
func (l *WindowLimiter) tryGrant(now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.pause
	if l.grants != nil {
		if free := l.grants[l.next].Add(l.window); free.After(at) {
			at = free
		}
	}
	if now.Before(at) {
		return at, false
	}
	if l.grants != nil {
		l.grants[l.next] = now
		l.next = (l.next + 1) % l.n
	}
	return now, true
}

// PauseUntil holds back every Wait until t (see [Pauser]).
func (l *WindowLimiter) PauseUntil(t time.Time) {
	l.mu.Lock()
	if t.After(l.pause) {
		l.pause = t
	}
	l.mu.Unlock()
}
