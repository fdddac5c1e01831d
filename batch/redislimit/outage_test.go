package redislimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// TestFailsClosedWhenRedisIsDown: with Redis unreachable, Wait retries
// with backoff for MaxOutage, then returns an *UnavailableError that
// matches ErrUnavailable and stops a batch run; the next Wait tries once.
func TestFailsClosedWhenRedisIsDown(t *testing.T) {
	clock := newFakeClock()
	l, err := NewRateLimiter(failing{}, "acct", 10, time.Second, withClock(clock), WithMaxOutage(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	start := clock.now()
	err = l.Wait(context.Background())
	var ue *UnavailableError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnavailable) || !errors.Is(err, errDown) {
		t.Fatalf("Wait: %v, want an *UnavailableError wrapping the Redis error", err)
	}
	if !batch.StopsRun(err) {
		t.Error("the error does not stop a batch run")
	}
	if waited := clock.now().Sub(start); waited < 5*time.Second || waited > 6*time.Second {
		t.Errorf("gave up after %v of retries, want MaxOutage (5s)", waited)
	}
	if ue.Op != "rate wait" || ue.Key != "acct" || ue.For < 5*time.Second {
		t.Errorf("error fields: %+v", ue)
	}
	sleeps := clock.sleeps.Load()
	if err := l.Wait(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("second Wait: %v", err)
	}
	if n := clock.sleeps.Load() - sleeps; n != 0 {
		t.Errorf("second Wait backed off %d times; once down, a call tries once", n)
	}

	sem, err := NewSemaphore(failing{}, "acct", 5, withClock(clock), WithMaxOutage(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if release, err := sem.Acquire(context.Background()); release != nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Acquire without Redis: %v (release %v)", err, release != nil)
	}
	if err := sem.Wait(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("semaphore Wait without Redis: %v", err)
	}
}

// TestRecoversAndHoldsAWindow: Redis failing briefly is waited out; once it
// answers, the limiter holds this process until a window after the
// failures began (a restarted Redis forgot the grants of that window).
func TestRecoversAndHoldsAWindow(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	down := true
	l, err := NewRateLimiter(flaky{Scripter: rdb, down: &down}, testKey(t, rdb), 10, 2*time.Second,
		withClock(clock), WithMaxOutage(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	l.guard.sleep = func(ctx context.Context, d time.Duration) error {
		if clock.now().Sub(clock.start) > 500*time.Millisecond {
			down = false // Redis is back
		}
		return clock.sleep(ctx, d)
	}
	if err := l.Wait(context.Background()); err != nil {
		t.Fatalf("Wait across a short outage: %v", err)
	}
	back := clock.now()
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// At least a window: later only if a call to Redis timed out on a
	// loaded machine and was tried again (the test's Redis client has a 1 s
	// read timeout on the real clock).
	if got, want := clock.now().Sub(clock.start), 2*time.Second; got < want {
		t.Errorf("the Wait after the outage was granted at %v, want a window (%v) after the failures began (Redis answered at %v)",
			got, want, back.Sub(clock.start))
	}
}

// TestErrorReplyFailsAtOnce: a Redis error reply that will not pass (the
// key holds another type) fails closed at once instead of retrying.
func TestErrorReplyFailsAtOnce(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	key := testKey(t, rdb)
	l, err := NewRateLimiter(rdb, key, 10, time.Second, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(context.Background(), l.keys.places(), "not a list", 0).Err(); err != nil {
		t.Fatal(err)
	}
	err = l.Wait(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Wait on a key of the wrong type: %v", err)
	}
	if n := clock.sleeps.Load(); n != 0 {
		t.Errorf("retried %d times a reply that cannot pass", n)
	}
}
