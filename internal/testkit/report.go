package testkit

import (
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
)

// Counts are a report's four counts.
type Counts struct{ Total, Succeeded, Failed, NotAttempted int }

// CheckCounts fails the test unless rep balances (every record in exactly
// one state, the outcomes kept matching the counts) and has the counts
// want.
func CheckCounts[R any](t testing.TB, rep *batch.Report[R], want Counts) {
	t.Helper()
	if rep == nil {
		t.Fatal("nil report")
	}
	if !rep.Balanced() {
		t.Fatalf("report does not balance: total %d = %d succeeded + %d failed + %d not attempted?",
			rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted)
	}
	got := Counts{rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted}
	if got != want {
		t.Fatalf("counts = %+v, want %+v; err: %v", got, want, rep.Err())
	}
}

// LandedOnce fails the test unless every record the report says succeeded
// was stored exactly once, and every record it failed or did not attempt
// was stored at most once and never when its failure is not an unknown
// outcome. writes returns how many times the fake stored the record with
// this key.
func LandedOnce[R any](t testing.TB, rep *batch.Report[R], writes func(key string) int) {
	t.Helper()
	for _, o := range rep.Outcomes {
		n := writes(o.Key)
		switch {
		case o.Status == batch.Succeeded && n != 1:
			t.Errorf("record %d (%s) succeeded but was stored %d times", o.Index, o.Key, n)
		case o.Status != batch.Succeeded && n > 1:
			t.Errorf("record %d (%s) %v but was stored %d times", o.Index, o.Key, o.Status, n)
		case o.Status != batch.Succeeded && n == 1 && !errors.Is(o.Err, batch.ErrOutcomeUnknown):
			t.Errorf("record %d (%s) %v (%v) but was stored: only an unknown outcome may have landed", o.Index, o.Key, o.Status, o.Err)
		}
	}
}
