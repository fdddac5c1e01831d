package redislimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxRequests is the largest n NewRateLimiter accepts: the limiter keeps
// a place for each of the last n requests in Redis.
const MaxRequests = 100_000

// RateLimiter allows at most n requests in any rolling window, counted
// together by every process that builds one on the same Redis and account
// key. It satisfies batch.Limiter (Wait) and the engine's batch.Pauser
// (PauseUntil) and batch.SlotLimiter (Acquire). Build it with
// NewRateLimiter; it is safe for concurrent use.
//
// By default a request holds its place in the window from its grant (in
// Wait) until a window later. With WithWindowFromEnd it holds it from its
// grant (in Acquire) until a window after it ends (release), which no
// delay between the grant and the vendor's count can overrun.
type RateLimiter struct {
	rdb     redis.Scripter
	keys    keys
	n       int
	burst   int // at most this many at once; n: no pace
	window  time.Duration
	fromEnd bool
	s       settings
	pause   *pause
	guard   *guard
}

// NewRateLimiter returns a limiter of n requests per rolling window for the
// account named by key (for example "hubspot:<portal id>"), stored in rdb
// (a *redis.Client, *redis.ClusterClient or *redis.Ring). Every process
// sharing the account must use the same key, n, window and options.
//
// The window is counted on Redis's clock and the vendor counts on its own,
// when each request arrives. Counted from the grant (the default), a
// request that is slow to leave (a busy host: encoding, scheduling, a
// queue of requests granted together) can be counted by the vendor in the
// next window: lengthen the window by the delay you expect, or use
// WithWindowFromEnd, which needs no allowance.
//
// By default (no WithBurst) a whole window may go at once after a stall,
// and later windows then see their grants in the same bursts; WithBurst(a
// few) keeps an even pace instead.
func NewRateLimiter(rdb redis.Scripter, key string, n int, window time.Duration, opts ...Option) (*RateLimiter, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: NewRateLimiter: nil redis client")
	}
	k, err := newKeys(key)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > MaxRequests {
		return nil, fmt.Errorf("redislimit: NewRateLimiter: n = %d is not in 1..%d", n, MaxRequests)
	}
	if window < time.Millisecond {
		return nil, fmt.Errorf("redislimit: NewRateLimiter: window %v is under 1ms", window)
	}
	s, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	if s.pollSet {
		return nil, errors.New("redislimit: NewRateLimiter: WithPollInterval applies to a Semaphore")
	}
	if s.leaseSet && !s.fromEnd {
		return nil, errors.New("redislimit: NewRateLimiter: WithLeaseTTL applies with WithWindowFromEnd")
	}
	burst := n
	if s.burst > 0 {
		burst = min(s.burst, n)
	}
	l := &RateLimiter{rdb: rdb, keys: k, n: n, burst: burst, window: window, fromEnd: s.fromEnd, s: s}
	l.pause = &pause{rdb: rdb, key: k.pause(), account: key, settings: &l.s}
	l.guard = &guard{op: "rate wait", key: key, maxOutage: s.maxOutage, logger: s.logger,
		now: s.now, sleep: s.sleep,
		// The places of the window before the outage may be forgotten (a
		// restarted Redis): wait until they would have left the window.
		holdAfter: func(failedSince, recovered time.Time) time.Time {
			if s.fromEnd {
				return recovered.Add(window)
			}
			return failedSince.Add(window)
		},
		probe: probe(rdb, k.pause()),
	}
	return l, nil
}

// Wait blocks until one more request may be sent: the account is not
// paused and (unless WithWindowFromEnd, where Acquire grants) fewer than n
// requests hold a place in the window ending now, across every process.
// It returns ctx's error when ctx ends first, and an *UnavailableError
// (matching ErrUnavailable) when Redis has not answered for MaxOutage: the
// limiter never lets a request through without Redis.
func (l *RateLimiter) Wait(ctx context.Context) error {
	if l.fromEnd {
		return l.pause.wait(ctx, l.guard)
	}
	return l.grant(ctx, newToken(), 0)
}

// Acquire grants one request under WithWindowFromEnd and returns the
// release to call when it has ended (a window later its place is free;
// until then the place is renewed, so a process killed mid-request frees
// its places a lease TTL plus a window later). Without WithWindowFromEnd,
// Wait grants and Acquire does nothing. Errors as for Wait.
func (l *RateLimiter) Acquire(ctx context.Context) (release func(), err error) {
	if !l.fromEnd {
		return func() {}, nil
	}
	member := newToken()
	lease := l.s.leaseTTL
	if err := l.grant(ctx, member, lease); err != nil {
		return nil, err
	}
	set := []string{l.keys.places()}
	return holdLease(lease, l.guard, l.s.logger, l.keys.account, set[0],
		func(ctx context.Context) (int, error) {
			return rateRenewScript.Run(ctx, l.rdb, set, member, (l.window + lease).Microseconds(), scriptNow(&l.s)).Int()
		},
		func(ctx context.Context) error {
			return rateDoneScript.Run(ctx, l.rdb, set, member, l.window.Microseconds(), scriptNow(&l.s)).Err()
		}), nil
}

// grant waits until the script grants member a place held for the window
// plus lease.
func (l *RateLimiter) grant(ctx context.Context, member string, lease time.Duration) error {
	for {
		if err := l.pause.waitLocal(ctx); err != nil {
			return err
		}
		var wait time.Duration
		err := l.guard.do(ctx, func(ctx context.Context) (err error) {
			wait, err = l.try(ctx, member, lease)
			return err
		})
		if err != nil {
			return err
		}
		if wait <= 0 {
			return nil
		}
		if err := l.s.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// try asks Redis once for a place; it returns 0 when granted, else how
// long to wait before asking again.
func (l *RateLimiter) try(ctx context.Context, member string, lease time.Duration) (time.Duration, error) {
	us, err := rateScript.Run(ctx, l.rdb, []string{l.keys.places(), l.keys.pause(), l.keys.pace()},
		l.n, l.window.Microseconds(), l.burst, member, lease.Microseconds(), scriptNow(&l.s)).Int64()
	return time.Duration(us) * time.Microsecond, err
}

// PauseUntil holds back every Wait on this account, in every process,
// until t: the batch engine calls it when the vendor asks for a wait (a
// 429 with Retry-After). The wait is stored on Redis's clock; if Redis
// cannot store it, this process still honours it.
func (l *RateLimiter) PauseUntil(t time.Time) { l.pause.until(t) }

// String describes the limiter (no secret: the Redis address is not shown).
func (l *RateLimiter) String() string {
	return "redislimit.RateLimiter(" + strconv.Quote(l.keys.account) + ", " + strconv.Itoa(l.n) + " per " + l.window.String() + ")"
}

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }
