// Command quickstart shows crmbatch end to end in one command, with no
// credentials and no network:
//
//	go run ./examples/quickstart
//
// It starts the five vendors' fake servers in-process, switches faults on
// in each (throttling, server errors, refused records), pushes a few
// thousand records into every vendor through the real clients at once,
// shows progress as one line for all five each quarter of the way, and
// ends with a table of what happened and a list of every record that did
// not go in, with the vendor's code and message, and "[injected: …]" when
// a fault the demo switched on caused it. Every line fits 100 columns.
//
// It checks what it shows: every record must be accounted for
// (succeeded + failed + not attempted = records) and each fake must hold
// exactly the records reported succeeded. It exits 1 when either check
// fails.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

func main() {
	os.Exit(run(context.Background(), os.Stdout))
}

// demo is one vendor's part of the quickstart.
type demo struct {
	name string
	// run starts the vendor's fake with faults on, imports the records and
	// returns what happened.
	run func(ctx context.Context, progress func(batch.Progress)) result
}

// demos are the five vendors, in the order of the table.
var demos = []demo{
	{"hubspot", runHubSpot},
	{"pardot", runPardot},
	{"noojee", runNoojee},
	{"propel", runPropel},
	{"agiliron", runAgiliron},
}

// result is one vendor's account of its run.
type result struct {
	vendor                                 string
	what                                   string // e.g. "contacts batch/upsert"
	total, succeeded, failed, notAttempted int
	requests, retries                      int
	elapsed                                time.Duration
	failures                               []failure
	// stored is how many of this run's records the fake holds at the end;
	// it must equal succeeded.
	stored int
	err    error
}

// failure is one record that did not go in.
type failure struct {
	index         int
	who           string // the record in words (its email, its id)
	status        batch.Status
	code, message string
	// fault names the fault the demo injected to cause this failure, ""
	// when the record itself is at fault.
	fault string
}

// explainer turns a record's error into the vendor's code and message.
type explainer func(error) (code, message string)

// describer names the record at an input index and the fault, if any,
// the demo injected for it.
type describer func(index int) (who, fault string)

// resultOf turns a report into a result (the runner names the vendor).
func resultOf[R any](what string, rep *batch.Report[R], explain explainer, describe describer) result {
	r := result{
		what: what, total: rep.Total, succeeded: rep.Succeeded, failed: rep.Failed,
		notAttempted: rep.NotAttempted, requests: rep.Requests, retries: rep.Retries, elapsed: rep.Elapsed,
	}
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			code, msg := explain(o.Err)
			who, fault := describe(o.Index)
			r.failures = append(r.failures, failure{index: o.Index, who: who, status: o.Status, code: code, message: msg, fault: fault})
		}
	}
	return r
}

// plainMessage is err's text without the vendor's prefix, on one line.
func plainMessage(err error, vendor string) string {
	if err == nil {
		return ""
	}
	return strings.TrimPrefix(strings.Join(strings.Fields(err.Error()), " "), vendor+": ")
}

// fit cuts s to n columns.
func fit(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// width is the most columns any line of the quickstart takes.
const width = 100

func run(ctx context.Context, out io.Writer) int {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	fmt.Fprintln(out, "crmbatch quickstart: the five vendors' fake servers, in this process: no credentials,")
	fmt.Fprintln(out, "no network. Faults are injected on purpose (throttling, server errors, refusals);")
	fmt.Fprintln(out, "the records they refuse are marked [injected] below.")
	fmt.Fprintln(out)

	prog := newProgressBoard(out)
	results := make([]result, len(demos))
	var wg sync.WaitGroup
	for i, d := range demos {
		wg.Go(func() {
			results[i] = d.run(ctx, func(p batch.Progress) { prog.update(d.name, p) })
			results[i].vendor = d.name
			prog.finish(d.name)
		})
	}
	wg.Wait()

	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "vendor\toperation\trecords\tok\tfailed\tnot sent\trequests\tretries\ttime\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%v\t\n", r.vendor, r.what, r.total, r.succeeded, r.failed,
			r.notAttempted, r.requests, r.retries, r.elapsed.Round(time.Millisecond))
	}
	tw.Flush()

	for _, r := range results {
		if len(r.failures) == 0 {
			continue
		}
		fmt.Fprintf(out, "\n%s: %s did not go in\n", r.vendor, plural(len(r.failures), "record"))
		for _, f := range r.failures {
			line := fmt.Sprintf("  #%-5d %-28s %s", f.index, f.who, cmpOr(f.code, "-"))
			if f.fault != "" {
				line += "  [injected: " + f.fault + "]"
			}
			fmt.Fprintln(out, fit(line, width))
			if f.message != "" {
				fmt.Fprintln(out, fit("         "+f.message, width))
			}
		}
	}

	fmt.Fprintln(out)
	ok := true
	for _, r := range results {
		switch {
		case r.err != nil:
			ok = false
			fmt.Fprintf(out, "FAIL %s: %v\n", r.vendor, r.err)
		case r.succeeded+r.failed+r.notAttempted != r.total:
			ok = false
			fmt.Fprintf(out, "FAIL %s: counts do not add up: %d + %d + %d != %d\n", r.vendor, r.succeeded, r.failed, r.notAttempted, r.total)
		case r.stored != r.succeeded:
			ok = false
			fmt.Fprintf(out, "FAIL %s: the fake holds %d records, %d were reported succeeded\n", r.vendor, r.stored, r.succeeded)
		default:
			fmt.Fprintf(out, "ok   %s: every record accounted for; the fake holds exactly the %d that succeeded\n", r.vendor, r.succeeded)
		}
	}
	if !ok {
		return 1
	}
	return 0
}

func cmpOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// plural is "1 record" or "2 records".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// progressBoard prints one line for all five vendors each time the whole
// run passes another quarter, so their progress never interleaves.
type progressBoard struct {
	mu      sync.Mutex
	out     io.Writer
	done    map[string]int
	total   map[string]int
	printed int // quarters printed
}

func newProgressBoard(out io.Writer) *progressBoard {
	b := &progressBoard{out: out, done: map[string]int{}, total: map[string]int{}}
	for _, d := range demos {
		b.total[d.name] = 0
	}
	return b
}

func (b *progressBoard) update(vendor string, p batch.Progress) {
	if !p.TotalKnown || p.Total == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done[vendor], b.total[vendor] = p.Done, p.Total
	b.maybePrint()
}

// finish marks a vendor done.
func (b *progressBoard) finish(vendor string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.total[vendor] == 0 {
		b.total[vendor] = 1
	}
	b.done[vendor] = b.total[vendor]
	b.maybePrint()
}

// maybePrint prints the board when the run has passed a new quarter
// (b.mu held). A vendor whose total is not known yet counts as 0 %.
func (b *progressBoard) maybePrint() {
	sum := 0
	parts := make([]string, 0, len(demos))
	for _, d := range demos {
		pct := 0
		if t := b.total[d.name]; t > 0 {
			pct = b.done[d.name] * 100 / t
		}
		sum += pct
		parts = append(parts, fmt.Sprintf("%s %3d%%", d.name, pct))
	}
	overall := sum / len(demos)
	if overall/25 <= b.printed {
		return
	}
	b.printed = overall / 25
	fmt.Fprintf(b.out, "  %3d%% done:  %s\n", overall, strings.Join(parts, "  "))
}
