package batch

import (
	"log/slog"
	"math"
	"math/rand/v2"
	"time"
)

// Keep says which outcomes a Report holds.
type Keep uint8

const (
	// KeepAll keeps one Outcome per input record (the default).
	KeepAll Keep = iota
	// KeepFailures keeps only the records that did not succeed.
	KeepFailures
	// KeepNone keeps only the counts (and the first few errors for
	// Report.Err); use Config.OnOutcome to see each record. Memory then
	// stays bounded however long the input is.
	KeepNone
)

// Progress is a snapshot passed to Config.OnProgress after each chunk
// finishes.
type Progress struct {
	// Total is the number of input records read so far; when TotalKnown it
	// is the whole input.
	Total      int
	TotalKnown bool
	// Done = Succeeded + Failed + NotAttempted.
	Done, Succeeded, Failed, NotAttempted int
	Requests, Retries                     int
	Elapsed                               time.Duration
}

// Config holds the caller's tuning of a run. The zero value is usable:
// concurrency 1, no limiter, DefaultRetryPolicy, every outcome kept.
type Config struct {
	// Concurrency is the most chunks in flight at once; 0 means 1.
	Concurrency int
	// Limiter, when set, is waited on before every request, retries
	// included. When it is a Pauser it is told of every server-requested
	// wait; when it is a SlotLimiter a slot is held for each request in
	// flight. See Limiter.
	Limiter Limiter
	// Retry is the retry policy; zero fields take DefaultRetryPolicy's values.
	Retry RetryPolicy
	// RetryBudget, when set, caps the retries of the whole run (and of every
	// other run sharing it); see RetryBudget.
	RetryBudget *RetryBudget
	// Keep says which outcomes the Report holds.
	Keep Keep
	// OnProgress, when set, is called after each chunk finishes. Calls are
	// serialized; keep it quick.
	OnProgress func(Progress)
	// OnOutcome, when set, is called once per record as it reaches its final
	// state. Calls are serialized; keep it quick.
	OnOutcome func(index int, key string, status Status, err error)
	// OnSend, when set, is called by a worker just before each request,
	// retries and isolation halves included, with the input indices of the
	// records the request carries, in its order. A record never sent is
	// never reported. Calls may come from several workers at once; the
	// slice is the engine's and must not be kept or changed after the call
	// returns. The request waits for the call: keep it quick (a journal
	// that syncs here delays each request by one sync).
	OnSend func(indices []int)
	// Logger receives retry and isolation decisions at debug level; nil
	// discards them.
	Logger *slog.Logger
}

// RetryPolicy decides how often, and not before when, a record is sent
// again. Attempts and backoff are per record: a record to retry goes back
// to the input side with its own not-before time and rides in a later
// chunk with other records; no worker sleeps on it.
type RetryPolicy struct {
	// MaxAttempts is the most times a record is sent, the first included,
	// for retryable failures. 1 turns retries off. 0 means
	// DefaultRetryPolicy's value. Isolation is apart: a chunk refused as a
	// whole (Op.Isolate) is halved until the refused records are named,
	// and each half starts its own count, so a record of an isolated chunk
	// may be sent up to MaxAttempts times per round of halving
	// (Outcome.Attempts counts every send).
	MaxAttempts int
	// BaseDelay is the first backoff ceiling; each retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps one backoff wait.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait (Retry-After) the
	// engine will make. A longer one is not waited out: the run stops (no
	// request could go before it anyway) and the records not yet written
	// are reported not attempted, wrapping ErrRetryAfterTooLong.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns 5 attempts, exponential backoff with full
// jitter from 500 ms capped at 30 s, and server waits honoured up to 5 min.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second, MaxRetryAfter: 5 * time.Minute}
}

// WithDefaults returns p with its zero fields filled from
// DefaultRetryPolicy, as the engine reads it.
func (p RetryPolicy) WithDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// Backoff returns the wait before retry number n (1 for the first retry):
// a uniformly random duration in [0, min(MaxDelay, BaseDelay·2^(n-1))]
// ("full jitter"), so that many workers backing off at once spread out.
func (p RetryPolicy) Backoff(n int) time.Duration {
	p = p.WithDefaults()
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		if ceiling > p.MaxDelay/2 {
			ceiling = p.MaxDelay // doubling would pass it (or overflow)
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	if ceiling == math.MaxInt64 {
		return time.Duration(rand.Int64N(int64(ceiling))) // ceiling+1 would overflow
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}
