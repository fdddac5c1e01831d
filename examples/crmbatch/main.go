// Command crmbatch imports a CSV, JSON Lines or XML file into one of the
// five vendors crmbatch supports, streaming the file in constant memory.
//
// Usage:
//
//	crmbatch -vendor hubspot -in contacts.csv [-op upsert] [-object contacts]
//	         [-map mapping.txt] [-rejects rejects.csv] [-report run.json]
//	         [-dry-run | -fake | -base-url URL] [-resume] [-force]
//
// The header of a CSV file (the keys of a JSONL object) name the vendor's
// fields; a mapping file ("column = field" per line, "column = -" to drop
// one) renames them. Before anything is sent the file is checked: gzip is
// read through, a binary, ZIP, UTF-16 or non-UTF-8 file is refused (from
// its first 64 KiB), the delimiter (comma, semicolon, tab) is detected,
// and the columns must fit the vendor and operation (required columns,
// spelling, unknown keys where the vendor refuses them; for JSON Lines,
// the first object's keys but for the required ones); a file that fails
// gets one error and exit 2. Each record is then checked as it is read
// (UTF-8, one JSON object per line and its keys, a CSV row that parses,
// at most 16 MiB) and, if it fails, rejected as invalid input before
// sending, with its text as written when it could not be read as a record
// (csv_input.go, input.go). A file that cannot be read to its end (a
// truncated gzip file, XML that stops being well-formed) is reported so,
// its journal kept, and the command exits 1.
//
// An XML file (.xml, or -format xml) holds one element per record, in the
// vendor's typed XML form, decoded with encoding/xml into the record type
// the operation sends (xml_input.go); its rejects are XML, each record in
// the same form inside a _crmbatch_reject element carrying the rejection
// (xml_rejects.go), and -report FILE.xml writes the report as XML
// (xml_report.go).
//
// Every record that does not go in is written to the rejects file with its
// input line, key, status, the vendor's code and message, and the record
// itself, so the file can be fixed and imported again as it is. An
// existing rejects file is never overwritten without -force.
//
// Credentials come from the environment variables -help names; -fake runs
// against that vendor's built-in fake server instead (counting only, so in
// constant memory), with no credentials and no network. -dry-run checks
// the file and every record through the real client and the fake and sends
// nothing to the vendor; it says what it cannot check.
//
// Ctrl-C stops reading at once: the requests in flight get -grace to
// finish, every record read and not sent is written to the rejects file as
// "not attempted", and the command exits 130. A second Ctrl-C exits at
// once. The journal (<input>.journal) records each record's final state,
// synced per chunk, and where the run sends (-fake, -base-url); -resume,
// to the same target only, skips what succeeded and sends the rest, and a
// record that was in flight when the process died is reported as outcome
// unknown (sent again only for operations that cannot duplicate it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// exit codes
const (
	exitOK          = 0
	exitRejects     = 1 // some records did not go in (see the rejects file)
	exitUsage       = 2 // bad usage, or a file refused before sending
	exitInterrupted = 130
)

// exitNow ends the process on a second Ctrl-C; a variable for tests.
var exitNow = os.Exit

// run is the whole command, testable without a process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseFlags(args, stdout, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp), errors.Is(err, errVersion):
		return exitOK
	case err != nil:
		fmt.Fprintln(stderr, "crmbatch:", err)
		return exitUsage
	}
	code, err := importFile(ctx, o, stdin, stdout, stderr, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "crmbatch:", err)
	}
	return code
}

// prepared is what importFile sets up before reading the first record.
type prepared struct {
	in      *inputFile
	m       mapping
	rejects *rejectWriter
	journal *journal
	earlier *resumeState
	rules   columnRules
}

// prepare opens and checks everything a run needs before it sends.
func prepare(o options, stdin io.Reader, stderr io.Writer) (*prepared, error) {
	p := &prepared{m: mapping{}, rules: targets[o.vendor].columns(o)}
	if o.mapFile != "" {
		b, err := os.ReadFile(o.mapFile)
		if err != nil {
			return nil, err
		}
		if p.m, err = readMapping(strings.NewReader(string(b))); err != nil {
			return nil, err
		}
	}
	if o.report != "" && !o.force {
		if _, err := os.Stat(o.report); err == nil {
			return nil, fmt.Errorf("the report %s %w: name another with -report, or add -force", o.report, errExists)
		}
	}
	var err error
	if p.rejects, err = newRejectWriter(o.rejects, o.rejFormat, o.force || o.resume); err != nil {
		return nil, err
	}
	p.rejects.xmlForm = xmlFormFor(o.vendor, o.op)
	if p.in, err = openInput(o, stdin); err != nil {
		return nil, err
	}
	if o.format == "csv" && p.in.delimiter != ',' {
		fmt.Fprintf(stderr, "crmbatch: reading %s as %s-separated (-delimiter to choose)\n", o.in, delimiterName(p.in.delimiter))
	}
	if o.journal == "" {
		return p, nil
	}
	h := journalHeader{Vendor: o.vendor, Op: o.op, Target: targetOf(o), Input: o.in, Size: p.in.size, Fingerprint: p.in.fingerprint}
	if o.vendor == "hubspot" {
		h.Object, h.IDProperty = o.object, o.idProperty
	}
	if o.resume {
		p.earlier, err = readJournal(o.journal)
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("no journal at %s: the earlier run finished (or kept none); nothing to resume", o.journal)
		}
		if err == nil {
			err = p.earlier.header.sameRun(h)
		}
		if err != nil {
			p.in.close()
			return nil, fmt.Errorf("-resume: %w", err)
		}
	}
	if p.journal, err = createJournal(o.journal, h, o.resume, o.force); err != nil {
		p.in.close()
		return nil, err
	}
	return p, nil
}

