package fakekit

import (
	"strings"
	"testing"
)

// CheckCodeRule is the test every fake runs on the code rule (see
// FaultRules): FailNext with a word Code must panic, queuing nothing,
// when the vendor's codes are numbers, and queue it when they are words.
func CheckCodeRule(t testing.TB, b *Base, numeric bool) {
	t.Helper()
	before := b.PendingFaults()
	got := refused(b, "", VendorCode(400, "NOT_A_NUMBER"))
	switch {
	case numeric && !strings.Contains(got, `code "NOT_A_NUMBER" is not a number`):
		t.Errorf("a word code for a vendor whose codes are numbers: panic %q", got)
	case numeric && b.PendingFaults() != before:
		t.Error("a refused word code was queued")
	case !numeric && got != "":
		t.Errorf("a word code for a vendor whose codes are words: %s", got)
	case !numeric && b.PendingFaults() != before+1:
		t.Error("a word code was not queued")
	}
	b.ClearFaults()
}

// refused returns the panic FailNextOn raised for f ("" when it queued f).
func refused(b *Base, queue string, f Fault) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "a panic that is not a string"
			}
		}
	}()
	b.FailNextOn(queue, 1, f)
	return ""
}
