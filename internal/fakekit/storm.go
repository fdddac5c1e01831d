package fakekit

import "time"

// RateLimitEveryOther queues, for the next 2n requests, a 429 (with
// retryAfter) for every other one and a normal answer between them: the
// storm under which a client must keep its one connection.
func (b *Base) RateLimitEveryOther(n int, retryAfter time.Duration) {
	for range n {
		b.FailNext(1, RateLimited(retryAfter))
		b.FailNext(1, Fault{}) // answered normally
	}
}
