package fakekit

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimitEveryOther(t *testing.T) {
	t.Parallel()
	b := NewBase(http.NotFoundHandler())
	defer b.Close()
	b.RateLimitEveryOther(3, time.Millisecond)
	if n := b.PendingFaults(); n != 6 {
		t.Fatalf("%d faults queued, want 6", n)
	}
	for i := range 6 {
		f, _ := b.TakeFault()
		if limited := f.Status == http.StatusTooManyRequests; limited != (i%2 == 0) || (limited && f.RetryAfter != time.Millisecond) {
			t.Errorf("fault %d: %+v", i, f)
		}
	}
}

func TestUseManualClock(t *testing.T) {
	t.Parallel()
	b := NewBase(http.NotFoundHandler())
	defer b.Close()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := b.UseManualClock(start)
	c.Advance(time.Minute)
	if got := b.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Errorf("the fake's clock reads %v, want %v", got, start.Add(time.Minute))
	}
}
