package fakekit

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNonNumericCodeRule is the one rule of every fake: a vendor whose
// codes are numbers refuses a non-numeric Code when it is queued (in any
// queue), never queuing it; a vendor whose codes are words takes any.
func TestNonNumericCodeRule(t *testing.T) {
	t.Parallel()
	numeric := NewBase(http.NotFoundHandler())
	defer numeric.Close()
	numeric.SetFaultRules(FaultRules{NumericCodes: true, Variants: []string{"short"}})
	words := NewBase(http.NotFoundHandler())
	defer words.Close()
	tests := []struct {
		name    string
		b       *Base
		queue   string
		f       Fault
		refused string // part of the panic; "" when queued
	}{
		{"number", numeric, "", VendorCode(400, "109"), ""},
		{"negative number", numeric, "", VendorCode(0, "-1"), ""},
		{"word for a numeric vendor", numeric, "", VendorCode(400, "RATE_LIMITS"), `code "RATE_LIMITS" is not a number`},
		{"typo for a numeric vendor", numeric, "", VendorCode(400, "10 9"), `code "10 9" is not a number`},
		{"word on another queue", numeric, "status", VendorCode(0, "Error"), `code "Error" is not a number`},
		{"no code", numeric, "", Status(503), ""},
		{"word for a word vendor", words, "", VendorCode(0, "Error"), ""},
		{"known variant", numeric, "", Fault{Variant: "short", AfterWrite: true}, ""},
		{"unknown variant", numeric, "", Fault{Variant: "long"}, `no variant "long"`},
		{"variant of no fake", words, "", Fault{Variant: "short"}, `no variant "short"`},
	}
	for _, tt := range tests {
		before := tt.b.PendingFaults()
		got := refused(tt.b, tt.queue, tt.f)
		switch {
		case tt.refused == "" && got != "":
			t.Errorf("%s: refused: %s", tt.name, got)
		case tt.refused != "" && !strings.Contains(got, tt.refused):
			t.Errorf("%s: panic %q, want one containing %q", tt.name, got, tt.refused)
		case tt.refused != "" && tt.b.PendingFaults() != before:
			t.Errorf("%s: a refused fault was queued", tt.name)
		case tt.refused == "" && tt.b.PendingFaults() != before+1:
			t.Errorf("%s: not queued", tt.name)
		}
	}
}

func TestCodeNumber(t *testing.T) {
	t.Parallel()
	if CodeNumber("") != 0 || CodeNumber("184") != 184 {
		t.Errorf("CodeNumber: %d, %d", CodeNumber(""), CodeNumber("184"))
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("CodeNumber wrote a word as a number")
		}
	}()
	CodeNumber("RATE_LIMITS")
}

// TestNamedQueues: a fault queued on a named queue is taken only from it,
// and counts and clears with the rest.
func TestNamedQueues(t *testing.T) {
	t.Parallel()
	b := NewBase(http.NotFoundHandler())
	defer b.Close()
	b.FailNextOn("status", 2, Status(500))
	b.FailNext(1, Status(503))
	if n := b.PendingFaults(); n != 3 {
		t.Fatalf("%d pending, want 3", n)
	}
	if f, ok := b.TakeFault(); !ok || f.Status != 503 {
		t.Fatalf("TakeFault = %+v %v, want the 503", f, ok)
	}
	if _, ok := b.TakeFault(); ok {
		t.Fatal("TakeFault took a fault of the status queue")
	}
	if f, ok := b.TakeFaultOn("status"); !ok || f.Status != 500 {
		t.Fatalf("TakeFaultOn = %+v %v", f, ok)
	}
	b.ClearFaults()
	if _, ok := b.TakeFaultOn("status"); ok || b.PendingFaults() != 0 {
		t.Fatal("ClearFaults left the status queue")
	}
}

// waitFor polls cond until it holds; the bound is generous, only a hung
// test hits it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWaitUntilFollowsTheManualClock: a fake's wait ends when the test
// advances the clock, not with wall-clock time; an Advance made before
// the wait starts counts; a context ends it.
func TestWaitUntilFollowsTheManualClock(t *testing.T) {
	t.Parallel()
	b := NewBase(http.NotFoundHandler())
	defer b.Close()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := b.UseManualClock(start)
	done := make(chan error, 1)
	go func() { done <- b.WaitUntil(context.Background(), start.Add(time.Hour)) }()
	waitFor(t, "the wait registers", func() bool { return c.Waiting() == 1 })
	c.Advance(59 * time.Minute)
	select {
	case err := <-done:
		t.Fatalf("the wait ended at 59 minutes of 60: %v", err)
	default:
	}
	if c.Waiting() != 1 {
		t.Fatalf("%d waiting after a short advance, want 1", c.Waiting())
	}
	c.Advance(time.Minute)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Already past: at once.
	if err := b.WaitUntil(context.Background(), start); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- b.WaitUntil(ctx, start.Add(24*time.Hour)) }()
	waitFor(t, "the second wait registers", func() bool { return c.Waiting() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if c.Waiting() != 0 {
		t.Fatalf("%d waiting after the context ended", c.Waiting())
	}
}

// nowOnly is a Clock of the caller's that cannot wait.
type nowOnly struct{ t time.Time }

func (c nowOnly) Now() time.Time { return c.t }

func TestWaitUntilOnOtherClocks(t *testing.T) {
	t.Parallel()
	b := NewBase(http.NotFoundHandler())
	defer b.Close()
	past := time.Now().Add(-time.Hour)
	if err := b.WaitUntil(context.Background(), past); err != nil {
		t.Fatalf("system clock, a past time: %v", err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.SetClock(nowOnly{at})
	if err := b.WaitUntil(context.Background(), at); err != nil {
		t.Fatalf("a clock standing at the time: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.WaitUntil(ctx, at.Add(time.Hour)); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait: %v", err)
	}
}
