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
// the grant times of the last n requests in Redis.
const MaxRequests = 100_000

// RateLimiter allows at most n requests in any rolling window, counted
// together by every process that builds one on the same Redis and account
// key. It satisfies batch.Limiter (Wait) and the engine's batch.Pauser
// (PauseUntil). Build it with NewRateLimiter; it is safe for concurrent use.
type RateLimiter struct {
	rdb    redis.Scripter
	keys   keys
	n      int
	window time.Duration
	s      settings
	pause  *pause
	guard  *guard
}

// NewRateLimiter returns a limiter of n requests per rolling window for the
// account named by key (for example "hubspot:<portal id>"), stored in rdb
// (a *redis.Client, *redis.ClusterClient or *redis.Ring). Every process
// sharing the account must use the same key, n and window.
//
// The window is counted on Redis's clock and the vendor counts on its own,
// when each request arrives: lengthen the window by the jitter you expect
// between the grant and the vendor's count (say 50 ms on a LAN, 200 ms over
// the internet; for HubSpot's 190 per 10 s, 190 per 10.2 s), or pass an n
// below the vendor's limit to leave room for other integrations.
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
	if s.leaseSet || s.pollSet {
		return nil, errors.New("redislimit: NewRateLimiter: WithLeaseTTL and WithPollInterval apply to a Semaphore")
	}
	l := &RateLimiter{rdb: rdb, keys: k, n: n, window: window, s: s}
	l.pause = &pause{rdb: rdb, key: k.pause(), account: key, settings: &l.s}
	l.guard = &guard{op: "rate wait", key: key, maxOutage: s.maxOutage, logger: s.logger,
		now: s.now, sleep: s.sleep,
		// The grants of the window before the outage may be forgotten (a
		// restarted Redis): wait until they have left the window.
		holdAfter: func(failedSince, _ time.Time) time.Time { return failedSince.Add(window) },
	}
	return l, nil
}

// Wait blocks until one more request may be sent: the account is not
// paused and fewer than n requests were granted in the window ending now,
// across every process. It returns ctx's error when ctx ends first, and an
// *UnavailableError (matching ErrUnavailable) when Redis has not answered
// for MaxOutage: the limiter never lets a request through without Redis.
func (l *RateLimiter) Wait(ctx context.Context) error {
	for {
		if err := l.pause.waitLocal(ctx); err != nil {
			return err
		}
		var wait time.Duration
		err := l.guard.do(ctx, func(ctx context.Context) (err error) {
			wait, err = l.try(ctx)
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

// try asks Redis for one grant; it returns 0 when granted, else how long
// to wait before asking again.
func (l *RateLimiter) try(ctx context.Context) (time.Duration, error) {
	us, err := rateScript.Run(ctx, l.rdb, []string{l.keys.rateLog(), l.keys.pause()},
		l.n, l.window.Microseconds(), scriptNow(&l.s)).Int64()
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
