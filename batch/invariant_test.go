package batch

import (
	"testing"
)

// checkReport fails t unless rep accounts for every one of total input
// records exactly once: the counts add up, and (under KeepAll) there is one
// outcome per index, in order, in a final state, with an error exactly
// when it did not succeed. Every engine test calls it.
func checkReport[R any](t *testing.T, rep *Report[R], total int) {
	t.Helper()
	if rep.Total != total {
		t.Errorf("Total = %d, want %d", rep.Total, total)
	}
	if !rep.Balanced() {
		t.Errorf("counts do not add up: %d succeeded + %d failed + %d not attempted != %d total",
			rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Total)
	}
	if len(rep.Outcomes) != total {
		t.Fatalf("len(Outcomes) = %d, want %d", len(rep.Outcomes), total)
	}
	var s, f, n int
	for i, o := range rep.Outcomes {
		if o.Index != i {
			t.Fatalf("Outcomes[%d].Index = %d", i, o.Index)
		}
		switch o.Status {
		case Succeeded:
			s++
			if o.Err != nil {
				t.Errorf("record %d succeeded with an error: %v", i, o.Err)
			}
		case Failed:
			f++
		case NotAttempted:
			n++
		default:
			t.Fatalf("record %d has no final state (%v)", i, o.Status)
		}
		if o.Status != Succeeded && o.Err == nil {
			t.Errorf("record %d is %v without an error", i, o.Status)
		}
	}
	if s != rep.Succeeded || f != rep.Failed || n != rep.NotAttempted {
		t.Errorf("outcomes count %d/%d/%d, report says %d/%d/%d", s, f, n, rep.Succeeded, rep.Failed, rep.NotAttempted)
	}
	if (rep.Err() == nil) != (f+n == 0 && !rep.InputIncomplete) {
		t.Errorf("Err() = %v with %d failed and %d not attempted, input incomplete %v", rep.Err(), f, n, rep.InputIncomplete)
	}
}
