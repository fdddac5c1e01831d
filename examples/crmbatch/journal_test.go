package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/google/go-cmp/cmp"
)

// TestJournalRoundTrip: what a run journals, a resume reads back; the
// latest line about a record wins, a torn last line is ignored, and a
// record handed on with no final state is taken as outcome unknown.
func TestJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	h := journalHeader{Vendor: "hubspot", Op: "create", Target: "vendor", Input: "in.csv", Size: 10, Fingerprint: "ab"}
	j, err := createJournal(path, h, false, false)
	if err != nil {
		t.Fatal(err)
	}
	j.handing(0) // covers positions 0 … handStep-1
	j.record(0, "a", stateSucceeded)
	j.record(1, "b", stateFailed)
	j.record(2, "c", stateUnknown)
	j.record(1, "b", stateSucceeded) // resent later and went in
	j.record(3, "d", stateNotSent)
	j.record(4, "", stateInvalid)
	j.close(false)
	if _, err := createJournal(path, h, false, false); err == nil || !strings.Contains(err.Error(), "-resume") {
		t.Errorf("a second run over a journal: %v, want a pointer to -resume", err)
	}
	j, _ = createJournal(path, h, true, false) // a resume appends
	j.record(5, "f", stateSucceeded)
	j.w.WriteString("6\ts") // torn by a crash
	j.w.Flush()
	j.f.Close()

	rs, err := readJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.header.sameRun(h); err != nil {
		t.Error(err)
	}
	other := h
	other.Fingerprint = "cd"
	if rs.header.sameRun(other) == nil {
		t.Error("a different file passes as the same run")
	}
	type verdict struct{ Succeeded, Unknown bool }
	var got []verdict
	for pos := range 8 {
		s, u := rs.earlier(pos)
		got = append(got, verdict{s, u})
	}
	want := []verdict{
		{true, false},  // 0 succeeded
		{true, false},  // 1 failed, then succeeded
		{false, true},  // 2 outcome unknown
		{false, false}, // 3 not attempted: send
		{false, false}, // 4 invalid: read again
		{true, false},  // 5 succeeded in the resume
		{false, true},  // 6 torn line: handed on, no final state
		{false, true},  // 7 handed on (before the H mark), no final state
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s, u := rs.earlier(handStep); s || u {
		t.Errorf("a record past the last H mark: succeeded %v, unknown %v; want neither (never sent)", s, u)
	}
}

// TestJournalSentLines: an S line, written before a request, makes its
// records outcome unknown until a later line gives their final state (a
// record resent after a final "not attempted" is unknown again); a record
// read but in no S line is simply sent again; H marks stop at the first S
// line; a torn S line names nothing.
func TestJournalSentLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := createJournal(path, journalHeader{Vendor: "hubspot", Op: "create"}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	j.handing(0) // before the first S line: H 100
	j.sent([]int{0, 1, 2, 5})
	j.record(0, "a", stateSucceeded)
	j.record(1, "b", stateFailed)
	j.record(5, "e", stateNotSent)
	if err := j.handing(200); err != nil { // after an S line: no H mark
		t.Fatal(err)
	}
	j.sent([]int{5, 120, 121}) // 5 again, after its "not attempted"
	j.record(121, "g", stateSucceeded)
	j.w.WriteString("S\t150-152") // torn by a crash
	j.w.Flush()
	j.f.Close()

	data, _ := os.ReadFile(path)
	if body := string(data[bytes.IndexByte(data, '\n')+1:]); !strings.HasPrefix(body, "H\t100\nS\t0-2,5\n") || strings.Count(body, "H\t") != 1 {
		t.Errorf("journal body:\n%s\nwant one H line, then S\t0-2,5", body)
	}
	rs, err := readJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	type verdict struct{ Succeeded, Unknown bool }
	var got []verdict
	positions := []int{0, 1, 2, 3, 5, 120, 121, 122, 150, 200}
	for _, pos := range positions {
		s, u := rs.earlier(pos)
		got = append(got, verdict{s, u})
	}
	want := []verdict{
		{true, false},  // 0 sent, succeeded
		{false, false}, // 1 sent, failed: send again
		{false, true},  // 2 sent, no answer: unknown
		{false, true},  // 3 handed on under the H mark, before the first S line: unknown
		{false, true},  // 5 not attempted, then sent again with no answer: unknown
		{false, true},  // 120 sent, no answer: unknown
		{true, false},  // 121 sent, succeeded
		{false, false}, // 122 read ahead, never sent: send
		{false, false}, // 150 torn S line: never sent
		{false, false}, // 200 read after the first S line, never sent: send
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions %v (-want +got):\n%s", positions, diff)
	}
	for _, bad := range []string{"S\t", "S\t3-1", "S\t-1", "S\t0-99999999", "S\t1,,2", "S\tx"} {
		if _, err := parseJournal([]byte(journalMagic + "{}\n" + bad + "\n")); err == nil {
			t.Errorf("%q read without an error", bad)
		}
	}
}

