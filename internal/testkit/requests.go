package testkit

import (
	"testing"

	"github.com/crmbatch/crmbatch/batch"
)

// CheckRefusedRun fails the test unless a run whose requests the server
// all refused failed every one of its records and returned an error.
func CheckRefusedRun[R any](t testing.TB, rep *batch.Report[R], err error, records int) {
	t.Helper()
	CheckCounts(t, rep, Counts{Total: records, Failed: records})
	if err == nil {
		t.Errorf("a run that failed all %d records returned no error", records)
	}
}

// CheckRequests fails the test unless the server saw exactly want
// requests and the report counted the requests the server saw.
func CheckRequests[R any](t testing.TB, rep *batch.Report[R], seen, want int) {
	t.Helper()
	CheckRequestsBetween(t, rep, seen, want, want)
}

// CheckRequestsBetween fails the test unless the server saw from least to
// most requests and the report counted the requests the server saw.
func CheckRequestsBetween[R any](t testing.TB, rep *batch.Report[R], seen, least, most int) {
	t.Helper()
	if rep.Requests != seen || seen < least || seen > most {
		t.Errorf("the server saw %d requests, the report counts %d; want the same, from %d to %d", seen, rep.Requests, least, most)
	}
}
