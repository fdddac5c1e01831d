package fakekit

import (
	"sync"
	"time"
)

// Clock tells a fake the time.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a clock the test moves by hand. Safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// UseManualClock sets a ManualClock starting at start as the fake's clock
// (SetClock) and returns it, for the test to advance.
func (b *Base) UseManualClock(start time.Time) *ManualClock {
	c := NewManualClock(start)
	b.SetClock(c)
	return c
}
