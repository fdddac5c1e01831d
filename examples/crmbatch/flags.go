package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// options are the command's flags.
type options struct {
	vendor, op, object string
	idProperty         string
	customProps        []string
	in, format         string
	delimiter          string
	mapFile            string
	rejects, rejFormat string
	report             string
	journal            string
	resume, force      bool
	dryRun, fake       bool
	baseURL            string
	concurrency        int
	grace              time.Duration
	progressEvery      time.Duration
}

// errVersion is returned by parseFlags after printing the version.
var errVersion = errors.New("version printed")

func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("crmbatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.vendor, "vendor", "", "target vendor: "+strings.Join(targetNames(), ", "))
	fs.StringVar(&o.op, "op", "", "operation (default: the vendor's first; listed above)")
	fs.StringVar(&o.object, "object", "contacts", "HubSpot object type (contacts, companies, 2-123456 …)")
	fs.StringVar(&o.idProperty, "id-property", "email", "HubSpot upsert: the unique property whose column identifies each record")
	fs.Func("custom-properties", "HubSpot: comma-separated custom properties your account has (HubSpot refuses unknown ones)", func(s string) error {
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				o.customProps = append(o.customProps, p)
			}
		}
		return nil
	})
	fs.StringVar(&o.in, "in", "-", "input file (CSV, JSON Lines or XML, gzip-compressed or not), or - for standard input")
	fs.StringVar(&o.format, "format", "", "input format: csv, jsonl or xml (default: from the file name: .jsonl, .ndjson, .xml, else csv)")
	fs.StringVar(&o.delimiter, "delimiter", "", `CSV delimiter: "," ";" "|" or "tab" (default: comma, semicolon or tab, detected from the header)`)
	fs.StringVar(&o.mapFile, "map", "", "mapping file: one \"column = field\" per line (\"column = -\" drops it)")
	fs.StringVar(&o.rejects, "rejects", "", "rejects file (default: <input>.rejects.<format>); never overwritten without -force")
	fs.StringVar(&o.rejFormat, "rejects-format", "", "rejects format: csv, jsonl, or xml for XML input (default: the input's)")
	fs.StringVar(&o.report, "report", "", "write a report (counts, failures by code and reason, requests, retries, elapsed) to this file: XML when it ends in .xml (or, without .json, the input is XML), else JSON")
	fs.StringVar(&o.journal, "journal", "", "journal file for -resume (default: <input>.journal; off for standard input, -fake and -dry-run)")
	fs.BoolVar(&o.resume, "resume", false, "continue a stopped or crashed run from its journal: skip what succeeded, send the rest")
	fs.BoolVar(&o.force, "force", false, "overwrite an existing rejects file, report or journal")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check the file and every record against the vendor's known rules; send nothing to the vendor")
	fs.BoolVar(&o.fake, "fake", false, "send to the vendor's built-in fake server (no credentials, no network)")
	fs.StringVar(&o.baseURL, "base-url", "", "send to this base URL instead of the vendor's (a sandbox or a proxy); credentials as usual")
	fs.IntVar(&o.concurrency, "concurrency", 0, "requests in flight (default: the vendor's)")
	fs.DurationVar(&o.grace, "grace", time.Second, "after Ctrl-C, how long requests in flight may take to finish")
	fs.DurationVar(&o.progressEvery, "progress-every", 10*time.Second, "when stderr is not a terminal: print a progress line this often")
	return fs
}

