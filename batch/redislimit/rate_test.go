package redislimit

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRateWindowIsRolling drives the script with a clock the test owns:
// n grants at once after a stall, then each further grant exactly when the
// n-th previous one leaves the window (t-window, t].
func TestRateWindowIsRolling(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	l, err := NewRateLimiter(rdb, testKey(t, rdb), 3, time.Second, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type step struct {
		at   time.Duration // clock time of the try
		wait time.Duration // 0: granted
	}
	steps := []step{
		{0, 0}, {0, 0}, {100 * time.Millisecond, 0}, // a full window at once
		{200 * time.Millisecond, 800 * time.Millisecond}, // the oldest leaves at 1 s
		{999 * time.Millisecond, time.Millisecond},       // still inside
		{time.Second, 0},                                                 // (0, 1s] no longer holds it
		{time.Second, 0},                                                 // nor the second one at 0
		{time.Second, 100 * time.Millisecond},                            // the third (100 ms) is still in
		{5 * time.Second, 0}, {5 * time.Second, 0}, {5 * time.Second, 0}, // after a stall: n again
		{5 * time.Second, time.Second},
	}
	var got, want []step
	for _, s := range steps {
		clock.t.Store(int64(s.at))
		w, err := l.try(ctx, newToken(), 0)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, step{s.at, w})
		want = append(want, s)
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(step{})); d != "" {
		t.Errorf("grants and waits (-want +got):\n%s", d)
	}
}

