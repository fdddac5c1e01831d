package redislimit

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxSlots is the largest semaphore NewSemaphore accepts.
const MaxSlots = 1000

// Semaphore bounds the requests in flight on one account, counted together
// by every process that builds one on the same Redis and account key. Each
// slot is a Redis key holding the lease of one request, with a TTL the
// holder renews while its request is in flight, so that a process killed
// with its requests in flight gives their slots back within the lease TTL.
//
// It satisfies batch.Limiter (Wait, which honours the account's shared
// pause), the engine's batch.SlotLimiter (Acquire) and batch.Pauser
// (PauseUntil). Build it with NewSemaphore; it is safe for concurrent use.
type Semaphore struct {
	rdb   redis.Scripter
	keys  keys
	slots []string
	s     settings
	pause *pause
	guard *guard
}

// NewSemaphore returns a semaphore of n slots for the account named by key
// (for example "pardot:<business unit id>"), stored in rdb. Every process
// sharing the account must use the same key and n. Use the same key as the
// account's RateLimiter, if any: they then share the account's pause.
func NewSemaphore(rdb redis.Scripter, key string, n int, opts ...Option) (*Semaphore, error) {
	if rdb == nil {
		return nil, errors.New("redislimit: NewSemaphore: nil redis client")
	}
	k, err := newKeys(key)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > MaxSlots {
		return nil, fmt.Errorf("redislimit: NewSemaphore: n = %d is not in 1..%d", n, MaxSlots)
	}
	s, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	if s.burst != 0 || s.fromEnd {
		return nil, errors.New("redislimit: NewSemaphore: WithBurst and WithWindowFromEnd apply to a RateLimiter")
	}
	sem := &Semaphore{rdb: rdb, keys: k, slots: k.slots(n), s: s}
	sem.pause = &pause{rdb: rdb, key: k.pause(), account: key, settings: &sem.s}
	ttl := s.leaseTTL
	sem.guard = &guard{op: "acquire", key: key, maxOutage: s.maxOutage, logger: s.logger,
		now: s.now, sleep: s.sleep,
		// Leases may be forgotten (a restarted Redis): give their holders
		// a lease TTL to take them back at their next renewal.
		holdAfter: func(_, recovered time.Time) time.Time { return recovered.Add(ttl) },
		probe:     probe(rdb, k.pause()),
	}
	return sem, nil
}

// Wait honours the account's pause (PauseUntil from any process sharing the
// key); it does not take a slot, Acquire does. Errors as for Acquire.
func (s *Semaphore) Wait(ctx context.Context) error { return s.pause.wait(ctx, s.guard) }

// PauseUntil holds back every Wait on this account, in every process,
// until t (see RateLimiter.PauseUntil).
func (s *Semaphore) PauseUntil(t time.Time) { s.pause.until(t) }

// Acquire blocks until a slot is free and takes it; call release when the
// request is over (release is idempotent). While held, the lease is
// renewed every third of the lease TTL. It returns ctx's error when ctx
// ends first and an *UnavailableError when Redis has not answered for
// MaxOutage: no slot is handed out without Redis.
func (s *Semaphore) Acquire(ctx context.Context) (release func(), err error) {
	token := newToken()
	for first := true; ; first = false {
		if !first {
			// A pause set while this caller waited for a slot (another
			// process's 429) holds it too: the engine's Wait came before.
			if err := s.pause.wait(ctx, s.guard); err != nil {
				return nil, err
			}
		}
		var slot int
		var soonest time.Duration
		err := s.guard.do(ctx, func(ctx context.Context) (err error) {
			slot, soonest, err = s.tryAcquire(ctx, token)
			return err
		})
		if err != nil {
			return nil, err
		}
		if slot > 0 {
			return s.hold(s.slots[slot-1], token), nil
		}
		d := s.s.poll
		if soonest >= 0 && soonest < d {
			d = soonest + time.Millisecond
		}
		d = d/2 + rand.N(d/2+1) // spread the waiters of all processes
		if err := s.s.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// tryAcquire takes the first free slot (1-based), or returns 0 and how
// long until the first lease expires (-1: unknown).
func (s *Semaphore) tryAcquire(ctx context.Context, token string) (int, time.Duration, error) {
	res, err := acquireScript.Run(ctx, s.rdb, s.slots, token, s.s.leaseTTL.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	if len(res) != 2 || res[0] < 0 || res[0] > int64(len(s.slots)) {
		return 0, 0, fmt.Errorf("redislimit: unexpected acquire answer %v", res)
	}
	soonest := time.Duration(-1)
	if res[1] >= 0 {
		soonest = time.Duration(res[1]) * time.Millisecond
	}
	return int(res[0]), soonest, nil
}

// hold renews the lease on key until the returned release is called.
func (s *Semaphore) hold(key, token string) (release func()) {
	ttl := s.s.leaseTTL.Milliseconds()
	return holdLease(s.s.leaseTTL, s.guard, s.s.logger, s.keys.account, key,
		func(ctx context.Context) (int, error) {
			return renewScript.Run(ctx, s.rdb, []string{key}, token, ttl).Int()
		},
		func(ctx context.Context) error {
			return releaseScript.Run(ctx, s.rdb, []string{key}, token).Err()
		})
}

// String describes the semaphore (no secret: the Redis address is not shown).
func (s *Semaphore) String() string {
	return "redislimit.Semaphore(" + strconv.Quote(s.keys.account) + ", " + strconv.Itoa(len(s.slots)) + " slots)"
}

// newToken returns a random lease token.
func newToken() string {
	var b [16]byte
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
