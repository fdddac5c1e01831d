package redislimit

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Backoff between attempts while Redis does not answer.
const (
	firstBackoff = 25 * time.Millisecond
	maxBackoff   = time.Second
)

// guard runs the calls to Redis of one limiter and fails them closed: it
// retries a failing call with backoff for at most maxOutage, then returns
// an *UnavailableError; while the limiter is down, a call is tried once.
// When Redis answers again after failures it may have restarted without
// its data, so the guard holds this process back for a while (holdAfter)
// before granting anything, lest a forgotten window or lease be overrun.
type guard struct {
	op, key   string
	maxOutage time.Duration
	logger    interface{ Warn(string, ...any) }
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	// holdAfter returns the end of the hold after a recovery, given when
	// the failures started and when Redis answered again.
	holdAfter func(failedSince, recovered time.Time) time.Time
	// probe asks Redis something that grants nothing. While Redis fails,
	// the guard tries the probe instead of the call, so that the answer
	// that ends an outage is never a grant made before the hold.
	probe func(context.Context) error

	mu          sync.Mutex
	failedSince time.Time // zero while Redis answers
	down        bool      // a call has given up since the last success
	holdUntil   time.Time
}

// do runs call until it succeeds, ctx ends, or Redis has failed for
// maxOutage (or the guard is down and one more try fails).
func (g *guard) do(ctx context.Context, call func(context.Context) error) error {
	backoff := firstBackoff
	for {
		// Every pass, not only the first: another caller's probe (or a
		// lease renewal) may have ended the outage and set the hold while
		// this one slept in its backoff.
		if err := g.waitHold(ctx); err != nil {
			return err
		}
		try, probing := call, g.probe != nil && g.failing()
		if probing {
			try = g.probe
		}
		err := try(ctx)
		if err == nil {
			g.succeeded()
			if !probing {
				return nil
			}
			continue // Redis answers again: sit out the hold, then make the call
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		since, down := g.failed()
		elapsed := g.now().Sub(since)
		if down || elapsed >= g.maxOutage || !transient(err) {
			g.giveUp()
			return &UnavailableError{Op: g.op, Key: g.key, For: elapsed, Err: err}
		}
		d := min(backoff/2+rand.N(backoff/2+1), g.maxOutage-elapsed)
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// failing reports whether Redis failed the last call (or the guard gave up).
func (g *guard) failing() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !g.failedSince.IsZero() || g.down
}

// waitHold sleeps out a hold left by a recovery.
func (g *guard) waitHold(ctx context.Context) error {
	g.mu.Lock()
	until := g.holdUntil
	g.mu.Unlock()
	if d := until.Sub(g.now()); d > 0 {
		return g.sleep(ctx, d)
	}
	return nil
}

// failed notes a failed call; it returns when the failures started and
// whether the guard had already given up.
func (g *guard) failed() (time.Time, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failedSince.IsZero() {
		g.failedSince = g.now()
	}
	return g.failedSince, g.down
}

// giveUp marks the guard down: later calls try once.
func (g *guard) giveUp() {
	g.mu.Lock()
	first := !g.down
	g.down = true
	g.mu.Unlock()
	if first {
		g.logger.Warn("redislimit: redis unavailable, failing closed", "op", g.op, "key", g.key)
	}
}

// succeeded notes a call that Redis answered, and sets the hold after a
// recovery.
func (g *guard) succeeded() {
	g.mu.Lock()
	since := g.failedSince
	if since.IsZero() {
		g.mu.Unlock()
		return
	}
	now := g.now()
	hold := g.holdAfter(since, now)
	if hold.After(g.holdUntil) {
		g.holdUntil = hold
	}
	g.failedSince, g.down = time.Time{}, false
	g.mu.Unlock()
	g.logger.Warn("redislimit: redis answers again", "op", g.op, "key", g.key,
		"outage", now.Sub(since).Round(time.Millisecond), "holding until", hold)
}

// transient reports whether err may pass by itself: anything but an error
// reply of Redis, except the replies of a server that is loading, busy,
// failing over or read-only.
func transient(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true
	}
	msg := reply.Error()
	for _, p := range []string{"LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "NOREPLICAS"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
