package redislimit

import "github.com/crmbatch/crmbatch/batch"

// The engine finds what each limiter does through these interfaces: Wait
// paces, PauseUntil holds every process back after a 429, and Acquire
// holds a slot (or, with WithWindowFromEnd, a place in the window) for
// each request in flight.
var (
	_ batch.Limiter     = (*RateLimiter)(nil)
	_ batch.Pauser      = (*RateLimiter)(nil)
	_ batch.SlotLimiter = (*RateLimiter)(nil)
	_ batch.Limiter     = (*Semaphore)(nil)
	_ batch.Pauser      = (*Semaphore)(nil)
	_ batch.SlotLimiter = (*Semaphore)(nil)
)
