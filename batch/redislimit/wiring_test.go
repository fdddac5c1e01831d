//go:build !enginemerged

package redislimit

import (
	"io"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// slotWiring is how a child hands l to a vendor client until the engine
// acquires slots itself (batch.SlotLimiter): the engine waits on l, and a
// transport holds one of l's slots from before each request is sent until
// its body is closed.
func slotWiring(l slotLimiter, proc string) (batch.Limiter, http.RoundTripper) {
	return l, slotTransport{sem: l, base: tagTransport{proc: proc, base: http.DefaultTransport}}
}

// slotTransport holds one slot of sem per request.
type slotTransport struct {
	sem  slotLimiter
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t slotTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	release, err := t.sem.Acquire(r.Context())
	if err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = releaseOnClose{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releaseOnClose releases the slot when the body is closed.
type releaseOnClose struct {
	io.ReadCloser
	release func()
}

func (b releaseOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
