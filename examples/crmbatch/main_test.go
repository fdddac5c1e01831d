package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCmd runs the command with args and returns its exit code and output.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportWithBadRows drives each vendor's import against its fake with a
// file holding good rows, rows the client refuses, rows the server refuses
// and an unreadable line: the summary adds up and the rejects file names
// exactly the bad lines, with their data.
// importCases are small files for each vendor, each with good rows and
// bad ones.
var importCases = []struct {
	vendor, op string
	csv        string
	wantLines  []string // input lines in the rejects file, in order
	summary    string
}{
	{
		vendor: "pardot", op: "create",
		csv:       "email,first_name,last_name,Favourite_Colour\nada@example.com,Ada,L,blue\nnot-an-email,Bob,B,red\ncy@example.com,Cy,C,green\nx@example.com,too,many,fields,here\n",
		wantLines: []string{"3", "5"},
		summary:   "pardot create: 4 records read from IN (into the built-in pardot fake)\n  2 succeeded, 1 failed, 0 not attempted, 1 invalid (not sent)\n",
	},
	{
		vendor: "hubspot", op: "upsert",
		csv:       "email,firstname\nada@example.com,Ada\nbad-email,Bob\ncy@example.com,Cy\n",
		wantLines: []string{"3"},
		summary:   "hubspot upsert: 3 records read from IN (into the built-in hubspot fake)\n  2 succeeded, 1 failed, 0 not attempted, 0 invalid (not sent)\n",
	},
	{
		vendor: "propel", op: "customers-by-sourceid",
		csv:       "source,sourceId,firstName,email,addresses\nCRM,1,Ada,ada@example.com,\nCRM,2,Bob,bob@example.com,{bad\nCRM,3,Cy,not-an-email,\n",
		wantLines: []string{"3", "4"},
		summary:   "propel customers-by-sourceid: 3 records read from IN (into the built-in propel fake)\n  1 succeeded, 1 failed, 0 not attempted, 1 invalid (not sent)\n",
	},
	{
		vendor: "noojee", op: "insert",
		csv:       "Name,FirstPhone,njExternalLeadId\nAda,0390001111,A1\nBob,,A2\nCy,0390003333,A3\n",
		wantLines: []string{"3"},
		summary:   "noojee insert: 3 records read from IN (into the built-in noojee fake)\n  2 succeeded, 1 failed, 0 not attempted, 0 invalid (not sent)\n",
	},
	{
		vendor: "agiliron", op: "add",
		csv:       "FirstName,LastName,Company,Email,Shoe_Size\nAda,Lovelace,ACME,ada@example.com,7\nBob,,ACME,bob@example.com,9\n",
		wantLines: []string{"3"},
		summary:   "agiliron add: 2 records read from IN (into the built-in agiliron fake)\n  1 succeeded, 1 failed, 0 not attempted, 0 invalid (not sent)\n",
	},
}

func TestImportWithBadRows(t *testing.T) {
	for _, tt := range importCases {
		t.Run(tt.vendor, func(t *testing.T) {
			in := write(t, "in.csv", tt.csv)
			code, out, errOut := runCmd(t, "", "-vendor", tt.vendor, "-op", tt.op, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			if want := strings.Replace(tt.summary, "IN", in, 1); !strings.Contains(out, want) {
				t.Errorf("summary:\n%s\nwant it to contain:\n%s", out, want)
			}
			rej := readCSV(t, in+".rejects.csv")
			var lines []string
			for _, r := range rej[1:] {
				lines = append(lines, r[0])
			}
			if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
				t.Errorf("rejected lines (-want +got):\n%s\nrejects: %v", diff, rej)
			}
			if !strings.HasPrefix(strings.Join(rej[0], ","), "_crmbatch_line,_crmbatch_key,_crmbatch_status,_crmbatch_code,_crmbatch_message,") {
				t.Errorf("rejects header %v", rej[0])
			}
		})
	}
}

// TestRejectsFileImportsAgain: the rejects file, fixed, is valid input.
func TestRejectsFileImportsAgain(t *testing.T) {
	in := write(t, "in.csv", "email,first_name\nada@example.com,Ada\nnot-an-email,Bob\n")
	if code, out, _ := runCmd(t, "", "-vendor", "pardot", "-in", in, "-fake"); code != exitRejects {
		t.Fatalf("first run exit %d: %s", code, out)
	}
	fixed, err := os.ReadFile(in + ".rejects.csv")
	if err != nil {
		t.Fatal(err)
	}
	again := write(t, "again.csv", strings.Replace(string(fixed), "not-an-email,Bob", "bob@example.com,Bob", 1))
	code, out, errOut := runCmd(t, "", "-vendor", "pardot", "-in", again, "-fake")
	if code != exitOK || !strings.Contains(out, "1 records read") && !strings.Contains(out, "  1 succeeded, 0 failed") {
		t.Fatalf("re-run exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(again + ".rejects.csv"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a run where everything went in left a rejects file (%v)", err)
	}
}

