package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/noojee"
)

// TestHubSpotCreateKeys: a HubSpot create is keyed by what a person can
// find the record by — a contact's email, else its input line sent as the
// objectWriteTraceId — so the rejects file places every record.
func TestHubSpotCreateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct{ object, csv, wantKey string }{
		{"contacts", "email,firstname\nada@example.com,Ada\nbad-email,Bob\n", "bad-email"},
		{"deals", "dealname,email\nBig,ada@example.com\nSmall,bad-email\n", "line-3"},
	}
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			t.Parallel()
			in := write(t, "in.csv", tt.csv)
			code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-object", tt.object, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			rej := readCSV(t, in+".rejects.csv")
			if len(rej) != 2 || rej[1][0] != "3" || rej[1][1] != tt.wantKey || rej[1][3] != string(hubspot.CodeValidation) {
				t.Errorf("rejects %v, want line 3 keyed %q with code %s", rej, tt.wantKey, hubspot.CodeValidation)
			}
		})
	}
}

// TestVendorCode: the one code reader serves every vendor's Error: the
// code as the vendor prints it, nothing for an error without one or for
// another vendor's.
func TestVendorCode(t *testing.T) {
	t.Parallel()
	code := vendorCode(func(e *noojee.Error) noojee.Code { return e.Code })
	withCode := &noojee.Error{}
	withCode.Code = noojee.Code(104)
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("record 3: %w", withCode), noojee.Code(104).String()},
		{&noojee.Error{}, ""},
		{&hubspot.Error{}, ""},
		{errors.New("plain"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := code(tt.err); got != tt.want {
			t.Errorf("vendorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestRunStoppedByTheVendor: a token HubSpot refuses (401) stops the run;
// the engine reads no further, so the summary and the report say the
// input was not read to its end, and the journal is kept for -resume.
func TestRunStoppedByTheVendor(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	var b strings.Builder
	b.WriteString("email,firstname\n")
	const rows = 5000
	for i := range rows {
		fmt.Fprintf(&b, "c%d@example.com,C\n", i)
	}
	in := write(t, "in.csv", b.String())
	reportFile := filepath.Join(t.TempDir(), "run.json")
	env := map[string]string{"HUBSPOT_TOKEN": "not-" + hubspottest.DefaultToken}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-vendor", "hubspot", "-op", "create", "-in", in, "-base-url", srv.BaseURL(),
		"-concurrency", "1", "-report", reportFile}, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	if code != exitRejects {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out.String(), errOut.String())
	}
	var rep runReport
	data, err := os.ReadFile(reportFile)
	if err == nil {
		err = json.Unmarshal(data, &rep)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rep.ReadToEnd || rep.Counts.Read >= rows || rep.Counts.Succeeded != 0 || rep.Journal == "" {
		t.Errorf("report: read to end %v, %+v, journal %q; want the run stopped early with its journal kept", rep.ReadToEnd, rep.Counts, rep.Journal)
	}
	if _, err := os.Stat(rep.Journal); err != nil {
		t.Errorf("journal: %v", err)
	}
	if !strings.Contains(out.String(), "the run stopped before the input's end") {
		t.Errorf("summary:\n%s", out.String())
	}
}

// TestSegments: rows go to the vendor in calls of at most segmentRows;
// each call's outcomes (numbered from 0 by the engine) reach the right
// rows, its progress counts on from the calls before, and a call that
// stops reading ends the run with the rest unread.
func TestSegments(t *testing.T) {
	t.Parallel()
	const n, size = 25, 10
	pulled := 0
	rows := func(yield func(row) bool) {
		for pos := range n {
			pulled++
			if !yield(row{Pos: pos, Line: pos + 2, Fields: map[string]string{"id": fmt.Sprint(pos)}}) {
				return
			}
		}
	}
	for _, stopAt := range []int{-1, 15} { // -1: every row read; 15: the run stops at row 15
		t.Run(fmt.Sprint("stop at ", stopAt), func(t *testing.T) {
			pulled = 0
			rw, _ := newRejectWriter(filepath.Join(t.TempDir(), "r.csv"), "csv", false)
			var last batch.Progress
			j := &job{tracker: newTracker(rw, nil, nil, false, nil), segmentRows: size}
			j.progress = j.tracker.chunkDone(func(p batch.Progress) { last = p })
			calls := 0
			sum := j.inSegments(context.Background(), rows, func(seg iter.Seq[row]) summary {
				calls++
				var s summary
				for v := range convert(seg, j, func(r row) (int, error) { return r.Pos, nil }) {
					if v == stopAt {
						j.tracker.outcome(s.total, "", batch.NotAttempted, errors.New("stopped"))
						s.total, s.notAttempted, s.inputIncomplete = s.total+1, s.notAttempted+1, true
						break
					}
					status := batch.Succeeded
					if v%3 == 0 {
						status = batch.Failed
					}
					j.tracker.outcome(s.total, fmt.Sprint(v), status, nil)
					s.total++
				}
				j.progress(batch.Progress{Done: s.total})
				return s
			})
			rw.close()
			wantRead, wantCalls := n, 3
			if stopAt >= 0 {
				wantRead, wantCalls = stopAt+1, 2
			}
			if sum.total != wantRead || calls != wantCalls || last.Done != wantRead || sum.inputIncomplete != (stopAt >= 0) {
				t.Errorf("%d records in %d calls, progress %d, incomplete %v; want %d in %d", sum.total, calls, last.Done, sum.inputIncomplete, wantRead, wantCalls)
			}
			if pulled > wantRead+1 {
				t.Errorf("%d rows pulled from the input for %d read", pulled, wantRead)
			}
			// Each reject is the row whose outcome it got: its key is its position.
			for _, r := range readCSV(t, filepath.Join(filepath.Dir(rw.path), "r.csv"))[1:] {
				if r[0] == "" || r[1] != "" && r[0] != fmt.Sprint(mustAtoi(t, r[1])+2) {
					t.Errorf("reject on line %s keyed %s", r[0], r[1])
				}
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