func parseFlags(args []string, stdout, stderr io.Writer) (options, error) {
	var o options
	fs := newFlagSet(&o, stderr)
	var version bool
	fs.BoolVar(&version, "version", false, "print the version and exit")
	fs.Usage = func() { printHelp(stdout, fs) }
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if version {
		fmt.Fprintln(stdout, "crmbatch", buildVersion())
		return o, errVersion
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q (flags go before them)", fs.Args())
	}
	t, ok := targets[o.vendor]
	if !ok {
		return o, fmt.Errorf("-vendor must be one of %s (see -help)", strings.Join(targetNames(), ", "))
	}
	if o.op == "" {
		o.op = t.ops[0].name
	}
	if !slices.ContainsFunc(t.ops, func(op operation) bool { return op.name == o.op }) {
		return o, fmt.Errorf("-op for %s must be one of %s", o.vendor, strings.Join(t.opNames(), ", "))
	}
	if o.format == "" {
		o.format = formatOf(o.in)
	}
	if o.format != "csv" && o.format != "jsonl" && o.format != "xml" {
		return o, fmt.Errorf("-format %q: want csv, jsonl or xml (export a spreadsheet as CSV first)", o.format)
	}
	if o.rejFormat == "" {
		o.rejFormat = o.format
	}
	if err := checkXMLFlags(o); err != nil {
		return o, err
	}
	if o.rejFormat != "csv" && o.rejFormat != "jsonl" && o.rejFormat != "xml" {
		return o, fmt.Errorf("-rejects-format %q: want csv, jsonl or xml", o.rejFormat)
	}
	if _, err := delimiterFlag(o.delimiter); err != nil {
		return o, err
	}
	if o.fake && o.baseURL != "" {
		return o, errors.New("-fake and -base-url exclude each other")
	}
	if o.grace < 0 {
		return o, errors.New("-grace must not be negative")
	}
	base := strings.TrimSuffix(o.in, ".gz")
	if o.in == "-" {
		base = "stdin"
	}
	if o.rejects == "" {
		o.rejects = base + ".rejects." + o.rejFormat
	}
	if o.journal == "" && o.in != "-" && !o.sandboxed() {
		o.journal = base + ".journal"
	}
	if o.resume && o.journal == "" {
		return o, errors.New("-resume needs a journal: give -journal (standard input, -fake and -dry-run keep none by default)")
	}
	return o, nil
}

// sandboxed reports whether nothing reaches the vendor.
func (o options) sandboxed() bool { return o.fake || o.dryRun }

// formatOf guesses the input format from a file name.
func formatOf(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	if strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson") {
		return "jsonl"
	}
	if strings.HasSuffix(name, ".xml") {
		return "xml"
	}
	return "csv"
}

// buildVersion is the module version and VCS revision the binary was
// built from, as the Go toolchain recorded them.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v + " " + bi.GoVersion
}

// printHelp writes the usage: what the command does, the vendors and
// their operations with an example each, then the flags.
func printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `crmbatch imports a CSV, JSON Lines or XML file into a CRM vendor, in constant memory.

Usage:
  crmbatch -vendor NAME [-op OP] -in FILE [flags]

Columns (or JSON keys) are the vendor's field names; -map renames them.
Every record that does not go in is written to the rejects file, which can
be fixed and imported again as it is. Ctrl-C stops reading at once, lets
the requests in flight finish (-grace) and writes the rest as not
attempted; a second Ctrl-C exits at once. -resume continues from the
journal. Exit status: 0 all went in, 1 some did not, 2 bad usage or a file
refused before sending, 130 interrupted.

XML (.xml, or -format xml): one element per record, in the vendor's typed
XML form (its package doc, "XML form"), inside the root element listed
below ("xml:"). Its rejects are XML too: each record in the same form
inside a <_crmbatch_reject line key status code message> element, which
the reader unwraps, so they import again as they are. -report FILE.xml
writes the report as XML.

Vendors and operations (the first is the default):
`)
	for _, name := range targetNames() {
		t := targets[name]
		fmt.Fprintf(w, "  %s (credentials: %s)\n", name, t.credentials)
		for _, op := range t.ops {
			fmt.Fprintf(w, "    %-22s %s\n", op.name, op.help)
		}
		fmt.Fprintf(w, "    example: %s\n", t.example)
		fmt.Fprintf(w, "    xml: %s\n", xmlFormsHelp(name, t))
	}
	fmt.Fprint(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
