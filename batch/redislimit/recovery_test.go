package redislimit

import (
	"context"
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
