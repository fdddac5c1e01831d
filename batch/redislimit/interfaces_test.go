//go:build enginemerged

package redislimit

import (
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

var (
	_ batch.Limiter     = (*RateLimiter)(nil)
	_ batch.Pauser      = (*RateLimiter)(nil)
	_ batch.Limiter     = (*Semaphore)(nil)
	_ batch.Pauser      = (*Semaphore)(nil)
	_ batch.SlotLimiter = (*Semaphore)(nil)

	_ batch.SlotLimiter = (*RateLimiter)(nil)
)

func slotWiring(l slotLimiter, proc string) (batch.Limiter, http.RoundTripper) {
	return l, tagTransport{proc: proc, base: http.DefaultTransport}
}
