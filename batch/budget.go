package batch

import (
	"errors"
	"sync"
)

// ErrRetryBudgetExhausted is wrapped into the error of records whose retry
// was refused because the run's RetryBudget was empty.
var ErrRetryBudgetExhausted = errors.New("batch: retry budget exhausted")

// RetryBudget caps retries across every chunk and worker that share it, as
// aws-sdk-go-v2's retry token bucket does: each answer that sends records
// back for a retry (a chunk refused whole, or some of its records) spends
// one token, and each request that succeeds puts a fraction of one back.
// While a server is
// sick, the budget runs dry after a bounded number of retries and the
// records fail at once instead of every worker hammering the server with
// its own full set of attempts. Share one budget between clients that talk
// to the same server. It is safe for concurrent use.
type RetryBudget struct {
	mu      sync.Mutex
	tokens  float64
	max     float64
	perGood float64
}

// NewRetryBudget returns a full budget of max retries that regains
// refillPerSuccess of a retry for every request that succeeds (0.1: ten
// good requests earn one retry back).
func NewRetryBudget(max int, refillPerSuccess float64) *RetryBudget {
	return &RetryBudget{tokens: float64(max), max: float64(max), perGood: refillPerSuccess}
}

// take spends one retry, reporting false when none is left.
func (b *RetryBudget) take() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// succeeded credits one successful request.
func (b *RetryBudget) succeeded() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.max, b.tokens+b.perGood)
	b.mu.Unlock()
}

// Remaining returns the retries left (rounded down).
func (b *RetryBudget) Remaining() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return int(b.tokens)
}
