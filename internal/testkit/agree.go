package testkit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// AgreesWith checks a fast decoder against the reference decoder it
// stands in for: wherever fast takes body (its second result is true),
// ref must decode body without an error to the same value. It fails t
// otherwise, and reports whether fast took body, so that a test can count
// the inputs the fast path serves. What fast declines is the reference's
// to decode, as in the client.
func AgreesWith[R any](t testing.TB, body []byte, fast func([]byte) (R, bool), ref func([]byte) (R, error)) bool {
	t.Helper()
	got, ok := fast(body)
	if !ok {
		return false
	}
	want, err := ref(body)
	if err != nil {
		t.Fatalf("%q: the fast decoder took it, the reference decoder refuses it: %v", body, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%q: decoded otherwise (-reference +fast):\n%s", body, diff)
	}
	return true
}
