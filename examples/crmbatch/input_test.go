package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// importRun is one run of the command with its report read back.
type importRun struct {
	code        int
	out, errOut string
	rep         runReport
}

// runWithReport runs the command with args and a -report file, and reads
// the report.
func runWithReport(t *testing.T, args ...string) importRun {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runCmd(t, "", append(args, "-report", path, "-force")...)
	r := importRun{code: code, out: out, errOut: errOut}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no report (exit %d): %v\nstdout: %s\nstderr: %s", code, err, out, errOut)
	}
	if err := json.Unmarshal(data, &r.rep); err != nil {
		t.Fatal(err)
	}
	return r
}

// wantCounts fails the test unless the run exited with code and counted c,
// and unless its counts add up to the records read.
func (r importRun) wantCounts(t *testing.T, code int, c counts) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.out, r.errOut)
	}
	if diff := cmp.Diff(c, r.rep.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s\nstdout: %s\nstderr: %s", diff, r.out, r.errOut)
	}
	got := r.rep.Counts
	if sum := got.Succeeded + got.SkippedEarlier + got.Failed + got.Unknown + got.NotAttempted + got.Invalid; sum != got.Read {
		t.Errorf("counts add up to %d, %d records read", sum, got.Read)
	}
}

// readJSONLines reads a JSON Lines file into one map per line.
func readJSONLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	for line := range strings.Lines(string(data)) {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("rejects line %q: %v", line, err)
		}
		objs = append(objs, obj)
	}
	return objs
}