func TestJSONLinesWithMapping(t *testing.T) {
	in := write(t, "in.jsonl", `{"mail":"ada@example.com","given":"Ada","internal":"x"}`+"\n\n"+
		`{"mail":"bob@example.com","given":"Bob","internal":"y"}`+"\n"+`not json`+"\n")
	m := write(t, "map.txt", "# column = field\nmail = email\ngiven = firstname\ninternal = -\n")
	code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-in", in, "-map", m, "-fake")
	if code != exitRejects {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "3 records read") || !strings.Contains(out, "2 succeeded, 0 failed, 0 not attempted, 1 invalid (not sent)") {
		t.Errorf("summary: %s", out)
	}
	rej, err := os.ReadFile(in + ".rejects.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rej), `"_crmbatch_line":4`) || !strings.Contains(string(rej), `"_crmbatch_raw":"not json"`) || strings.Count(string(rej), "\n") != 1 {
		t.Errorf("rejects: %s", rej)
	}
}

// TestDryRunSendsNothingAndSaysSo: a dry run runs every check, says
// nothing was sent and names what it could not check.
func TestDryRunSendsNothingAndSaysSo(t *testing.T) {
	in := write(t, "in.csv", "email,first_name\nada@example.com,Ada\nnot-an-email,Bob\n")
	code, out, _ := runCmd(t, "", "-vendor", "pardot", "-op", "create", "-in", in, "-dry-run")
	for _, want := range []string{"(dry run: nothing sent to pardot)", "1 succeeded, 1 failed", "not checked by a dry run: that the account has the custom fields"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if code != exitRejects {
		t.Errorf("exit %d, want %d", code, exitRejects)
	}
	if _, err := os.Stat(in + ".journal"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a dry run left a journal (%v)", err)
	}
}

func TestUsageErrors(t *testing.T) {
	in := write(t, "in.csv", "email\nada@example.com\n")
	for _, args := range [][]string{
		{},
		{"-vendor", "salesforce"},
		{"-vendor", "pardot", "-op", "delete"},
		{"-vendor", "pardot", "-in", "/does/not/exist.csv"},
		{"-vendor", "pardot", "-format", "xlsx", "-in", in},
		{"-vendor", "pardot", "-rejects-format", "xlsx", "-in", in},
		{"-vendor", "pardot", "-delimiter", "x", "-in", in},
		{"-vendor", "pardot", "extra"},
		{"-vendor", "pardot", "-in", "-", "-resume"},
	} {
		if code, _, errOut := runCmd(t, "email\n", args...); code != exitUsage || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(in)); len(entries) != 1 {
		t.Errorf("usage errors left files behind: %v", entries)
	}
	// Without credentials and without -fake the command says which to set.
	for vendor, env := range map[string]string{"pardot": "PARDOT_", "hubspot": "HUBSPOT_TOKEN", "noojee": "NOOJEE_HOST", "propel": "PROPEL_CLIENT_ID", "agiliron": "AGILIRON_COMPANY"} {
		in := write(t, "in.csv", map[string]string{
			"pardot": "email\nada@example.com\n", "hubspot": "email\nada@example.com\n", "noojee": "Name,FirstPhone\nAda,0390001111\n",
			"propel": "source,sourceId\nCRM,1\n", "agiliron": "LastName,Company\nL,ACME\n"}[vendor])
		code, _, errOut := runCmd(t, "", "-vendor", vendor, "-in", in)
		if code != exitUsage || !strings.Contains(errOut, env) {
			t.Errorf("%s without credentials: exit %d, stderr %q", vendor, code, errOut)
		}
		if entries, _ := os.ReadDir(filepath.Dir(in)); len(entries) != 1 {
			t.Errorf("%s without credentials left files behind: %v", vendor, entries)
		}
	}
}

// TestFormatXLSXLeavesNoFile: -format xlsx used to create an empty
// rejects file before refusing the format.
func TestFormatXLSXLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errOut := runCmd(t, "email\n", "-vendor", "pardot", "-format", "xlsx", "-in", "-"); code != exitUsage || !strings.Contains(errOut, "export a spreadsheet as CSV") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := runCmd(t, "", "-help")
	if code != exitOK {
		t.Errorf("-help exit %d, want 0", code)
	}
	for name, tg := range targets {
		if !strings.Contains(out, "  "+name+" (credentials: ") || !strings.Contains(out, tg.example) {
			t.Errorf("-help lacks %s or its example", name)
		}
		for _, op := range tg.ops {
			if !strings.Contains(out, "    "+op.name+" ") {
				t.Errorf("-help lacks %s %s", name, op.name)
			}
		}
	}
	if code, out, _ := runCmd(t, "", "-version"); code != exitOK || !strings.HasPrefix(out, "crmbatch ") {
		t.Errorf("-version: exit %d, %q", code, out)
	}
}

