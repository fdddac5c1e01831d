package agiliron

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"github.com/google/go-cmp/cmp"
)

// outcome is one lead's matched result, flattened for comparison.
type outcome struct {
	Class   string // "ok", "rejected" or "unknown"
	LeadID  string
	Message string
}

// matchLeads matches a batch result to a chunk of leads.
func matchLeads(chunk []Lead, batchID string, r *BatchResult, log *slog.Logger) []batch.Result[Result] {
	ids, names := identities(leadSpec, chunk)
	return matchResults("POST Bulk-Contacts", "LeadId", ids, names, batchID, r, log)
}

func flatten(t *testing.T, chunk []Lead, r *BatchResult) []outcome {
	t.Helper()
	res := matchLeads(chunk, "b1", r, slog.New(slog.DiscardHandler))
	out := make([]outcome, len(res))
	for i, x := range res {
		switch {
		case x.Err == nil:
			out[i] = outcome{"ok", x.Value.ID, ""}
		case errors.As(x.Err, new(*Error)) && x.Err.(*Error).Class == vendorkit.Rejected:
			out[i] = outcome{"rejected", x.Value.ID, x.Value.Message}
		case errors.Is(x.Err, batch.ErrOutcomeUnknown):
			out[i] = outcome{"unknown", x.Value.ID, ""}
		default:
			t.Fatalf("lead %d: unexpected error %v", i, x.Err)
		}
		if x.Value.Record != i+1 || x.Value.BatchID != "b1" {
			t.Fatalf("lead %d: record %d batch %q", i, x.Value.Record, x.Value.BatchID)
		}
	}
	return out
}

// adds returns new leads named "Ada <name>" for each name.
func adds(names ...string) []Lead {
	out := make([]Lead, len(names))
	for i, n := range names {
		out[i] = Lead{FirstName: "Ada", LastName: n, Company: "C"}
	}
	return out
}

func ok(id, name string) ResultEntry { return ResultEntry{LeadID: id, LeadName: name} }
func ko(msg string) ResultEntry      { return ResultEntry{Message: msg} }

