package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJournalRoundTrip: what a run journals, a resume reads back; the
// latest line about a record wins, a torn last line is ignored, and a
// record handed on with no final state is taken as outcome unknown.
func TestJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	h := journalHeader{Vendor: "hubspot", Op: "create", Input: "in.csv", Size: 10, Fingerprint: "ab"}
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