// TestJSONLinesOneValuePerLine: a line holding more than one JSON value,
// or something after its object, or null, is one invalid record with its
// text kept, not a record read from its first value.
func TestJSONLinesOneValuePerLine(t *testing.T) {
	in := write(t, "in.jsonl", `{"email":"a@example.com"}`+"\n"+
		`{"email":"d@example.com"} {"email":"e@example.com"}`+"\n"+
		`{"email":"f@example.com"}garbage`+"\n"+
		"null\n"+
		`{"email":"g@example.com"}`+"\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 5, Succeeded: 2, Invalid: 3})
	var raws []string
	for _, obj := range readJSONLines(t, in+".rejects.jsonl") {
		raws = append(raws, fmt.Sprint(obj["_crmbatch_raw"]))
	}
	want := []string{`{"email":"d@example.com"} {"email":"e@example.com"}`, `{"email":"f@example.com"}garbage`, "null"}
	if diff := cmp.Diff(want, raws); diff != "" {
		t.Errorf("rejected lines (-want +got):\n%s", diff)
	}
}

// TestJSONLinesLineTooLong: a line over 16 MiB is one invalid record,
// the start of its text kept, and the lines after it are read.
func TestJSONLinesLineTooLong(t *testing.T) {
	long := `{"email":"b@example.com","firstname":"` + strings.Repeat("x", 17<<20) + `"}`
	in := write(t, "in.jsonl", `{"email":"a@example.com"}`+"\n"+long+"\n"+`{"email":"c@example.com"}`+"\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 3, Succeeded: 2, Invalid: 1})
	if !r.rep.ReadToEnd {
		t.Error("the report says the input was not read to its end")
	}
	rej := readJSONLines(t, in+".rejects.jsonl")
	if len(rej) != 1 {
		t.Fatalf("%d rejects, want 1", len(rej))
	}
	raw, _ := rej[0]["_crmbatch_raw"].(string)
	if msg := fmt.Sprint(rej[0]["_crmbatch_message"]); len(raw) != rawKept || !strings.HasPrefix(long, raw) || !strings.Contains(msg, "more than 16 MiB") || !strings.Contains(msg, "first 4 KiB") {
		t.Errorf("reject: line %v, message %q, raw of %d bytes", rej[0]["_crmbatch_line"], msg, len(raw))
	}
	if line := rej[0]["_crmbatch_line"]; line != 2.0 {
		t.Errorf("rejected line %v, want 2", line)
	}
}

// gzipped compresses text.
func gzipped(text string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	zw.Close()
	return b.Bytes()
}

// TestReadStoppedIsReported: an input that cannot be read to its end (a
// truncated gzip file, XML that stops being well-formed) is reported as
// not read to its end, with no record made up for the error; the journal
// is kept and -resume goes on from it.
func TestReadStoppedIsReported(t *testing.T) {
	var csvText, jsonlText strings.Builder
	csvText.WriteString("email,firstname\n")
	for i := range 8000 {
		fmt.Fprintf(&csvText, "user%d@example.com,Name%d\n", i, i)
		fmt.Fprintf(&jsonlText, `{"email":"user%d@example.com","firstname":"Name%d"}`+"\n", i, i)
	}
	truncated := func(text string) []byte {
		z := gzipped(text)
		return z[:len(z)*3/4]
	}
	xmlText := `<leads>
  <lead><field name="Name">Ada</field><field name="FirstPhone">0390001111</field><njExternalLeadId>A1</njExternalLeadId></lead>
  <lead><field name="Name">Bob</field><field name="FirstPhone">0390002222</field><njExternalLeadId>A2</njExternalLeadId></lead>
  <lead><field name="Name">Cy</field><field name="FirstPhone">0390003333</njExternalLeadId></lead>
  <lead><field name="Name">Dan</field><field name="FirstPhone">0390004444</field><njExternalLeadId>A4</njExternalLeadId></lead>
</leads>`
	tests := []struct {
		name, file, vendor string
		content            []byte
		wantCause          string
	}{
		{"truncated gzip CSV", "in.csv.gz", "hubspot", truncated(csvText.String()), "unexpected EOF"},
		{"truncated gzip JSON Lines", "in.jsonl.gz", "hubspot", truncated(jsonlText.String()), "unexpected EOF"},
		{"malformed XML", "in.xml", "noojee", []byte(xmlText), "not well-formed XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := write(t, tt.file, string(tt.content))
			journal := in + ".journal"
			args := []string{"-vendor", tt.vendor, "-in", in, "-fake", "-journal", journal}
			r := runWithReport(t, args...)
			c := r.rep.Counts
			if r.code != exitRejects || r.rep.ReadToEnd || c.Invalid != 0 || c.Read == 0 || c.Succeeded != c.Read {
				t.Errorf("exit %d, read to its end %v, counts %+v: want exit 1, not read to its end, every record read sent and none invalid\nstdout: %s\nstderr: %s",
					r.code, r.rep.ReadToEnd, c, r.out, r.errOut)
			}
			for name, text := range map[string]string{"stdout": r.out, "stderr": r.errOut, "report": r.rep.ReadError} {
				if !strings.Contains(text, tt.wantCause) || name != "report" && !strings.Contains(text, "not read to its end") {
					t.Errorf("%s does not say why the input was not read to its end:\n%s", name, text)
				}
			}
			if r.rep.Journal != journal {
				t.Fatalf("journal %q not kept (report: %q)", journal, r.rep.Journal)
			}
			again := runWithReport(t, append(args, "-resume")...)
			if c2 := again.rep.Counts; again.code != exitRejects || again.rep.ReadToEnd || c2.SkippedEarlier != c.Read || c2.Read != c.Read {
				t.Errorf("-resume: exit %d, read to its end %v, counts %+v; want every record of the first run skipped\nstdout: %s\nstderr: %s",
					again.code, again.rep.ReadToEnd, c2, again.out, again.errOut)
			}
		})
	}
}

// TestCSVRowThatDoesNotParse: a row that does not parse is rejected with
// its text as written (the _crmbatch_raw column), the rows after it are
// read, the rejects file imports again as it is (the unfixed row is
// rejected again, its text kept) and, fixed, goes in.
func TestCSVRowThatDoesNotParse(t *testing.T) {
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\nbob@example.com,Ada \"The\" Countess\ncy@example.com,Cy\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 3, Succeeded: 2, Invalid: 1})
	rej := readCSV(t, in+".rejects.csv")
	wantHead := []string{"_crmbatch_line", "_crmbatch_key", "_crmbatch_status", "_crmbatch_code", "_crmbatch_message", "email", "firstname", "_crmbatch_extra", "_crmbatch_raw"}
	if diff := cmp.Diff(wantHead, rej[0]); diff != "" || len(rej) != 2 {
		t.Fatalf("rejects header (-want +got):\n%s\nrejects: %q", diff, rej)
	}
	if got := rej[1]; got[0] != "3" || got[5] != "" || got[6] != "" || got[8] != `bob@example.com,Ada "The" Countess` {
		t.Errorf("reject %q: want line 3, its text in _crmbatch_raw", got)
	}

	// As it is: the row is rejected again, its text kept.
	rejects, err := os.ReadFile(in + ".rejects.csv")
	if err != nil {
		t.Fatal(err)
	}
	asIs := write(t, "again.csv", string(rejects))
	r = runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", asIs, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 1, Invalid: 1})
	if got := readCSV(t, asIs+".rejects.csv"); len(got) != 2 || got[1][8] != `bob@example.com,Ada "The" Countess` {
		t.Errorf("rejects of the rejects: %q", got)
	}

	// Fixed: the values filled in from the text.
	var fixed bytes.Buffer
	fmt.Fprintf(&fixed, "%s\n", strings.Join(wantHead, ","))
	fmt.Fprintf(&fixed, "3,,invalid input,input,x,bob@example.com,\"Ada \"\"The\"\" Countess\",,\n")
	r = runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", write(t, "fixed.csv", fixed.String()), "-fake")
	r.wantCounts(t, exitOK, counts{Read: 1, Succeeded: 1})
}

// TestCSVUnbalancedQuote: an unbalanced quote takes the lines after it
// into its field; the record is rejected with all those lines as written.
func TestCSVUnbalancedQuote(t *testing.T) {
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\nbob@example.com,\"Bob\ncy@example.com,Cy\ndan@example.com,Dan\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 2, Succeeded: 1, Invalid: 1})
	rej := readCSV(t, in+".rejects.csv")
	if len(rej) != 2 || rej[1][0] != "3" || rej[1][8] != "bob@example.com,\"Bob\ncy@example.com,Cy\ndan@example.com,Dan" {
		t.Errorf("rejects %q: want line 3 with the lines after it in _crmbatch_raw", rej)
	}
}

// TestCSVRecordTooLong: a CSV record over maxRecordBytes is rejected (the
// start of its text kept) and reading goes on at the next line.
func TestCSVRecordTooLong(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 64 << 10
	long := "bob@example.com," + strings.Repeat("x", 200<<10)
	quoted := "cy@example.com,\"" + strings.Repeat("y\n", 100<<10) + "\""
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\n"+long+"\n"+"dan@example.com,Dan\n"+quoted+"\neve@example.com,Eve\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	// The quoted record is skipped to the first newline after its closing
	// quote: the lines of its field are not read as records.
	rej := readCSV(t, in+".rejects.csv")
	if len(rej) < 3 || rej[1][0] != "3" || rej[1][8] != long[:rawKept] || !strings.Contains(rej[1][4], "more than 0 MiB") && !strings.Contains(rej[1][4], "not read") {
		t.Fatalf("first reject %q: want line 3, cut at %d bytes", rej[1][:5], rawKept)
	}
	if rej[2][0] != "5" || rej[2][8] != quoted[:rawKept] {
		t.Errorf("second reject: line %s, raw of %d bytes: want line 5, cut at %d bytes", rej[2][0], len(rej[2][8]), rawKept)
	}
	c := r.rep.Counts
	if len(rej) != 3 || c.Read != 5 || c.Succeeded != 3 || c.Invalid != 2 || !r.rep.ReadToEnd {
		t.Errorf("counts %+v, %d rejects, read to its end %v: want ada, dan and eve in, the two long records invalid", c, len(rej)-1, r.rep.ReadToEnd)
	}
}

// TestCSVLongQuotedFieldIsNotReadAsRecords: a record too long to read
// whose quoted field holds lines that look like records is skipped whole;
// none of those lines is imported.
func TestCSVLongQuotedFieldIsNotReadAsRecords(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 64
	quoted := "bob@example.com,\"" + strings.Repeat("n", 100) + "\nevil@example.com,Eve\nmore\""
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\n"+quoted+"\ncy@example.com,Cy\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
	c := r.rep.Counts
	if c.Read != 3 || c.Succeeded != 2 || c.Invalid != 1 || !r.rep.ReadToEnd {
		t.Errorf("counts %+v, read to its end %v: want ada and cy in, bob's record invalid, no other record", c, r.rep.ReadToEnd)
	}
}

// TestNonUTF8RefusedLate: text that is not UTF-8 far into a file (past
// what is looked at before reading) is an invalid record, not sent.
func TestNonUTF8RefusedLate(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			line := func(email, name string) {
				if format == "csv" {
					fmt.Fprintf(&b, "%s,%s\n", email, name)
				} else {
					fmt.Fprintf(&b, `{"email":"%s","firstname":"%s"}`+"\n", email, name)
				}
			}
			if format == "csv" {
				b.WriteString("email,firstname\n")
			}
			n := 0
			for ; b.Len() < sampleSize+1000; n++ {
				line(fmt.Sprintf("user%d@example.com", n), "Name")
			}
			line("late@example.com", "Ren\xe9e")
			r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", write(t, "in."+format, b.String()), "-fake")
			r.wantCounts(t, exitRejects, counts{Read: n + 1, Succeeded: n, Invalid: 1})
		})
	}
}

