package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// checkConfirmed checks the report of n people whose emails at the
// indexes in bad are invalid, when the errors of the indexes in hidden
// never reach the client and the rows for which unconfirmed is true
// belong to an import whose answer does not confirm them: a row with a
// placed error fails with it, an unconfirmed row fails matching
// batch.ErrOutcomeUnknown (never succeeded), every other row succeeded,
// and the counts balance.
func checkConfirmed(t *testing.T, rep *batch.Report[Result], err error, n int, bad, hidden map[int]bool, unconfirmed func(int) bool) {
	t.Helper()
	succeeded, unknown := 0, 0
	for i := range n {
		o, ok := rep.Outcome(i)
		if !ok {
			t.Fatalf("record %d: no outcome", i)
		}
		var e *Error
		switch {
		case bad[i] && !hidden[i]:
			if o.Status != batch.Failed || !errors.As(o.Err, &e) || e.Code != "INVALID_EMAIL" || !errors.Is(o.Err, batch.ErrInvalid) {
				t.Fatalf("record %d: %v %v, want its INVALID_EMAIL error", i, o.Status, o.Err)
			}
		case unconfirmed(i) || hidden[i]:
			unknown++
			if o.Status != batch.Failed || !errors.Is(o.Err, batch.ErrOutcomeUnknown) || errors.Is(o.Err, batch.ErrInvalid) {
				t.Fatalf("record %d: %v %v, want failed matching batch.ErrOutcomeUnknown", i, o.Status, o.Err)
			}
		default:
			succeeded++
			if o.Status != batch.Succeeded {
				t.Fatalf("record %d: %v %v, want succeeded", i, o.Status, o.Err)
			}
		}
	}
	if !rep.Balanced() || rep.Total != n || rep.Succeeded != succeeded || rep.Failed != n-succeeded || rep.NotAttempted != 0 {
		t.Fatalf("report: total %d succeeded %d failed %d not attempted %d; want %d, %d, %d, 0",
			rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, n, succeeded, n-succeeded)
	}
	if unknown > 0 && !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Fatalf("run error %v, want one matching batch.ErrOutcomeUnknown", err)
	}
}

// rewriteRow returns a Rewrite that changes the error of the row whose
// id cell is id.
func rewriteRow(id string, change func(*hubspottest.ImportError)) func(hubspottest.ImportError) hubspottest.ImportError {
	return func(e hubspottest.ImportError) hubspottest.ImportError {
		if len(e.RowData) > 0 && e.RowData[0] == id {
			change(&e)
		}
		return e
	}
}

// TestImportErrorNamingNoRowIsUnknown: an error the client cannot place
// on a row of the file it sent leaves that import's other rows
// unconfirmed; an error with a line number in the file is placed by it,
// unless its row data names another id (a line read one off would put it
// on a neighbour), in which case it is placed nowhere.
func TestImportErrorNamingNoRowIsUnknown(t *testing.T) {
	const n = 60
	bad := seeded(n, 5, 10) // 5, 15, … 55
	all := func(int) bool { return true }
	for _, tc := range []struct {
		name        string
		rewrite     func(*hubspottest.ImportError)
		hidden      map[int]bool
		unconfirmed func(int) bool
	}{
		{
			name:        "id naming no row, no line",
			rewrite:     func(e *hubspottest.ImportError) { e.LineNumber, e.RowData[0] = 0, "nobody@example.com" },
			hidden:      map[int]bool{15: true},
			unconfirmed: all,
		},
		{
			name:        "line outside the file, id of a row",
			rewrite:     func(e *hubspottest.ImportError) { e.LineNumber = n + 5 },
			hidden:      map[int]bool{15: true},
			unconfirmed: all,
		},
		{
			name:        "line of the row, id naming no row",
			rewrite:     func(e *hubspottest.ImportError) { e.RowData[0] = "nobody@example.com" },
			hidden:      map[int]bool{15: true},
			unconfirmed: all,
		},
		{
			name:        "id of the row, no line",
			rewrite:     func(e *hubspottest.ImportError) { e.LineNumber = 0 },
			unconfirmed: func(int) bool { return false },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetImportQuirks(hubspottest.ImportQuirks{Rewrite: rewriteRow("invalid-15", tc.rewrite)})
			c := importClient(t, srv, ImportConfig{})
			rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
			checkConfirmed(t, rep, err, n, bad, tc.hidden, tc.unconfirmed)
		})
	}
}

