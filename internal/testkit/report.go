package testkit

import (
	"errors"
	"fmt"
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
	if err := countsDiffer(rep, want); err != nil {
		t.Fatal(err)
	}
}

// CountsError is CheckCounts for a side of VersusPlain, which returns an
// error rather than failing a test: nil when rep, the report of a run that
// ended with err, balances and has the counts want, and err is nil unless
// want has records failed or not attempted (a run with failures returns
// its batch.RunError); an error saying what differs otherwise.
func CountsError[R any](rep *batch.Report[R], err error, want Counts) error {
	if rep == nil {
		return fmt.Errorf("no report: %v", err)
	}
	if differ := countsDiffer(rep, want); differ != nil {
		return differ
	}
	if err != nil && want.Failed == 0 && want.NotAttempted == 0 {
		return err
	}
	return nil
}

// countsDiffer says how rep fails to balance or to have the counts want,
// or returns nil.
func countsDiffer[R any](rep *batch.Report[R], want Counts) error {
	if rep == nil {
		return errors.New("nil report")
	}
	if !rep.Balanced() {
		return fmt.Errorf("report does not balance: total %d = %d succeeded + %d failed + %d not attempted?",
			rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted)
	}
	if got := (Counts{rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted}); got != want {
		return fmt.Errorf("counts = %+v, want %+v; err: %v", got, want, rep.Err())
	}
	return nil
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

// CheckStopped fails the test unless rep is a run that stopped early (the
// credentials refused, a quota spent, the context ended): it balances, has
// exactly want.Succeeded and want.Failed, holds at most want.Total records
// (the engine stops reading the input when a run stops, and says so with
// InputIncomplete), and every other record read is not attempted.
func CheckStopped[R any](t testing.TB, rep *batch.Report[R], want Counts) {
	t.Helper()
	if rep == nil || !rep.Balanced() {
		t.Fatalf("report does not balance: %+v", rep)
	}
	if rep.Total > want.Total || rep.Succeeded != want.Succeeded || rep.Failed != want.Failed {
		t.Fatalf("total %d (of %d read), succeeded %d, failed %d, not attempted %d; want %d succeeded, %d failed, the rest not attempted; err: %v",
			rep.Total, want.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, want.Succeeded, want.Failed, rep.Err())
	}
	if rep.Total < want.Total && !rep.InputIncomplete {
		t.Fatalf("the run read %d of %d records but does not say the input was not read to its end", rep.Total, want.Total)
	}
}