// TestInferWithoutRecordNumbers covers adds whose result has no Record
// numbers: leads are placed by name or by count only where the result
// allows no other reading, and are otherwise left unknown.
func TestInferWithoutRecordNumbers(t *testing.T) {
	t.Parallel()
	const blank = messageLastNameBlank
	unknown := func(n int) []outcome {
		o := make([]outcome, n)
		for i := range o {
			o[i] = outcome{Class: "unknown"}
		}
		return o
	}
	tests := []struct {
		name  string
		chunk []Lead
		r     *BatchResult
		want  []outcome
	}{
		{"unique names, one failure: all placed",
			adds("Byron", "", "King"),
			&BatchResult{SuccessNumber: 2, FailureNumber: 1,
				Success: []ResultEntry{ok("11", "Ada King"), ok("10", "Ada  Byron")}, Failure: []ResultEntry{ko(blank)}},
			[]outcome{{"ok", "10", ""}, {"rejected", "", blank}, {"ok", "11", ""}}},
		{"all succeeded, names alike: succeeded, ids not claimed",
			adds("Byron", "Byron"),
			&BatchResult{SuccessNumber: 2, Success: []ResultEntry{ok("10", "Ada Byron"), ok("11", "Ada Byron")}},
			[]outcome{{"ok", "", ""}, {"ok", "", ""}}},
		{"all failed with one message",
			adds("", " "),
			&BatchResult{FailureNumber: 2, Failure: []ResultEntry{ko(blank), ko(blank)}},
			[]outcome{{"rejected", "", blank}, {"rejected", "", blank}}},
		{"all failed with different messages",
			adds("x", "y"),
			&BatchResult{FailureNumber: 2, Failure: []ResultEntry{ko("m1"), ko("m2")}},
			[]outcome{{"rejected", "", "one of (the result does not say which lead had which): m1; m2"},
				{"rejected", "", "one of (the result does not say which lead had which): m1; m2"}}},
		{"a single lead",
			adds("Byron"),
			&BatchResult{SuccessNumber: 1, Success: []ResultEntry{ok("10", "Someone Else")}},
			[]outcome{{"ok", "10", ""}}},
		{"names alike and a failure: unknown",
			adds("Byron", "Byron", ""),
			&BatchResult{SuccessNumber: 2, FailureNumber: 1,
				Success: []ResultEntry{ok("10", "Ada Byron"), ok("11", "Ada Byron")}, Failure: []ResultEntry{ko(blank)}},
			unknown(3)},
		{"one name unknown: no name is used",
			adds("Byron", "King", ""),
			&BatchResult{SuccessNumber: 2, FailureNumber: 1,
				Success: []ResultEntry{ok("10", "Ada Byron"), ok("11", "Lady Lovelace")}, Failure: []ResultEntry{ko(blank)}},
			unknown(3)},
		{"counts short of the batch: unknown",
			adds("Byron", "King"),
			&BatchResult{SuccessNumber: 1, Success: []ResultEntry{ok("10", "Ada Byron")}},
			unknown(2)},
		{"counts disagree with the entries: unknown",
			adds("Byron", "King"),
			&BatchResult{SuccessNumber: 1, FailureNumber: 1, Success: []ResultEntry{ok("10", "Ada Byron"), ok("11", "Ada King")}},
			unknown(2)},
		{"an out-of-range Record number: unknown",
			adds("Byron", "King"),
			&BatchResult{SuccessNumber: 2, Success: []ResultEntry{{LeadID: "10", LeadName: "Ada Byron", Record: 9}, ok("11", "Ada King")}},
			unknown(2)},
		{"Record numbers counted from 0: nothing the names do not confirm",
			adds("Byron", "King", "Lovelace"),
			&BatchResult{SuccessNumber: 2, FailureNumber: 1,
				Success: []ResultEntry{{LeadID: "10", LeadName: "Ada Byron", Record: 0}, {LeadID: "11", LeadName: "Ada King", Record: 1}},
				Failure: []ResultEntry{{Message: "Lovelace is bad", Record: 2}}},
			unknown(3)},
		{"Record numbers for some, the rest by count",
			adds("Byron", "King", "Lovelace"),
			&BatchResult{SuccessNumber: 1, FailureNumber: 2,
				Success: []ResultEntry{{LeadID: "10", Record: 2}}, Failure: []ResultEntry{ko(blank), ko(blank)}},
			[]outcome{{"rejected", "", blank}, {"ok", "10", ""}, {"rejected", "", blank}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, flatten(t, tt.chunk, tt.r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestInferNeverForUpdatesNamingOtherLeads: an update's result entry
// that carries a LeadId of no lead in the batch stops every inference.
func TestInferNeverForUpdatesNamingOtherLeads(t *testing.T) {
	t.Parallel()
	chunk := []Lead{{LeadID: "1", LastName: "A", Company: "C"}, {LeadID: "2", LastName: "B", Company: "C"}}
	r := &BatchResult{SuccessNumber: 2, Success: []ResultEntry{{LeadID: "1"}, {LeadID: "99"}}}
	want := []outcome{{"ok", "1", ""}, {"unknown", "2", ""}}
	if diff := cmp.Diff(want, flatten(t, chunk, r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// benchMatch is a batch of 100 new leads and its result, every success
// listed in reverse order; withRecords says whether entries carry Record
// numbers.
func benchMatch(b *testing.B, withRecords bool) {
	const n = 100
	chunk := make([]Lead, n)
	r := &BatchResult{SuccessNumber: n}
	for i := range chunk {
		chunk[i] = Lead{FirstName: "Ada", LastName: fmt.Sprint("L", i), Company: "C"}
	}
	for i := n - 1; i >= 0; i-- {
		e := ResultEntry{LeadID: fmt.Sprint(1000 + i), LeadName: fmt.Sprint("Ada L", i)}
		if withRecords {
			e.Record = i + 1
		}
		r.Success = append(r.Success, e)
	}
	log := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	for b.Loop() {
		if res := matchLeads(chunk, "b", r, log); res[0].Err != nil || res[0].Value.ID != "1000" {
			b.Fatalf("lead 0: %+v", res[0])
		}
	}
}

// BenchmarkMatchResultsByName places adds whose result has no Record
// numbers, by name.
func BenchmarkMatchResultsByName(b *testing.B) { benchMatch(b, false) }

// BenchmarkMatchResultsByRecord is the baseline: the same result with
// Record numbers.
func BenchmarkMatchResultsByRecord(b *testing.B) { benchMatch(b, true) }