// TestImportUnplacedErrorLeavesOnlyItsImportUnknown: of three imports,
// only the one whose error names no row is unconfirmed.
func TestImportUnplacedErrorLeavesOnlyItsImportUnknown(t *testing.T) {
	const n = 60
	bad := seeded(n, 5, 10)
	srv := newFake(t)
	srv.SetImportQuirks(hubspottest.ImportQuirks{Rewrite: rewriteRow("invalid-25", func(e *hubspottest.ImportError) {
		e.LineNumber, e.RowData[0] = 0, "nobody@example.com"
	})})
	c := importClient(t, srv, ImportConfig{MaxRows: 20})
	rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
	if len(srv.Imports()) != 3 {
		t.Fatalf("%d imports, want 3", len(srv.Imports()))
	}
	checkConfirmed(t, rep, err, n, bad, map[int]bool{25: true}, func(i int) bool { return i >= 20 && i < 40 })
}

// TestImportCountersThatDoNotAddUpAreUnknown: a DONE import whose counters
// disagree with the rows sent and the errors listed confirms no row but
// those with an error.
func TestImportCountersThatDoNotAddUpAreUnknown(t *testing.T) {
	const n = 60
	bad := seeded(n, 5, 10) // 6 invalid rows: 54 created
	all := func(int) bool { return true }
	for _, tc := range []struct {
		name   string
		quirks hubspottest.ImportQuirks
		hidden map[int]bool
	}{
		{name: "errors counted but not listed", quirks: hubspottest.ImportQuirks{Unlisted: 2}, hidden: map[int]bool{45: true, 55: true}},
		{name: "one row neither written nor failed", quirks: hubspottest.ImportQuirks{CounterDelta: map[string]int{"CREATED_OBJECTS": -1}}},
		{name: "one row fewer in total", quirks: hubspottest.ImportQuirks{CounterDelta: map[string]int{"TOTAL_ROWS": -1}}},
		{name: "one error more than listed", quirks: hubspottest.ImportQuirks{CounterDelta: map[string]int{"ERRORS": 1}}},
		{name: "more written than sent", quirks: hubspottest.ImportQuirks{CounterDelta: map[string]int{"UPDATED_OBJECTS": 7}}},
		{name: "a negative counter", quirks: hubspottest.ImportQuirks{CounterDelta: map[string]int{"CREATED_OBJECTS": -55, "UPDATED_OBJECTS": 55}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetImportQuirks(tc.quirks)
			c := importClient(t, srv, ImportConfig{})
			rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
			checkConfirmed(t, rep, err, n, bad, tc.hidden, all)
			for i := range tc.hidden {
				if _, ok := srv.Find("contacts", "email", "invalid-"+strconv.Itoa(i)); ok {
					t.Fatalf("hidden row %d was written", i)
				}
			}
		})
	}
}

// TestImportWithoutCountersTrustsItsErrors: an answer without counters
// confirms the rows its errors do not name, as before counters were read.
func TestImportWithoutCountersTrustsItsErrors(t *testing.T) {
	const n = 60
	bad := seeded(n, 5, 10)
	srv := newFake(t)
	srv.SetImportQuirks(hubspottest.ImportQuirks{NoCounters: true})
	c := importClient(t, srv, ImportConfig{})
	rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
	checkImportReport(t, rep, n, bad)
}

// TestImportRowWithAnErrorStillWritten: HubSpot writes some rows that have
// an error ("some rows with errors are still imported"), so its counters
// may count a row both written and with an error; that alone leaves no
// row unconfirmed.
func TestImportRowWithAnErrorStillWritten(t *testing.T) {
	const n = 60
	bad := seeded(n, 5, 10)
	srv := newFake(t)
	srv.SetImportQuirks(hubspottest.ImportQuirks{CounterDelta: map[string]int{"UPDATED_OBJECTS": 1}})
	c := importClient(t, srv, ImportConfig{})
	rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
	checkConfirmed(t, rep, err, n, bad, nil, func(int) bool { return false })
}

// TestImportLongWaitOnOnePartKeepsTheOthers: a part refused with a wait
// longer than the policy allows fails, and the part written after it is
// still reported succeeded: accounting for the records asks the engine
// for no wait and no stop.
func TestImportLongWaitOnOnePartKeepsTheOthers(t *testing.T) {
	srv := newFake(t)
	srv.FailNext(1, fakekit.Fault{Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Minute})
	c := importClient(t, srv, ImportConfig{MaxRows: 1000})
	rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(2000, nil))
	if rep.Total != 2000 || rep.Succeeded != 1000 || rep.Failed != 1000 || !rep.Balanced() || rep.InputIncomplete {
		t.Fatalf("total %d, succeeded %d, failed %d, not attempted %d, incomplete %v", rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.InputIncomplete)
	}
	if n := srv.Count("contacts"); n != 1000 {
		t.Errorf("the fake holds %d contacts, want the 1,000 reported succeeded", n)
	}
}