// TestRateMatchesModel compares the script with a plain sliding log over
// thousands of random arrivals from three "processes": it grants exactly
// when the model does, and no window ever holds more than n grants.
func TestRateMatchesModel(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	const n, window = 7, 500 * time.Millisecond
	key := testKey(t, rdb)
	var ls []*RateLimiter
	for range 3 {
		l, err := NewRateLimiter(rdb, key, n, window, withClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var grants []time.Duration // model: grant times
	for i := range 3000 {
		clock.advance(time.Duration(rng.IntN(40_000)) * time.Microsecond) // the scripts count µs
		now := time.Duration(clock.t.Load())
		wantWait := time.Duration(0)
		if len(grants) >= n {
			if free := grants[len(grants)-n] + window; now < free {
				wantWait = free - now
			}
		}
		got, err := ls[rng.IntN(len(ls))].try(context.Background(), newToken(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got != wantWait {
			t.Fatalf("try %d at %v: wait %v, model says %v", i, now, got, wantWait)
		}
		if got == 0 {
			grants = append(grants, now)
		}
	}
	for i := n; i < len(grants); i++ {
		if grants[i]-grants[i-n] < window {
			t.Fatalf("grants %d and %d are %v apart: %d in one window", i-n, i, grants[i]-grants[i-n], n+1)
		}
	}
	if len(grants) < 3000/10 {
		t.Fatalf("only %d grants: the model test did not exercise the limit", len(grants))
	}
}

// TestWaitSleepsUntilGranted: Wait sleeps exactly the waits the script
// gives, so 5 Waits at 2 per second are granted at 0, 0, 1 s, 1 s, 2 s.
func TestWaitSleepsUntilGranted(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	l, err := NewRateLimiter(rdb, testKey(t, rdb), 2, time.Second, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	got := grantTimes(t, l, clock, 5)
	want := []time.Duration{0, 0, time.Second, time.Second, 2 * time.Second}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("grant times (-want +got):\n%s", d)
	}
}

// TestPauseHoldsEveryProcess: a pause learned by one limiter holds back
// another limiter of the same account (another process), and a shorter
// pause does not shorten it.
func TestPauseHoldsEveryProcess(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	key := testKey(t, rdb)
	a, err := NewRateLimiter(rdb, key, 100, time.Second, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewRateLimiter(rdb, key, 100, time.Second, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	sem, err := NewSemaphore(rdb, key, 5, withClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a.PauseUntil(clock.now().Add(5 * time.Second))
	a.PauseUntil(clock.now().Add(2 * time.Second)) // shorter: ignored
	if w, err := b.try(ctx, newToken(), 0); err != nil || w != 5*time.Second {
		t.Fatalf("other limiter: wait %v, %v; want 5s", w, err)
	}
	if w, err := sem.pause.shared(ctx); err != nil || w != 5*time.Second {
		t.Fatalf("semaphore of the account: pause %v, %v; want 5s", w, err)
	}
	start := clock.now()
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := clock.now().Sub(start); waited != 5*time.Second {
		t.Errorf("Wait returned after %v, want the 5s pause", waited)
	}
	start = clock.now()
	if err := sem.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := clock.now().Sub(start); waited != 0 {
		t.Errorf("semaphore Wait after the pause waited %v", waited)
	}
	// A pause written through the semaphore holds the rate limiter.
	sem.PauseUntil(clock.now().Add(time.Second))
	if w, err := a.try(ctx, newToken(), 0); err != nil || w != time.Second {
		t.Fatalf("after the semaphore's pause: wait %v, %v; want 1s", w, err)
	}
}

// TestPauseHonouredLocallyWithoutRedis: a pause that could not be written
// to Redis still holds this process back.
func TestPauseHonouredLocallyWithoutRedis(t *testing.T) {
	redisAddr(t)
	rdb := dial(t, redisAddr(t))
	clock := newFakeClock()
	l, err := NewRateLimiter(rdb, testKey(t, rdb), 10, time.Second, withClock(clock), WithMaxOutage(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	l.rdb = failing{}
	l.PauseUntil(clock.now().Add(3 * time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.pause.waitLocal(ctx); err == nil {
		t.Fatal("waitLocal ignored the local pause")
	}
	start := clock.now()
	_ = l.pause.waitLocal(context.Background())
	if waited := clock.now().Sub(start); waited != 3*time.Second {
		t.Errorf("local pause waited %v, want 3s", waited)
	}
}

func TestNewRateLimiterRejectsBadInput(t *testing.T) {
	rdb := dial(t, redisAddr(t))
	for name, f := range map[string]func() error{
		"empty key":    func() error { _, err := NewRateLimiter(rdb, " ", 1, time.Second); return err },
		"brace in key": func() error { _, err := NewRateLimiter(rdb, "a{b}", 1, time.Second); return err },
		"zero n":       func() error { _, err := NewRateLimiter(rdb, "k", 0, time.Second); return err },
		"tiny window":  func() error { _, err := NewRateLimiter(rdb, "k", 1, time.Microsecond); return err },
		"lease option": func() error {
			_, err := NewRateLimiter(rdb, "k", 1, time.Second, WithLeaseTTL(time.Second))
			return err
		},
		"nil client":  func() error { _, err := NewRateLimiter(nil, "k", 1, time.Second); return err },
		"zero slots":  func() error { _, err := NewSemaphore(rdb, "k", 0); return err },
		"short lease": func() error { _, err := NewSemaphore(rdb, "k", 1, WithLeaseTTL(time.Millisecond)); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestWindowFromEnd: a request keeps its place until a window after it
// ends; a place never released (its process was killed) leaves a window
// plus a lease TTL after its last renewal.
func TestWindowFromEnd(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	const ttl = time.Second
	l, err := NewRateLimiter(rdb, testKey(t, rdb), 2, time.Second, withClock(clock), WithWindowFromEnd(), WithLeaseTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil { // the pause only: grants nothing
		t.Fatal(err)
	}
	first, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(ctx); err != nil { // never released: a killed process
		t.Fatal(err)
	}
	if w, err := l.try(ctx, "probe", ttl); err != nil || w != 2*time.Second {
		t.Fatalf("with both places in flight: wait %v, %v; want the window plus the lease (2s)", w, err)
	}
	clock.advance(500 * time.Millisecond)
	first() // ended at 0.5 s: its place is free at 1.5 s
	if w, err := l.try(ctx, "probe", ttl); err != nil || w != time.Second {
		t.Fatalf("after the first ended at 0.5s: wait %v, %v; want 1s", w, err)
	}
	start := clock.now()
	release, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if got := clock.now().Sub(start); got != time.Second {
		t.Errorf("Acquire granted after %v, want 1s", got)
	}
}

// TestBurstKeepsAPace: with WithBurst(2), 10 per second go 2 at once and
// then one every 100 ms, even after a stall.
func TestBurstKeepsAPace(t *testing.T) {
	rdb := newClient(t)
	clock := newFakeClock()
	l, err := NewRateLimiter(rdb, testKey(t, rdb), 10, time.Second, withClock(clock), WithBurst(2))
	if err != nil {
		t.Fatal(err)
	}
	got := grantTimes(t, l, clock, 5)
	want := []time.Duration{0, 0, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("grant times (-want +got):\n%s", d)
	}
}

// grantTimes calls Wait k times and returns the clock's time at each grant.
func grantTimes(t *testing.T, l *RateLimiter, clock *fakeClock, k int) []time.Duration {
	t.Helper()
	var got []time.Duration
	for range k {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		got = append(got, time.Duration(clock.t.Load()))
	}
	return got
}
