package fakekit

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fake is the smallest vendor fake: it counts processed requests and
// renders faults as "status code".
type fake struct {
	*Base
	processed chan struct{}
}

func newFake() *fake {
	f := &fake{processed: make(chan struct{}, 100)}
	f.Base = NewBase(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flt, ok := f.TakeFault()
		if ok && !flt.AfterWrite {
			if flt.Interrupt(w, r) {
				return
			}
			if flt.Answers() {
				RetryAfterHeader(w, flt.RetryAfter)
				WriteBody(w, flt.Status, "text/plain", flt.Body+flt.Code)
				return
			}
		}
		f.processed <- struct{}{}
		if ok && flt.AfterWrite && flt.Interrupt(w, r) {
			return
		}
		WriteBody(w, flt.Status, "text/plain", "ok")
	}))
	return f
}

func TestFaultsInOrder(t *testing.T) {
	f := newFake()
	defer f.Close()
	f.FailNext(1, RateLimited(1500*time.Millisecond))
	f.FailNext(1, VendorCode(400, "109"))
	f.FailNext(1, Drop())
	f.FailNext(1, DropAfterWrite())
	if f.PendingFaults() != 4 {
		t.Fatalf("pending %d", f.PendingFaults())
	}
	get := func() (*http.Response, string, error) {
		resp, err := http.Post(f.BaseURL(), "text/plain", strings.NewReader("x")) // POST: Go does not replay it
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), nil
	}
	resp, body, err := get()
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1.500" {
		t.Errorf("rate limited: %v %v", resp, err)
	}
	if resp, body, err = get(); err != nil || resp.StatusCode != 400 || body != "109" {
		t.Errorf("vendor code: %v %q %v", resp, body, err)
	}
	if _, _, err = get(); err == nil {
		t.Error("drop: got an answer")
	}
	if len(f.processed) != 0 {
		t.Error("a fault before the write processed the request")
	}
	if _, _, err = get(); err == nil || len(f.processed) != 1 {
		t.Errorf("drop after write: err %v, processed %d", err, len(f.processed))
	}
	if resp, body, err = get(); err != nil || body != "ok" {
		t.Errorf("after the faults: %v %q %v", resp, body, err)
	}
}

func TestHangEndsWithTheClient(t *testing.T) {
	f := newFake()
	defer f.Close()
	f.FailNext(1, Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.BaseURL(), nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

func TestManualClockAndCountOnly(t *testing.T) {
	f := newFake()
	defer f.Close()
	start := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	c := NewManualClock(start)
	f.SetClock(c)
	c.Advance(10 * time.Second)
	if got := f.Now(); !got.Equal(start.Add(10 * time.Second)) {
		t.Errorf("Now = %v", got)
	}
	f.SetClock(nil)
	if time.Since(f.Now()) > time.Minute {
		t.Error("nil did not restore the system clock")
	}
	f.SetCountOnly(true)
	if !f.CountOnly() {
		t.Error("count-only not set")
	}
}