// TestRejectsNeverOverwritten: a second run refuses to replace the first
// run's rejects file unless -force is given.
func TestRejectsNeverOverwritten(t *testing.T) {
	in := write(t, "in.csv", "email\nnot-an-email\n")
	if code, _, _ := runCmd(t, "", "-vendor", "pardot", "-in", in, "-fake"); code != exitRejects {
		t.Fatalf("first run exit %d", code)
	}
	first, _ := os.ReadFile(in + ".rejects.csv")
	code, _, errOut := runCmd(t, "", "-vendor", "pardot", "-in", in, "-fake")
	if code != exitUsage || !strings.Contains(errOut, "-force") {
		t.Errorf("second run: exit %d, %s", code, errOut)
	}
	if again, _ := os.ReadFile(in + ".rejects.csv"); string(again) != string(first) {
		t.Errorf("the rejects file changed:\n%s\nwas\n%s", again, first)
	}
	if code, _, errOut := runCmd(t, "", "-vendor", "pardot", "-in", in, "-fake", "-force"); code != exitRejects {
		t.Errorf("-force: exit %d, %s", code, errOut)
	}
}

// TestRaggedRowsKeepTheirValues: a row with too many or too few fields is
// rejected with every value it had.
func TestRaggedRowsKeepTheirValues(t *testing.T) {
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\nbob@example.com,Bob,extra1,extra2\ncy@example.com\n")
	if code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-in", in, "-fake"); code != exitRejects {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	got := readCSV(t, in+".rejects.csv")
	want := [][]string{
		{"_crmbatch_line", "_crmbatch_key", "_crmbatch_status", "_crmbatch_code", "_crmbatch_message", "email", "firstname", "_crmbatch_extra", "_crmbatch_raw"},
		{"3", "", "invalid input", "input", "4 fields, the header has 2", "bob@example.com", "Bob", `["extra1","extra2"]`, ""},
		{"4", "", "invalid input", "input", "1 fields, the header has 2", "cy@example.com", "", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
}

// TestReport: -report writes the counts and the failures grouped by code
// and reason, with examples.
func TestReport(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,firstname\n")
	for i := range 10 {
		fmt.Fprintf(&b, "ok%d@example.com,A\nbad%d,B\n", i, i)
	}
	in := write(t, "in.csv", b.String())
	reportFile := filepath.Join(t.TempDir(), "run.json")
	if code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-in", in, "-fake", "-report", reportFile); code != exitRejects {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	data, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep runReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if want := (counts{Read: 20, Succeeded: 10, Failed: 10}); rep.Counts != want {
		t.Errorf("counts %+v, want %+v", rep.Counts, want)
	}
	if len(rep.Failures) != 1 || rep.Failures[0].Count != 10 || rep.Failures[0].Code != "VALIDATION_ERROR" || len(rep.Failures[0].Examples) != maxExamples {
		t.Errorf("failures: %+v", rep.Failures)
	}
	if rep.Requests == 0 || rep.ElapsedSeconds <= 0 || !rep.ReadToEnd {
		t.Errorf("report: %s", data)
	}
}

// TestLargeFileStreams imports 20,000 rows from standard input: every one
// is accounted for.
func TestLargeFileStreams(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,firstname\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "c%05d@example.com,C%d\n", i, i)
	}
	dir := t.TempDir()
	code, out, errOut := runCmd(t, b.String(), "-vendor", "hubspot", "-op", "create", "-in", "-", "-fake", "-rejects", filepath.Join(dir, "r.csv"))
	if code != exitOK || !strings.Contains(out, "20000 records read from -") || !strings.Contains(out, "20000 succeeded, 0 failed, 0 not attempted, 0 invalid") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