func importFile(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	p, err := prepare(o, stdin, stderr)
	if err != nil {
		return exitUsage, err
	}
	defer p.in.close()
	start := time.Now()

	// Reading stops at the first Ctrl-C; sending gets -grace more.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	sendCtx, stopSending := context.WithCancel(ctx)
	defer stopSending()

	t := targets[o.vendor]
	tr := newTracker(p.rejects, p.journal, p.earlier, t.op(o.op).replayable, t.code)
	var check func([]string) error
	if o.format == "jsonl" {
		check = p.rules.recordCheck(o.vendor, o.op)
	}
	rows, columns, err := readRows(readCtx, p.in, o.format, p.m, check, tr.unreadable)
	// A run that fails before sending leaves no journal behind (but never
	// deletes the one a -resume continues).
	abandon := func() { p.journal.close(!o.resume && tr.handed() == 0) }
	if err != nil {
		abandon()
		return exitUsage, fmt.Errorf("%s: %w", o.in, err)
	}
	// XML records have no columns: each is read in its typed form. A JSON
	// Lines file's first object is checked as a header is, but for the
	// keys it needs, which each record is checked for as it is read.
	checkColumns := p.rules.check
	if o.format == "jsonl" {
		checkColumns = p.rules.checkNames
	}
	if o.format != "xml" {
		if err := checkColumns(o.vendor, o.op, columns); err != nil {
			abandon()
			return exitUsage, fmt.Errorf("%s: %w", o.in, err)
		}
	}
	p.rejects.header = columns

	progress := startProgress(stderr, p.in, o.progressEvery)
	var interrupted atomic.Bool
	stopWatching := watchInterrupts(func() {
		interrupted.Store(true)
		stopReading()
		p.in.close()
		progress.setStopping()
		time.AfterFunc(o.grace, stopSending)
	}, func() {
		fmt.Fprintln(stderr, "\ncrmbatch: interrupted twice: exiting now; the journal says what went in")
		p.rejects.flush()
		p.journal.sync()
		exitNow(exitInterrupted)
	})
	j := &job{opts: o, getenv: getenv, stdout: stdout, tracker: tr, progress: tr.chunkDone(progress.update)}
	sum, runErr := t.run(sendCtx, j, rows)
	stopWatching()
	progress.finish()
	if runErr != nil {
		abandon()
		return exitUsage, runErr
	}

	c := tr.tally.counts()
	// The command stops reading at the first Ctrl-C; the engine stops
	// pulling rows when the run stops (an expired token, a spent quota).
	// A read error (a truncated gzip file, XML that stops being well-formed)
	// ends the reading too.
	readErr := tr.readError()
	readToEnd := readCtx.Err() == nil && !sum.inputIncomplete && readErr == nil
	rep := runReport{
		Vendor: o.vendor, Op: o.op, Input: o.in, DryRun: o.dryRun, Fake: o.fake, Resumed: o.resume,
		Interrupted: interrupted.Load(), ReadToEnd: readToEnd, Counts: c,
		Requests: sum.requests, Retries: sum.retries, ElapsedSeconds: time.Since(start).Seconds(),
		Failures: tr.tally.failures(), RejectsFile: o.rejects,
	}
	if readErr != nil {
		rep.ReadError = readErr.Error()
	}
	if o.dryRun {
		rep.NotChecked = p.rules.unchecked
	}
	// Keep the journal while -resume has something left to send.
	keep := !readToEnd || c.NotAttempted > 0 || c.Unknown > 0 && tr.replayable
	if p.journal != nil && keep {
		rep.Journal = o.journal
	}
	errs := []error{p.journal.close(!keep), p.rejects.close()}
	if o.report != "" {
		errs = append(errs, writeReport(o.report, rep, o.format))
	}
	printSummary(stdout, rep, p.rejects.count)
	if sum.total != tr.handed() {
		errs = append(errs, fmt.Errorf("counts do not add up: the engine accounted for %d records, the command handed it %d", sum.total, tr.handed()))
	}
	if readErr != nil {
		errs = append(errs, fmt.Errorf("%s: %w: the input was not read to its end", o.in, readErr))
	}
	if err := errors.Join(errs...); err != nil {
		return exitRejects, err
	}
	switch {
	case interrupted.Load():
		return exitInterrupted, nil
	case c.Failed+c.NotAttempted+c.Unknown+c.Invalid > 0:
		return exitRejects, nil
	}
	return exitOK, nil
}

// watchInterrupts calls first on the first SIGINT or SIGTERM and second
// on the next; the returned func stops watching.
func watchInterrupts(first, second func()) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case <-sigs:
				n++
				if n == 1 {
					first()
				} else {
					second()
				}
			}
		}
	})
	return func() {
		signal.Stop(sigs)
		close(done)
		wg.Wait()
	}
}
