// Package engineopt holds the batch-engine settings every vendor client
// takes — concurrency, limiter, retry policy and budget, what reports keep,
// the progress and outcome hooks, the logger — and checks them in one
// place, so each vendor's WithConcurrency, WithLimiter, … is a one-line
// wrapper over the same implementation and Config builds the engine's
// batch.Config the same way for all five.
package engineopt

import (
	"fmt"
	"log/slog"

	"github.com/crmbatch/crmbatch/batch"
)

// MaxConcurrency is the most requests in flight any client allows.
const MaxConcurrency = 256

// Settings are a client's engine settings. The zero value is valid: one
// request at a time, no limiter, the engine's default retry policy, every
// outcome kept, no hooks, no logging.
type Settings struct {
	Concurrency int
	Limiter     batch.Limiter
	Retry       batch.RetryPolicy
	Budget      *batch.RetryBudget
	Keep        batch.Keep
	Progress    func(batch.Progress)
	Outcome     func(index int, key string, status batch.Status, err error)
	Logger      *slog.Logger
}

// Config returns the engine configuration for one run.
func (s *Settings) Config() batch.Config {
	return batch.Config{
		Concurrency: s.Concurrency,
		Limiter:     s.Limiter,
		Retry:       s.Retry,
		RetryBudget: s.Budget,
		Keep:        s.Keep,
		OnProgress:  s.Progress,
		OnOutcome:   s.Outcome,
		Logger:      s.Logger,
	}
}

// SetConcurrency sets the requests in flight, 1 to MaxConcurrency.
func (s *Settings) SetConcurrency(n int) error {
	if n < 1 || n > MaxConcurrency {
		return fmt.Errorf("concurrency %d is not in 1..%d", n, MaxConcurrency)
	}
	s.Concurrency = n
	return nil
}

// SetRetry sets the retry policy; no field may be negative (zero fields
// take the engine's defaults).
func (s *Settings) SetRetry(p batch.RetryPolicy) error {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return fmt.Errorf("retry policy has a negative field: %+v", p)
	}
	s.Retry = p
	return nil
}

// SetKeep sets which outcomes reports hold.
func (s *Settings) SetKeep(k batch.Keep) error {
	if k > batch.KeepNone {
		return fmt.Errorf("unknown batch.Keep value %d", k)
	}
	s.Keep = k
	return nil
}
