package hubspot

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

func TestWindowLimiterShape(t *testing.T) {
	cases := []struct {
		l      *batch.WindowLimiter
		n      int
		window time.Duration
	}{
		{BurstLimiter(110), 110, 10 * time.Second}, // public OAuth app
		{BurstLimiter(190), 190, 10 * time.Second},
		{WindowLimiter(1, time.Second), 1, time.Second},
	}
	for _, tc := range cases {
		if n, w := tc.l.Limit(); n != tc.n || w != tc.window {
			t.Errorf("limit %d per %v, want %d per %v", n, w, tc.n, tc.window)
		}
	}
	// The engine forwards a 429's Retry-After to it.
	var _ batch.Pauser = BurstLimiter(100)
}

// TestBurstLimiterWindow: on a fake clock, a full window goes at once and
// the next request waits for the oldest to leave it; BurstLimiter(0) does
// not limit.
func TestBurstLimiterWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		l := BurstLimiter(110)
		for range 110 {
			l.Wait(context.Background())
		}
		if time.Since(start) != 0 {
			t.Fatalf("110 requests took %v", time.Since(start))
		}
		l.Wait(context.Background())
		if at := time.Since(start); at != BurstWindow {
			t.Errorf("the 111th request went at %v, want %v", at, BurstWindow)
		}
		free := BurstLimiter(0)
		for range 10_000 {
			free.Wait(context.Background())
		}
		if at := time.Since(start); at != BurstWindow {
			t.Errorf("BurstLimiter(0) waited until %v", at)
		}
	})
}
