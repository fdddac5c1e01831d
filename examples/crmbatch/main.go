// Command crmbatch imports a CSV or JSON Lines file into one of the five
// vendors crmbatch supports, streaming the file in constant memory.
//
// Usage:
//
//	crmbatch -vendor hubspot -in contacts.csv [-op upsert] [-object contacts]
//	         [-map mapping.txt] [-rejects rejects.csv] [-dry-run] [-fake]
//
// The header of a CSV file (the keys of a JSONL object) name the vendor's
// fields; a mapping file ("column = field" per line, "column = -" to drop
// one) renames them. Every record that does not go in is written to the
// rejects file with its input line, key, status, the vendor's code and
// message, and the record itself, so the file can be fixed and imported
// again as it is.
//
// Credentials come from the environment variables each vendor's example
// names (see examples/<vendor>); -fake runs against that vendor's built-in
// fake server instead, with no credentials and no network. -dry-run applies
// every client-side check through the real client and sends the records
// only to the in-process fake, never to the vendor (the fake's own checks,
// which mimic the vendor's, may refuse a few more).
//
// Ctrl-C stops reading new records: requests in flight finish, every record
// not sent is written to the rejects file as "not attempted", and the
// command exits 130. A second Ctrl-C aborts at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// options are the command's flags.
type options struct {
	vendor, op, object string
	idProperty         string
	in, format         string
	mapFile            string
	rejects, rejFormat string
	dryRun, fake       bool
	concurrency        int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("crmbatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.vendor, "vendor", "", "target vendor: "+strings.Join(targetNames(), ", "))
	fs.StringVar(&o.op, "op", "", "operation (default: the vendor's first; see -help)")
	fs.StringVar(&o.object, "object", "contacts", "HubSpot object type (contacts, companies, 2-123456 …)")
	fs.StringVar(&o.idProperty, "id-property", "email", "HubSpot upsert: the unique property whose column identifies each record")
	fs.StringVar(&o.in, "in", "-", "input file, or - for standard input")
	fs.StringVar(&o.format, "format", "", "input format: csv or jsonl (default: from the file name, else csv)")
	fs.StringVar(&o.mapFile, "map", "", "mapping file: one \"column = field\" per line")
	fs.StringVar(&o.rejects, "rejects", "", "rejects file (default: <input>.rejects.<format>)")
	fs.StringVar(&o.rejFormat, "rejects-format", "", "rejects format: csv or jsonl (default: the input's)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "apply every client-side check; send only to the in-process fake, never to the vendor")
	fs.BoolVar(&o.fake, "fake", false, "send to the vendor's built-in fake server (no credentials, no network)")
	fs.IntVar(&o.concurrency, "concurrency", 0, "requests in flight (default: the vendor's)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	t, ok := targets[o.vendor]
	if !ok {
		return o, fmt.Errorf("-vendor must be one of %s", strings.Join(targetNames(), ", "))
	}
	if o.op == "" {
		o.op = t.ops[0]
	}
	if !slices.Contains(t.ops, o.op) {
		return o, fmt.Errorf("-op for %s must be one of %s", o.vendor, strings.Join(t.ops, ", "))
	}
	if o.format == "" {
		o.format = "csv"
		if strings.HasSuffix(o.in, ".jsonl") || strings.HasSuffix(o.in, ".ndjson") {
			o.format = "jsonl"
		}
	}
	if o.rejFormat == "" {
		o.rejFormat = o.format
	}
	if o.rejects == "" {
		base := o.in
		if base == "-" {
			base = "stdin"
		}
		o.rejects = base + ".rejects." + o.rejFormat
	}
	return o, nil
}

// exit codes
const (
	exitOK          = 0
	exitRejects     = 1 // some records did not go in (see the rejects file)
	exitUsage       = 2
	exitInterrupted = 130
)

// run is the whole command, testable without a process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "crmbatch:", err)
		}
		return exitUsage
	}
	code, err := importFile(ctx, o, stdin, stdout, stderr, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "crmbatch:", err)
	}
	return code
}

func importFile(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	m := mapping{}
	if o.mapFile != "" {
		f, err := os.Open(o.mapFile)
		if err != nil {
			return exitUsage, err
		}
		m, err = readMapping(f)
		f.Close()
		if err != nil {
			return exitUsage, err
		}
	}
	in := stdin
	if o.in != "-" {
		f, err := os.Open(o.in)
		if err != nil {
			return exitUsage, err
		}
		defer f.Close()
		in = f
	}
	rf, err := os.Create(o.rejects)
	if err != nil {
		return exitUsage, err
	}
	defer rf.Close()
	rejects, err := newRejectWriter(rf, o.rejFormat)
	if err != nil {
		return exitUsage, err
	}

	// Progress and the interrupt notice both write to stderr.
	terminal := isTerminal(stderr)
	stderr = &lockedWriter{w: stderr}

	// The first Ctrl-C stops reading; the second cancels what is in flight.
	hard, cancel := context.WithCancel(ctx)
	defer cancel()
	var interrupted atomic.Bool
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		for {
			select {
			case <-finished:
				return
			case <-sigs:
				if interrupted.Swap(true) {
					cancel()
					return
				}
				fmt.Fprintln(stderr, "\ncrmbatch: interrupted: finishing the requests in flight (Ctrl-C again to abort)")
			}
		}
	}()

	progress := newProgressPrinter(stderr, terminal)
	j := &job{
		opts: o, getenv: getenv, stdout: stdout,
		tracker:  newTracker(rejects, &interrupted),
		progress: progress.update,
	}
	rows, columns, err := readRows(in, o.format, m, func(re rowError) {
		j.badRows.Add(1)
		rejects.write(reject{Line: re.Line, Status: "invalid input", Code: "input", Message: re.Err.Error()})
	})
	if err != nil {
		return exitUsage, err
	}
	rejects.header = columns
	start := time.Now()
	sum, err := targets[o.vendor].run(hard, j, rows)
	if err != nil {
		return exitUsage, err
	}
	sum.notAttempted += j.tracker.skipped()
	sum.total += j.tracker.skipped()
	progress.done(batch.Progress{
		Total: sum.total, TotalKnown: true, Done: sum.total, Succeeded: sum.succeeded, Failed: sum.failed,
		NotAttempted: sum.notAttempted, Requests: sum.requests, Retries: sum.retries, Elapsed: time.Since(start),
	})
	if err := rejects.close(); err != nil {
		return exitRejects, fmt.Errorf("writing %s: %w", o.rejects, err)
	}
	verb := "imported"
	if o.dryRun {
		verb = "checked (dry run, nothing sent to the vendor)"
	}
	fmt.Fprintf(stdout, "%s %s: %d records %s: %d succeeded, %d failed, %d not attempted; %d input lines rejected before sending; %d requests, %d retries in %v\n",
		o.vendor, o.op, sum.total, verb, sum.succeeded, sum.failed, sum.notAttempted, j.badRows.Load(), sum.requests, sum.retries, time.Since(start).Round(time.Millisecond))
	if n := rejects.count; n > 0 {
		fmt.Fprintf(stdout, "%d rejects written to %s\n", n, o.rejects)
	}
	if sum.succeeded+sum.failed+sum.notAttempted != sum.total {
		return exitRejects, fmt.Errorf("counts do not add up: %+v", sum)
	}
	switch {
	case interrupted.Load():
		return exitInterrupted, nil
	case sum.failed+sum.notAttempted > 0 || j.badRows.Load() > 0:
		return exitRejects, nil
	}
	return exitOK, nil
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