// TestResumeSkipsAndReplays: -resume skips what succeeded; a record whose
// outcome is unknown is sent again only when the operation cannot
// duplicate it, and otherwise rejected as outcome unknown.
func TestResumeSkipsAndReplays(t *testing.T) {
	rs := &resumeState{handed: 0}
	rs.final.set(0, true)
	rs.succeeded.set(0, true)
	rs.final.set(1, true)
	rs.unknown.set(1, true)
	rows := func(yield func(row) bool) {
		for pos := range 3 {
			if !yield(row{Pos: pos, Line: pos + 2, Fields: map[string]string{"email": string(rune('a' + pos))}}) {
				return
			}
		}
	}
	for _, replayable := range []bool{true, false} {
		rw, _ := newRejectWriter(filepath.Join(t.TempDir(), "r.csv"), "csv", false)
		j := &job{tracker: newTracker(rw, nil, rs, replayable, nil)}
		var sent []string
		for r := range convert(rows, j, func(r row) (string, error) { return r.Fields["email"], nil }) {
			sent = append(sent, r)
		}
		want := []string{"b", "c"}
		if !replayable {
			want = []string{"c"}
		}
		if !slices.Equal(sent, want) {
			t.Errorf("replayable %v: sent %v, want %v", replayable, sent, want)
		}
		c := j.tracker.tally.counts()
		if c.SkippedEarlier != 1 || (c.Unknown == 1) == replayable {
			t.Errorf("replayable %v: counts %+v", replayable, c)
		}
		rw.close()
	}
}

// FuzzParseJournal: no journal, however damaged, makes the reader panic.
func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(journalMagic + `{"vendor":"hubspot"}` + "\nH\t100\n0\ts\t\"a\"\n1\tu\t\"\"\n"))
	f.Add([]byte(journalMagic + "{}\n-1\ts\n"))
	f.Add([]byte(journalMagic + "{}\nS\t0-99,120,130-131\n5\ts\t\"e\"\nS\t7"))
	f.Add([]byte("H\t9999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := parseJournal(data)
		if err == nil {
			rs.earlier(0)
			rs.earlier(1 << 20)
		}
	})
}

// FuzzSniff: no input start, however odd, makes the checks panic.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("email;name\na;b\n"), false)
	f.Add([]byte{0x1f, 0x8b, 0, 0}, false)
	f.Add([]byte(`{"a":1}`+"\n"), true)
	f.Add([]byte("a,b\n\xe9\n"), false)
	f.Fuzz(func(t *testing.T, head []byte, jsonl bool) {
		o := options{format: "csv"}
		if jsonl {
			o.format = "jsonl"
		}
		in := &inputFile{}
		in.sniff(o, head)
	})
}

// TestEveryTargetJournalsItsRequests: each vendor's client passes the
// engine's send hook on, so every record that went in was named in an S
// line of the journal before its request: without the hook the journal
// falls back to H marks, and a SIGKILL turns records only read ahead into
// outcome unknown.
func TestEveryTargetJournalsItsRequests(t *testing.T) {
	for _, tt := range importCases {
		t.Run(tt.vendor, func(t *testing.T) {
			in := write(t, "in.csv", tt.csv)
			o, err := parseFlags([]string{"-vendor", tt.vendor, "-op", tt.op, "-in", in, "-fake", "-journal", in + ".journal"}, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			p, err := prepare(o, strings.NewReader(""), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer p.in.close()
			target := targets[o.vendor]
			tr := newTracker(p.rejects, p.journal, nil, false, target.code)
			rows, _, err := readRows(context.Background(), p.in, o.format, p.m, nil, tr.unreadable)
			if err != nil {
				t.Fatal(err)
			}
			j := &job{opts: o, getenv: func(string) string { return "" }, stdout: io.Discard, tracker: tr,
				progress: tr.chunkDone(func(batch.Progress) {})}
			sum, err := target.run(context.Background(), j, rows)
			if err != nil {
				t.Fatal(err)
			}
			p.rejects.close()
			p.journal.close(false)
			data, err := os.ReadFile(o.journal)
			if err != nil {
				t.Fatal(err)
			}
			named, succeeded := map[int]bool{}, 0
			for line := range strings.Lines(string(data)) {
				kind, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
				if kind == "S" {
					rs := &resumeState{}
					if err := rs.sentLine([]byte(rest)); err != nil {
						t.Fatalf("line %q: %v", line, err)
					}
					for pos := range len(rs.final) * 64 {
						named[pos] = named[pos] || rs.unknown.get(pos)
					}
					continue
				}
				if pos, err := strconv.Atoi(kind); err == nil && strings.HasPrefix(rest, "s\t") {
					succeeded++
					if !named[pos] {
						t.Errorf("record %d succeeded, but no S line named it before", pos)
					}
				}
			}
			if succeeded == 0 || sum.requests == 0 {
				t.Errorf("%d succeeded in %d requests: the case sent nothing\n%s", succeeded, sum.requests, data)
			}
		})
	}
}

// BenchmarkJournalRequest: the cost the journal adds to each request of
// 100 records: its S line, written and synced before the request goes
// (sent), beside the final states of the same records, buffered and synced
// once per chunk (final, the baseline that ran before the hook existed).
func BenchmarkJournalRequest(b *testing.B) {
	positions := make([]int, 100)
	for i := range positions {
		positions[i] = 1000 + i
	}
	open := func(b *testing.B) *journal {
		j, err := createJournal(filepath.Join(b.TempDir(), "j"), journalHeader{}, false, false)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { j.close(false) })
		return j
	}
	b.Run("sent", func(b *testing.B) {
		j := open(b)
		for b.Loop() {
			j.sent(positions)
		}
	})
	b.Run("final", func(b *testing.B) {
		j := open(b)
		for b.Loop() {
			for _, pos := range positions {
				j.record(pos, "c0001000@example.com", stateSucceeded)
			}
			j.sync()
		}
	})
}
