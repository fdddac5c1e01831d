package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// DefaultMaxOutage is how long a limiter keeps retrying an unreachable
// Redis before it fails closed with an *UnavailableError.
const DefaultMaxOutage = 30 * time.Second

// DefaultLeaseTTL is how long a semaphore slot stays taken without
// renewal: a process killed while holding it gives it back after this long.
const DefaultLeaseTTL = 10 * time.Second

// DefaultPollInterval is the longest a waiting Acquire sleeps before asking
// Redis again for a free slot.
const DefaultPollInterval = 25 * time.Millisecond

// Option configures a RateLimiter or a Semaphore; the constructor reports a
// bad option as an error.
type Option func(*settings) error

// settings is what the options set.
type settings struct {
	maxOutage time.Duration
	leaseTTL  time.Duration
	poll      time.Duration
	logger    *slog.Logger
	burst     int
	fromEnd   bool
	leaseSet  bool
	pollSet   bool

	// Test hooks: the local clock, sleeping, and the time handed to the
	// scripts instead of Redis TIME (µs; nil uses TIME).
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	redisNow func() int64
}

func defaultSettings() settings {
	return settings{
		maxOutage: DefaultMaxOutage,
		leaseTTL:  DefaultLeaseTTL,
		poll:      DefaultPollInterval,
		logger:    slog.New(slog.DiscardHandler),
		now:       time.Now,
		sleep:     vendorkit.Sleep,
	}
}

func applyOptions(opts []Option) (settings, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return settings{}, err
		}
	}
	return s, nil
}

// WithMaxOutage sets how long a Wait or Acquire keeps retrying (with
// backoff) while Redis cannot be reached or answers with an error before it
// returns an *UnavailableError; default DefaultMaxOutage. Once a limiter
// has given up, later calls try Redis once and fail at once until it
// answers again.
func WithMaxOutage(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithMaxOutage: %v is not positive", d)
		}
		s.maxOutage = d
		return nil
	}
}

// WithBurst makes a RateLimiter keep an even pace of n per window,
// letting at most b requests go at once (GCRA), on top of the rolling
// window's cap. Default: no pace, a whole window may go at once. A small b
// (2 to 5) spreads the requests and keeps the jitter between the grant and
// the vendor's count small; it also lets a waiter that woke late catch up.
// RateLimiter only.
func WithBurst(b int) Option {
	return func(s *settings) error {
		if b < 1 {
			return fmt.Errorf("redislimit: WithBurst: %d is not positive", b)
		}
		s.burst = b
		return nil
	}
}

// WithWindowFromEnd makes a RateLimiter count each request in the window
// from its grant until a window after it ends, instead of a window after
// its grant: Acquire grants and its release marks the end (the batch
// engine calls them around each request, see batch.SlotLimiter), and Wait
// only honours the pause. Whatever delays a request between the grant and
// the vendor's count, the vendor never sees more than n in a window; the
// cost is the requests' duration, added to each place's time in the window.
// While a request is in flight its place is renewed like a lease
// (WithLeaseTTL). RateLimiter only; use it only with an engine that calls
// Acquire, since Wait then grants nothing.
func WithWindowFromEnd() Option {
	return func(s *settings) error {
		s.fromEnd = true
		return nil
	}
}

// WithLeaseTTL sets how long a semaphore slot stays taken unless renewed
// (default DefaultLeaseTTL, at least 100 ms). A holder renews it every
// third of the TTL while its request is in flight; a process that dies
// gives its slots back within the TTL. Semaphore, and RateLimiter with
// WithWindowFromEnd.
func WithLeaseTTL(d time.Duration) Option {
	return func(s *settings) error {
		if d < 100*time.Millisecond {
			return fmt.Errorf("redislimit: WithLeaseTTL: %v is under 100ms", d)
		}
		s.leaseTTL, s.leaseSet = d, true
		return nil
	}
}

// WithPollInterval sets the longest a waiting Acquire sleeps before asking
// Redis again (default DefaultPollInterval; it wakes sooner when a lease
// is due to expire). Semaphore only.
func WithPollInterval(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: WithPollInterval: %v is not positive", d)
		}
		s.poll, s.pollSet = d, true
		return nil
	}
}

// WithLogger receives Redis outages, recoveries and lost leases (warn
// level) and failed pauses. Default: discarded.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("redislimit: WithLogger: nil logger")
		}
		s.logger = l
		return nil
	}
}
