package testkit

import (
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// CheckLocal fails the test unless o was refused on the client, before
// any request: its error opens to E (the vendor's error type), is Local,
// matches class, and the record was never sent.
func CheckLocal[E error, R any](t testing.TB, o batch.Outcome[R], class error) {
	t.Helper()
	var e E
	if !errors.As(o.Err, &e) || !vendorkit.IsLocal(o.Err) || !errors.Is(o.Err, class) || o.Attempts != 0 {
		t.Errorf("record %d: %v (attempts %d); want a local refusal of type %T matching %v", o.Index, o.Err, o.Attempts, e, class)
	}
}

// CheckTooLarge fails the test unless o was refused as larger than the
// request limit without being sent, and returns the limit the error names
// (0 after a failure).
func CheckTooLarge[R any](t testing.TB, o batch.Outcome[R]) int {
	t.Helper()
	var tooLarge *batch.TooLargeError
	if !errors.As(o.Err, &tooLarge) || o.Attempts != 0 {
		t.Errorf("record %d: %v (attempts %d); want a *batch.TooLargeError, never sent", o.Index, o.Err, o.Attempts)
		return 0
	}
	return tooLarge.Limit
}
