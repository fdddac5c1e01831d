package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
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
func TestImportWithBadRows(t *testing.T) {
	tests := []struct {
		vendor, op string
		csv        string
		wantLines  []string // input lines in the rejects file, in order
		summary    string
	}{
		{
			vendor: "pardot", op: "create",
			csv:       "email,first_name,last_name,Favourite_Colour\nada@example.com,Ada,L,blue\nnot-an-email,Bob,B,red\ncy@example.com,Cy,C,green\nx@example.com,too,many,fields,here\n",
			wantLines: []string{"3", "5"},
			summary:   "pardot create: 3 records imported: 2 succeeded, 1 failed, 0 not attempted; 1 input lines rejected before sending",
		},
		{
			vendor: "hubspot", op: "upsert",
			csv:       "email,firstname\nada@example.com,Ada\nbad-email,Bob\ncy@example.com,Cy\n",
			wantLines: []string{"3"},
			summary:   "hubspot upsert: 3 records imported: 2 succeeded, 1 failed, 0 not attempted; 0 input lines rejected before sending",
		},
		{
			vendor: "propel", op: "customers-by-sourceid",
			csv:       "source,sourceId,firstName,email,company\nCRM,1,Ada,ada@example.com,\nCRM,2,Bob,bob@example.com,ACME\nCRM,3,Cy,not-an-email,\n",
			wantLines: []string{"3", "4"},
			summary:   "propel customers-by-sourceid: 2 records imported: 1 succeeded, 1 failed, 0 not attempted; 1 input lines rejected before sending",
		},
		{
			vendor: "noojee", op: "insert",
			csv:       "Name,FirstPhone,njExternalLeadId\nAda,0390001111,A1\nBob,,A2\nCy,0390003333,A3\n",
			wantLines: []string{"3"},
			summary:   "noojee insert: 3 records imported: 2 succeeded, 1 failed, 0 not attempted; 0 input lines rejected before sending",
		},
		{
			vendor: "agiliron", op: "add",
			csv:       "FirstName,LastName,Company,Email,Shoe_Size\nAda,Lovelace,ACME,ada@example.com,7\nBob,,ACME,bob@example.com,9\n",
			wantLines: []string{"3"},
			summary:   "agiliron add: 2 records imported: 1 succeeded, 1 failed, 0 not attempted; 0 input lines rejected before sending",
		},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			in := write(t, "in.csv", tt.csv)
			code, out, errOut := runCmd(t, "", "-vendor", tt.vendor, "-op", tt.op, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			if !strings.Contains(out, tt.summary) {
				t.Errorf("summary:\n%s\nwant it to contain:\n%s", out, tt.summary)
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
	if code != exitOK || !strings.Contains(out, "1 records imported: 1 succeeded, 0 failed") {
		t.Fatalf("re-run exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestJSONLinesWithMapping(t *testing.T) {
	in := write(t, "in.jsonl", `{"mail":"ada@example.com","given":"Ada","internal":"x"}`+"\n\n"+
		`{"mail":"bob@example.com","given":"Bob","age":41}`+"\n"+`not json`+"\n")
	m := write(t, "map.txt", "# column = field\nmail = email\ngiven = firstname\ninternal = -\n")
	code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-in", in, "-map", m, "-fake")
	if code != exitRejects {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "2 records imported: 2 succeeded, 0 failed, 0 not attempted; 1 input lines rejected") {
		t.Errorf("summary: %s", out)
	}
	rej, err := os.ReadFile(in + ".rejects.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rej), `"_crmbatch_line":4`) || strings.Count(string(rej), "\n") != 1 {
		t.Errorf("rejects: %s", rej)
	}
}

func TestDryRunSendsNothingAndSaysSo(t *testing.T) {
	in := write(t, "in.csv", "email,first_name\nada@example.com,Ada\nnot-an-email,Bob\n")
	code, out, _ := runCmd(t, "", "-vendor", "pardot", "-op", "create", "-in", in, "-dry-run")
	if code != exitRejects || !strings.Contains(out, "checked (dry run, nothing sent to the vendor): 1 succeeded, 1 failed") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-vendor", "salesforce"},
		{"-vendor", "pardot", "-op", "delete"},
		{"-vendor", "pardot", "-in", "/does/not/exist.csv"},
		{"-vendor", "pardot", "-format", "xlsx", "-in", "-"},
		{"-vendor", "pardot", "extra"},
	} {
		if code, _, errOut := runCmd(t, "email\n", args...); code != exitUsage || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
	// Without credentials and without -fake the command says which to set.
	in := write(t, "in.csv", "email\nada@example.com\n")
	for vendor, env := range map[string]string{"pardot": "PARDOT_", "hubspot": "HUBSPOT_TOKEN", "noojee": "NOOJEE_HOST", "propel": "PROPEL_CLIENT_ID", "agiliron": "AGILIRON_COMPANY"} {
		code, _, errOut := runCmd(t, "", "-vendor", vendor, "-in", in)
		if code != exitUsage || !strings.Contains(errOut, env) {
			t.Errorf("%s without credentials: exit %d, stderr %q", vendor, code, errOut)
		}
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
	if code != exitOK || !strings.Contains(out, "20000 records imported: 20000 succeeded, 0 failed, 0 not attempted") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
