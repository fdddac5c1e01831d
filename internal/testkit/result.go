package testkit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// CheckResult fails t unless the call that returned got and err
// succeeded with want: a non-nil err ends the test, a got other than want
// (by cmp.Diff with opts) is reported with its diff (-want +got).
func CheckResult[T any](t testing.TB, want, got T, err error, opts ...cmp.Option) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
