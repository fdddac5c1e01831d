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
