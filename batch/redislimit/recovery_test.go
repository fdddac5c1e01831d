package redislimit

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// A caller already waiting across an outage is not granted by the answer
// that ends it: Redis is probed first, and the hold after a recovery (a
// lease TTL for a semaphore) applies to it too. Here Redis restarts empty
// while A holds the one slot; B, waiting, must sit out the lease TTL.
func TestWaiterAcrossAnOutageSitsOutTheHold(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	down := false
	key := testKey(t, rdb)
	sem, err := NewSemaphore(flaky{Scripter: rdb, down: &down}, key, 1, withClock(clock), WithMaxOutage(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	relA, err := sem.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer relA()
	down = true
	if err := rdb.Del(context.Background(), sem.slots...).Err(); err != nil {
		t.Fatal(err)
	}
	sem.guard.sleep = func(ctx context.Context, d time.Duration) error {
		if clock.now().Sub(clock.start) > 300*time.Millisecond {
			down = false
		}
		return clock.sleep(ctx, d)
	}
	start := clock.now()
	relB, err := sem.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer relB()
	if waited := clock.now().Sub(start); waited < DefaultLeaseTTL {
		t.Errorf("B granted %v after it started waiting, within the lease-TTL hold after the outage", waited)
	}
}

// A token whose earlier acquire took a slot but lost the reply gets that
// slot back when the call is retried, not a second one.
func TestRetriedAcquireKeepsItsSlot(t *testing.T) {
	rdb := newClient(t)
	key := testKey(t, rdb)
	sem, err := NewSemaphore(rdb, key, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, _, err := sem.tryAcquire(ctx, "token-1")
	if err != nil || first == 0 {
		t.Fatalf("first try: slot %d, %v", first, err)
	}
	again, _, err := sem.tryAcquire(ctx, "token-1")
	if err != nil || again != first {
		t.Fatalf("retried: slot %d, want %d (%v)", again, first, err)
	}
	other, _, err := sem.tryAcquire(ctx, "token-2")
	if err != nil || other == 0 || other == first {
		t.Fatalf("another token: slot %d (%v); one slot should still be free", other, err)
	}
}

// A caller waiting for a slot when another process pauses the account
// (its 429) does not get the slot before the pause ends.
func TestAcquireHonoursAPauseSetWhileWaiting(t *testing.T) {
	rdb := newClient(t)
	key := testKey(t, rdb)
	clock := newFakeClock()
	semA, _ := NewSemaphore(rdb, key, 1, withClock(clock))
	semB, _ := NewSemaphore(rdb, key, 1, withClock(clock))
	relA, err := semA.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pauseEnd := clock.now().Add(3 * time.Second)
	polls := 0
	semB.s.sleep = func(ctx context.Context, d time.Duration) error {
		if polls++; polls == 2 {
			semA.PauseUntil(pauseEnd) // A's request got a 429 with Retry-After: 3
			relA()
		}
		return clock.sleep(ctx, d)
	}
	if err := semB.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	rel, err := semB.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rel()
	// (The shared pause is kept in whole microseconds.)
	if at := clock.now(); at.Before(pauseEnd.Add(-time.Millisecond)) {
		t.Errorf("B took its slot %v before the shared pause ended", pauseEnd.Sub(at))
	}
}

// A second caller asleep in its backoff when another caller's probe ends
// the outage sits out the hold too: the guard checks the hold on every
// pass, not only on entry.
func TestEveryWaiterSitsOutTheHold(t *testing.T) {
	type callerA struct{}
	clock := newFakeClock()
	var down atomic.Bool
	down.Store(true)
	g := &guard{op: "test", key: "acct", maxOutage: time.Minute, logger: slog.New(slog.DiscardHandler),
		now:       clock.now,
		holdAfter: func(_, recovered time.Time) time.Time { return recovered.Add(10 * time.Second) },
		probe: func(context.Context) error {
			if down.Load() {
				return errors.New("down")
			}
			return nil
		},
	}
	call := func(context.Context) error {
		if down.Load() {
			return errors.New("down")
		}
		return nil
	}
	aHolding := make(chan struct{})
	g.sleep = func(ctx context.Context, d time.Duration) error {
		if ctx.Value(callerA{}) != nil {
			close(aHolding) // A sits out the hold in its own goroutine
			<-ctx.Done()
			return ctx.Err()
		}
		if down.Load() {
			// B failed and sleeps in its backoff: Redis comes back, and A's
			// probe ends the outage and sets the hold.
			down.Store(false)
			ctxA, cancelA := context.WithCancel(context.WithValue(context.Background(), callerA{}, true))
			t.Cleanup(cancelA)
			go func() { _ = g.do(ctxA, call) }()
			<-aHolding
		}
		return clock.sleep(ctx, d)
	}
	start := clock.now()
	if err := g.do(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	if granted := clock.now().Sub(start); granted < 10*time.Second {
		t.Errorf("B granted %v after it started, inside the 10 s hold", granted)
	}
}
