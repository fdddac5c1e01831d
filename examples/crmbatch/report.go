package main

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// tally counts what became of every record read, and groups the ones
// that did not go in by status, vendor code and reason.
type tally struct {
	mu             sync.Mutex
	byStatus       map[string]int
	skippedEarlier int
	groups         map[groupKey]*failureGroup
}

type groupKey struct{ status, code, reason string }

// failureGroup is the records that did not go in for one reason.
type failureGroup struct {
	Status   string    `json:"status" xml:"status"`
	Code     string    `json:"code" xml:"code"`
	Reason   string    `json:"reason" xml:"reason"`
	Count    int       `json:"count" xml:"count"`
	Examples []example `json:"examples" xml:"examples>example"`
}

// example is one record of a failure group.
type example struct {
	Line    int    `json:"line" xml:"line"`
	Key     string `json:"key,omitempty" xml:"key,omitempty"`
	Message string `json:"message" xml:"message"`
}

// maxGroups bounds the groups kept (the rest are counted under one), and
// maxExamples the examples per group, so memory stays bounded.
const (
	maxGroups   = 50
	maxExamples = 3
)

func newTally() *tally {
	return &tally{byStatus: map[string]int{}, groups: map[groupKey]*failureGroup{}}
}

// add counts one record's final state.
func (t *tally) add(status, code, message string, line int, key string, fields map[string]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byStatus[status]++
	if status == "succeeded" {
		return
	}
	k := groupKey{status, code, reason(message, key, fields)}
	g := t.groups[k]
	if g == nil {
		if len(t.groups) >= maxGroups {
			k = groupKey{status, "", "(other reasons)"}
			g = t.groups[k]
		}
		if g == nil {
			g = &failureGroup{Status: k.status, Code: k.code, Reason: k.reason}
			t.groups[k] = g
		}
	}
	g.Count++
	if len(g.Examples) < maxExamples {
		g.Examples = append(g.Examples, example{Line: line, Key: key, Message: message})
	}
}

// skipped counts a record an earlier run put in.
func (t *tally) skipped() {
	t.mu.Lock()
	t.skippedEarlier++
	t.mu.Unlock()
}

var (
	bracketed = regexp.MustCompile(`\s*\[[^\]]*\]|\s*\(record \d+\)`)
	quoted    = regexp.MustCompile(`"[^"]*"`)
)

// reason is a message without what is particular to one record (its key
// and values, quoted text, request and batch ids), so that records
// failing for the same reason share it.
func reason(message, key string, fields map[string]string) string {
	if key != "" {
		message = strings.ReplaceAll(message, key, "…")
	}
	for _, v := range fields {
		if len(v) >= 3 {
			message = strings.ReplaceAll(message, v, "…")
		}
	}
	message = bracketed.ReplaceAllString(message, "")
	return quoted.ReplaceAllString(message, `"…"`)
}

// counts is the final account of a run.
type counts struct {
	Read           int `json:"records_read" xml:"records_read"`
	Succeeded      int `json:"succeeded" xml:"succeeded"`
	SkippedEarlier int `json:"succeeded_earlier_skipped" xml:"succeeded_earlier_skipped"`
	Failed         int `json:"failed" xml:"failed"`
	Unknown        int `json:"outcome_unknown" xml:"outcome_unknown"`
	NotAttempted   int `json:"not_attempted" xml:"not_attempted"`
	Invalid        int `json:"invalid_input" xml:"invalid_input"`
}

func (t *tally) counts() counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := counts{
		Succeeded: t.byStatus["succeeded"], SkippedEarlier: t.skippedEarlier, Failed: t.byStatus["failed"],
		Unknown: t.byStatus["outcome unknown"], NotAttempted: t.byStatus["not attempted"], Invalid: t.byStatus["invalid input"],
	}
	c.Read = c.Succeeded + c.SkippedEarlier + c.Failed + c.Unknown + c.NotAttempted + c.Invalid
	return c
}

// failures returns the groups, the largest first.
func (t *tally) failures() []failureGroup {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]failureGroup, 0, len(t.groups))
	for _, g := range t.groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b failureGroup) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Status, b.Status), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

