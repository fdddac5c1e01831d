package batch

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Limiter paces requests: Wait blocks until one more request may be sent, or
// returns an error when ctx ends first. *rate.Limiter from
// golang.org/x/time/rate satisfies it. One Limiter may be shared by several
// clients (or, with a distributed implementation, several processes) that
// draw on the same vendor account.
//
// A Limiter may also implement [Pauser], to learn of the server's requested
// waits, and [SlotLimiter], to bound the requests in flight.
//
// When Wait (or Acquire) fails, the chunk waiting on it is not attempted,
// with that error. An error with a StopRun() method returning true (see
// [StopsRun]; redislimit's ErrUnavailable is one) also ends the run: no
// more is read or sent, as for a sender's run-stopping error.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Pauser is implemented by a Limiter that can hold back every request for a
// while. PauseUntil(t) means "the server asked for no request before t":
// from then on every Wait on the limiter blocks until t, whoever calls it
// (every worker of every run sharing the limiter). Pauses only ever extend:
// a t earlier than the current pause changes nothing.
//
// The engine calls PauseUntil whenever a send fails with an error whose
// RetryAfter() is positive (a 429 or 503 with Retry-After, a vendor's busy
// code), as long as the wait is within RetryPolicy.MaxRetryAfter.
type Pauser interface {
	PauseUntil(t time.Time)
}

// SlotLimiter is implemented by a Limiter that also bounds how many requests
// are in flight at once (across every run sharing it). The engine calls
// Acquire after Wait and calls release as soon as Send returns. Acquire
// returns an error, and no release, when ctx ends first.
type SlotLimiter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// Combine returns a Limiter that waits on each of ls in turn, forwards
// PauseUntil to each that is a [Pauser], and acquires a slot from each that
// is a [SlotLimiter] (releasing them all together). Nil limiters are skipped.
// Use it to stack, say, a per-second rate on top of a daily quota, or a
// [WindowLimiter] on top of a concurrency limit.
func Combine(ls ...Limiter) Limiter {
	c := &combined{}
	for _, l := range ls {
		if l != nil {
			c.ls = append(c.ls, l)
		}
	}
	return c
}

// combined is the Limiter Combine returns.
type combined struct{ ls []Limiter }

// Wait waits on every limiter in turn.
func (c *combined) Wait(ctx context.Context) error {
	for _, l := range c.ls {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// PauseUntil forwards the pause to every limiter that takes one.
func (c *combined) PauseUntil(t time.Time) {
	for _, l := range c.ls {
		if p, ok := l.(Pauser); ok {
			p.PauseUntil(t)
		}
	}
}

// Acquire takes a slot from every limiter that bounds slots; on error it
// gives back the slots already taken.
func (c *combined) Acquire(ctx context.Context) (func(), error) {
	var releases []func()
	releaseAll := func() {
		for _, r := range releases {
			r()
		}
	}
	for _, l := range c.ls {
		s, ok := l.(SlotLimiter)
		if !ok {
			continue
		}
		r, err := s.Acquire(ctx)
		if err != nil {
			releaseAll()
			return nil, err
		}
		releases = append(releases, r)
	}
	return releaseAll, nil
}

// Pausable returns l with PauseUntil added, for a Limiter that has none,
// such as *rate.Limiter: Wait first waits out the latest pause, then waits
// on l. A Limiter that already implements [Pauser] is returned unchanged.
// Pausable(nil) is a limiter that only pauses. Share the returned value, not
// l, between the clients that draw on one account, so that they all see
// the pauses.
func Pausable(l Limiter) Limiter {
	if takesPauses(l) {
		return l
	}
	return Combine(&pauseGate{}, l)
}

// takesPauses reports whether a PauseUntil on l holds back its Wait: l is a
// Pauser, and, when it is a Combine, one of the limiters it combines is.
func takesPauses(l Limiter) bool {
	if c, ok := l.(*combined); ok {
		return slices.ContainsFunc(c.ls, takesPauses)
	}
	_, ok := l.(Pauser)
	return ok
}

// pauseGate is a Limiter that blocks every Wait until the latest pause ends.
type pauseGate struct {
	mu    sync.Mutex
	until time.Time
}

// PauseUntil extends the pause to t.
func (g *pauseGate) PauseUntil(t time.Time) {
	g.mu.Lock()
	if t.After(g.until) {
		g.until = t
	}
	g.mu.Unlock()
}

// Wait blocks until the pause is over or ctx ends. A pause extended while it
// waits is waited out too.
func (g *pauseGate) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		until := g.until
		g.mu.Unlock()
		if err := sleepUntil(ctx, until, nil); err != nil || !time.Now().Before(until) {
			return err
		}
	}
}

// sleepUntil waits until t, or until ctx ends (its error) or stop closes
// (errStopped). A t in the past returns ctx.Err() at once.
func sleepUntil(ctx context.Context, t time.Time, stop <-chan struct{}) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return errStopped
	case <-timer.C:
		return nil
	}
}
