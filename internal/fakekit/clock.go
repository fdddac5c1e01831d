package fakekit

import (
	"context"
	"sync"
	"time"
)

// Clock tells a fake the time.
type Clock interface{ Now() time.Time }

// waiter is a Clock that can also wait on itself: SystemClock and
// ManualClock. A fake's delays (WaitUntil) follow it.
type waiter interface {
	Clock
	WaitUntil(ctx context.Context, t time.Time) error
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// WaitUntil sleeps until t on the wall clock, or until ctx ends (its
// error then).
func (SystemClock) WaitUntil(ctx context.Context, t time.Time) error {
	return sleep(ctx, time.Until(t))
}

// sleep waits d (nothing when d <= 0) unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ManualClock is a clock the test moves by hand. Safe for concurrent use.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiting map[*manualWait]struct{}
}

// manualWait is one WaitUntil blocked on a ManualClock: done is closed
// once the clock reaches until.
type manualWait struct {
	until time.Time
	done  chan struct{}
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d, waking every WaitUntil whose time
// has come.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for w := range c.waiting {
		if !c.now.Before(w.until) {
			close(w.done)
			delete(c.waiting, w)
		}
	}
}

// WaitUntil blocks until Advance has brought the clock to t or later (at
// once when it is there already), or until ctx ends (its error then). No
// wall-clock time counts.
func (c *ManualClock) WaitUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	if !c.now.Before(t) {
		c.mu.Unlock()
		return nil
	}
	w := &manualWait{until: t, done: make(chan struct{})}
	if c.waiting == nil {
		c.waiting = make(map[*manualWait]struct{})
	}
	c.waiting[w] = struct{}{}
	c.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.waiting, w)
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Waiting is how many WaitUntil calls are blocked on the clock: a test
// reads it to know a fake has started a delay before it advances.
func (c *ManualClock) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiting)
}

// UseManualClock sets a ManualClock starting at start as the fake's clock
// (SetClock) and returns it, for the test to advance.
func (b *Base) UseManualClock(start time.Time) *ManualClock {
	c := NewManualClock(start)
	b.SetClock(c)
	return c
}

// WaitUntil blocks until the fake's clock reads t or later, or until ctx
// ends (its error then): the way a fake holds back work it does on its own
// time (a batch processed later, a delayed callback), so that a test on a
// ManualClock moves it with Advance and never waits on the wall clock. A
// fake computes t from Now when the work is queued, so an Advance made
// before the wait starts still counts. On the system clock it sleeps; on a
// Clock of the caller's that cannot wait, it sleeps the difference
// between t and that clock's Now on the wall clock. A wait follows the
// clock that was set when it began.
func (b *Base) WaitUntil(ctx context.Context, t time.Time) error {
	b.mu.Lock()
	c := b.clock
	b.mu.Unlock()
	if w, ok := c.(waiter); ok {
		return w.WaitUntil(ctx, t)
	}
	return sleep(ctx, t.Sub(c.Now()))
}