// runReport is the -report file.
type runReport struct {
	// XMLName is the root of the XML form: <report>.
	XMLName     xml.Name `json:"-" xml:"report"`
	Vendor      string   `json:"vendor" xml:"vendor"`
	Op          string   `json:"op" xml:"op"`
	Input       string   `json:"input" xml:"input"`
	DryRun      bool     `json:"dry_run" xml:"dry_run"`
	Fake        bool     `json:"fake" xml:"fake"`
	Resumed     bool     `json:"resumed" xml:"resumed"`
	Interrupted bool     `json:"interrupted" xml:"interrupted"`
	// ReadToEnd is false when the run stopped before the input's end.
	ReadToEnd bool `json:"input_read_to_end" xml:"input_read_to_end"`
	// ReadError is why the input could not be read to its end (a
	// truncated gzip file, XML that stops being well-formed).
	ReadError      string         `json:"read_error,omitempty" xml:"read_error,omitempty"`
	Counts         counts         `json:"counts" xml:"counts"`
	Requests       int            `json:"requests" xml:"requests"`
	Retries        int            `json:"retries" xml:"retries"`
	ElapsedSeconds float64        `json:"elapsed_seconds" xml:"elapsed_seconds"`
	Failures       []failureGroup `json:"failures" xml:"failures>failure"`
	RejectsFile    string         `json:"rejects_file,omitempty" xml:"rejects_file,omitempty"`
	Journal        string         `json:"journal,omitempty" xml:"journal,omitempty"`
	NotChecked     string         `json:"not_checked,omitempty" xml:"not_checked,omitempty"`
}

// writeReport writes r to path, as JSON or XML (see reportFormat).
func writeReport(path string, r runReport, inputFormat string) error {
	marshal := json.MarshalIndent
	if reportFormat(path, inputFormat) == "xml" {
		marshal = marshalXMLReport
	}
	b, err := marshal(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// printSummary writes the run's account in words.
func printSummary(w io.Writer, r runReport, rejectsWritten int) {
	c := r.Counts
	mode := ""
	switch {
	case r.DryRun:
		mode = " (dry run: nothing sent to " + r.Vendor + ")"
	case r.Fake:
		mode = " (into the built-in " + r.Vendor + " fake)"
	}
	fmt.Fprintf(w, "%s %s: %s read from %s%s\n", r.Vendor, r.Op, plural(c.Read, "record"), r.Input, mode)
	parts := []string{fmt.Sprintf("%d succeeded", c.Succeeded)}
	if r.Resumed {
		parts = append(parts, fmt.Sprintf("%d had succeeded before (skipped)", c.SkippedEarlier))
	}
	parts = append(parts, fmt.Sprintf("%d failed", c.Failed))
	if c.Unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d outcome unknown", c.Unknown))
	}
	parts = append(parts, fmt.Sprintf("%d not attempted", c.NotAttempted), fmt.Sprintf("%d invalid (not sent)", c.Invalid))
	fmt.Fprintf(w, "  %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "  %s, %s in %v\n", plural(r.Requests, "request"), plural(r.Retries, "retry"),
		time.Duration(r.ElapsedSeconds*float64(time.Second)).Round(time.Millisecond))
	for i, g := range r.Failures {
		if i == 5 {
			fmt.Fprintf(w, "  … %d more reasons (see -report)\n", len(r.Failures)-i)
			break
		}
		code := ""
		if g.Code != "" && g.Status != "invalid input" {
			code = " " + g.Code
		}
		head := fmt.Sprintf("  %6d %s%s: ", g.Count, g.Status, code)
		fmt.Fprintf(w, "%s%s\n", head, oneLine(strings.TrimPrefix(g.Reason, r.Vendor+": "), max(20, 100-len(head))))
	}
	if rejectsWritten > 0 {
		fmt.Fprintf(w, "  %s written to %s\n", plural(rejectsWritten, "reject"), r.RejectsFile)
	}
	switch {
	case r.Interrupted:
		fmt.Fprintf(w, "  stopped by an interrupt: the input was not read to its end\n")
	case r.ReadError != "":
		fmt.Fprintf(w, "  %s: the input was not read to its end\n", r.ReadError)
	case !r.ReadToEnd:
		fmt.Fprintf(w, "  the run stopped before the input's end (see the reasons above): the rest was not read\n")
	}
	if r.Journal != "" {
		fmt.Fprintf(w, "  journal kept in %s: add -resume to send what did not go in\n", r.Journal)
	}
	if r.DryRun && r.NotChecked != "" {
		fmt.Fprintf(w, "  not checked by a dry run: %s\n", r.NotChecked)
	}
}

// plural is "1 record" or "2 records" (or "retries").
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine is s on one line, at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}