// TestJSONLinesKeysCheckedPerRecord: each JSON line's keys are checked on
// their own: a record lacking a required key, or with a key the vendor
// refuses, is one invalid record (even the first), and a rejects file
// whose first line is an unreadable record imports again as it is.
func TestJSONLinesKeysCheckedPerRecord(t *testing.T) {
	in := write(t, "in.jsonl", `{"firstname":"Nobody"}`+"\n"+
		`{"email":"a@example.com"}`+"\n"+
		`{"email":"b@example.com","shoe_size":"7"}`+"\n"+
		`{"email":"c@example.com"}`+"\n"+
		`not json`+"\n")
	r := runWithReport(t, "-vendor", "hubspot", "-op", "upsert", "-in", in, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 5, Succeeded: 2, Invalid: 3})
	rej := readJSONLines(t, in+".rejects.jsonl")
	var msgs []string
	for _, obj := range rej {
		msgs = append(msgs, fmt.Sprint(obj["_crmbatch_line"], ": ", obj["_crmbatch_message"]))
	}
	for i, want := range []string{`1: the record's keys do not fit hubspot upsert: hubspot upsert needs a column "email"`, `3: the record's keys do not fit hubspot upsert: column "shoe_size" is not a field hubspot knows`, "5: not a JSON object"} {
		if i >= len(msgs) || !strings.HasPrefix(msgs[i], want) {
			t.Errorf("reject %d: %q, want it to start %q", i, msgs, want)
		}
	}

	// The rejects file, its first line an unreadable record, as it is.
	var b strings.Builder
	for _, obj := range []map[string]any{rej[2], rej[0], rej[1]} {
		line, _ := json.Marshal(obj)
		b.Write(append(line, '\n'))
	}
	b.WriteString(`{"_crmbatch_line":9,"_crmbatch_status":"invalid input"}` + "\n") // no record: nothing to import
	again := write(t, "again.jsonl", b.String())
	r = runWithReport(t, "-vendor", "hubspot", "-op", "upsert", "-in", again, "-fake")
	r.wantCounts(t, exitRejects, counts{Read: 3, Invalid: 3})
	rej = readJSONLines(t, again+".rejects.jsonl")
	if len(rej) != 3 || rej[0]["_crmbatch_raw"] != "not json" {
		t.Errorf("rejects of the rejects: %v", rej)
	}
}

