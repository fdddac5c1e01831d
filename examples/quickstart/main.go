// Command quickstart shows crmbatch end to end in one command, with no
// credentials and no network:
//
//	go run ./examples/quickstart
//
// It starts the five vendors' fake servers in-process, switches faults on
// in each (throttling, server errors, refused records), pushes a few
// thousand records into every vendor through the real clients at once,
// shows live progress, and ends with a table of what happened and a list
// of every record that did not go in, with the vendor's code and message.
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
	key           string
	status        batch.Status
	code, message string
}

// resultOf turns a report into a result (the runner names the vendor);
// code extracts the vendor's code from a record's error.
func resultOf[R any](what string, rep *batch.Report[R], code func(error) string) result {
	r := result{
		what: what, total: rep.Total, succeeded: rep.Succeeded, failed: rep.Failed,
		notAttempted: rep.NotAttempted, requests: rep.Requests, retries: rep.Retries, elapsed: rep.Elapsed,
	}
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			r.failures = append(r.failures, failure{index: o.Index, key: o.Key, status: o.Status, code: code(o.Err), message: oneLine(o.Err)})
		}
	}
	return r
}

func oneLine(err error) string {
	if err == nil {
		return ""
	}
	s := strings.ReplaceAll(err.Error(), "\n", " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

func run(ctx context.Context, out io.Writer) int {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	fmt.Fprintln(out, "crmbatch quickstart: five vendors' fake servers in-process, faults on, no credentials, no network.")
	fmt.Fprintln(out)

	prog := newProgressBoard(out)
	results := make([]result, len(demos))
	var wg sync.WaitGroup
	for i, d := range demos {
		wg.Go(func() {
			results[i] = d.run(ctx, func(p batch.Progress) { prog.update(d.name, p) })
			results[i].vendor = d.name
			prog.finish(d.name, results[i])
		})
	}
	wg.Wait()

	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "vendor\toperation\trecords\tsucceeded\tfailed\tnot attempted\trequests\tretries\telapsed\t")
	ok := true
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%v\t\n", r.vendor, r.what, r.total, r.succeeded, r.failed,
			r.notAttempted, r.requests, r.retries, r.elapsed.Round(time.Millisecond))
	}
	tw.Flush()

	fmt.Fprintln(out)
	for _, r := range results {
		if len(r.failures) == 0 {
			continue
		}
		fmt.Fprintf(out, "%s: %d records did not go in:\n", r.vendor, len(r.failures))
		for _, f := range r.failures {
			code := f.code
			if code == "" {
				code = "-"
			}
			fmt.Fprintf(out, "  #%-5d %-28s %-13s code %-22s %s\n", f.index, f.key, f.status, code, f.message)
		}
	}

	fmt.Fprintln(out)
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

// progressBoard prints each vendor's progress as it moves: a line every
// quarter of the way and when it finishes.
type progressBoard struct {
	mu   sync.Mutex
	out  io.Writer
	seen map[string]int // vendor → last quarter printed
}

func newProgressBoard(out io.Writer) *progressBoard {
	return &progressBoard{out: out, seen: map[string]int{}}
}

func (b *progressBoard) update(vendor string, p batch.Progress) {
	if !p.TotalKnown || p.Total == 0 {
		return
	}
	q := p.Done * 4 / p.Total
	b.mu.Lock()
	defer b.mu.Unlock()
	if q <= b.seen[vendor] || q >= 4 {
		return
	}
	b.seen[vendor] = q
	fmt.Fprintf(b.out, "  %-9s %3d%%  %5d of %d done: %d ok, %d failed, %d not attempted; %d requests, %d retries\n",
		vendor, p.Done*100/p.Total, p.Done, p.Total, p.Succeeded, p.Failed, p.NotAttempted, p.Requests, p.Retries)
}

func (b *progressBoard) finish(vendor string, r result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.out, "  %-9s done  %5d records: %d ok, %d failed, %d not attempted in %v\n",
		vendor, r.total, r.succeeded, r.failed, r.notAttempted, r.elapsed.Round(time.Millisecond))
}
