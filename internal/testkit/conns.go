package testkit

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// CountingClient returns an *http.Client whose transport counts the
// connections it dials, and the counter.
func CountingClient() (*http.Client, *atomic.Int32) {
	var n atomic.Int32
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n.Add(1)
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 16,
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}, &n
}

// CheckOneConnection fails the test unless the counter of a
// CountingClient counted exactly one connection.
func CheckOneConnection(t testing.TB, dials *atomic.Int32) {
	t.Helper()
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections opened, want 1", n)
	}
}