// TestResumeRefusesAnotherTarget: a journal says where its run sent; a
// resume that would send elsewhere is refused before anything is sent.
func TestResumeRefusesAnotherTarget(t *testing.T) {
	in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\n")
	journalOf := func(args ...string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "j")
		o, err := parseFlags(append([]string{"-vendor", "hubspot", "-op", "create", "-in", in, "-journal", path}, args...), &bytes.Buffer{}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := prepare(o, strings.NewReader(""), &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		p.in.close()
		if err := p.journal.close(false); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name              string
		first, resumed    []string
		want              int
		wantErr, notInErr string
	}{
		{"real run resumed with -fake", nil, []string{"-fake"}, exitUsage, "the journal's run sent to the vendor's API (no -fake, no -base-url), this one would send to the built-in fake (-fake)", ""},
		{"sandbox resumed against the vendor", []string{"-base-url", "https://user:secret@sandbox.example/api?key=k1"}, []string{"-fake"}, exitUsage, "sent to -base-url https://sandbox.example/api, this one", "secret"},
		{"-fake resumed with -fake", []string{"-fake"}, []string{"-fake"}, exitOK, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			journal := journalOf(tt.first...)
			data, _ := os.ReadFile(journal)
			if strings.Contains(string(data), "secret") || strings.Contains(string(data), "k1") {
				t.Errorf("the journal holds the base URL's secrets: %s", data)
			}
			code, out, errOut := runCmd(t, "", append([]string{"-vendor", "hubspot", "-op", "create", "-in", in, "-journal", journal, "-resume"}, tt.resumed...)...)
			if code != tt.want || !strings.Contains(errOut, tt.wantErr) || tt.notInErr != "" && strings.Contains(errOut, tt.notInErr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stderr to contain %q", code, tt.want, out, errOut, tt.wantErr)
			}
		})
	}
}

// readAll drains a reader (for the line reader's test).
func readAll(t *testing.T, text string) (lines []string, long []bool) {
	t.Helper()
	lr := lineReader{src: bufio.NewReaderSize(strings.NewReader(text), 16)}
	for {
		line, tooLong, err := lr.next()
		if err != nil {
			return lines, long
		}
		lines, long = append(lines, string(line)), append(long, tooLong)
	}
}

// TestLineReader: lines longer than the reader's buffer are read whole,
// longer than maxRecordBytes cut at rawKept, and the last line may lack
// its newline.
func TestLineReader(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = rawKept + 100
	huge := strings.Repeat("h", rawKept+200)
	lines, long := readAll(t, "short\n"+strings.Repeat("m", 40)+"\n"+huge+"\nlast")
	want := []string{"short\n", strings.Repeat("m", 40) + "\n", huge[:rawKept], "last"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{false, false, true, false}, long); diff != "" {
		t.Errorf("too long (-want +got):\n%s", diff)
	}
}

// TestCSVLongRowWithAStrayQuote: a record too long to read whose stray
// quote (a bare one, inside an unquoted field) opens nothing, as in
// encoding/csv: the record ends at its line's end, and the rows after it,
// one with a quoted field over two lines, are read as they are, with none
// of their lines read as a record of its own. The same holds when the
// stray quote comes before the size limit.
func TestCSVLongRowWithAStrayQuote(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 64
	for name, long := range map[string]string{
		"quote after the limit":  "bob@example.com,Bob " + strings.Repeat("n", 100) + ` 12" pipe`,
		"quote before the limit": `bob@example.com,Bob 12" pipe ` + strings.Repeat("n", 100),
	} {
		t.Run(name, func(t *testing.T) {
			in := write(t, "in.csv", "email,firstname\nada@example.com,Ada\n"+long+"\ncy@example.com,Cy\n"+
				"dan@example.com,\"Dan\nevil@example.com,Eve\nx\"\neve@example.com,Eve\n")
			r := runWithReport(t, "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
			c := r.rep.Counts
			if c.Read != 5 || c.Succeeded != 4 || c.Invalid != 1 || !r.rep.ReadToEnd {
				t.Errorf("counts %+v, read to its end %v: want ada, cy, dan and eve in, bob's row invalid, no other", c, r.rep.ReadToEnd)
			}
		})
	}
}
