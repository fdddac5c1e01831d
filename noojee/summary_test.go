package noojee

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// The documented sample (insertLead page, pageId=22186919): one lead
// imported, none rejected, an empty CSV section after the header.
const docSample = "Imported 1 Updated 0 Rejected 0 leads.\n\nErrors (If any):\n Name,StreetAddress,City,State,PostCode,FirstPhone,Error Reason,\n"

func TestParseImportSummary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		msg     string
		ok      bool
		wantErr bool
		want    importSummary
	}{
		{"documented sample", docSample, true, false, importSummary{
			line: "Imported 1 Updated 0 Rejected 0 leads.", imported: 1,
			columns: []string{"Name", "StreetAddress", "City", "State", "PostCode", "FirstPhone"},
		}},
		{"rows, quoted comma, trailing commas", "Imported 1 Updated 1 Rejected 2 leads.\n\nErrors (If any):\n Name,FirstPhone,njExternalLeadId,Error Reason,\n" +
			"\"Smith, Jane\",0383218199,CRM-1,DNC,\nBob,0400 000 001,CRM-2,Duplicate phone number,\n", true, false, importSummary{
			line: "Imported 1 Updated 1 Rejected 2 leads.", imported: 1, updated: 1, rejected: 2,
			columns: []string{"Name", "FirstPhone", "njExternalLeadId"},
			rows: []rejectedRow{
				{values: []string{"Smith, Jane", "0383218199", "CRM-1"}, reason: "DNC"},
				{values: []string{"Bob", "0400 000 001", "CRM-2"}, reason: "Duplicate phone number"},
			},
		}},
		{"a row that shifted its columns is unreadable", "Imported 0 Updated 0 Rejected 1 leads.\nErrors (If any):\nName,FirstPhone,Error Reason,\nSmith, Jane,0383218199,DNC,\n", true, false, importSummary{
			line: "Imported 0 Updated 0 Rejected 1 leads.", rejected: 1,
			columns: []string{"Name", "FirstPhone"}, rows: []rejectedRow{{}},
		}},
		{"counts only", "Imported 3 Updated 0 Rejected 0 leads.", true, false, importSummary{line: "Imported 3 Updated 0 Rejected 0 leads.", imported: 3}},
		{"case and spacing", "  imported 2  updated 0 rejected 0 lead", true, false, importSummary{line: "imported 2  updated 0 rejected 0 lead", imported: 2}},
		{"plain OK", "OK", false, false, importSummary{}},
		{"empty", "", false, false, importSummary{}},
		{"header without Error Reason", "Imported 1 Updated 0 Rejected 0 leads.\nErrors (If any):\nName,FirstPhone,\n", true, true, importSummary{}},
		{"a header longer than any lead", "Imported 0 Updated 0 Rejected 1 leads.\nErrors (If any):\n" + strings.Repeat("phone,", maxSummaryColumns+1) + "Error Reason,\n", true, true, importSummary{}},
		{"text after the counts", "Imported 1 Updated 0 Rejected 0 leads. but also something", true, true, importSummary{}},
		{"bare quote", "Imported 0 Updated 0 Rejected 1 leads.\nErrors (If any):\nName,Error Reason,\n\"a\"b\"\nc,\n", true, false, importSummary{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := parseImportSummary(tc.msg)
			if ok != tc.ok || (err != nil) != tc.wantErr {
				t.Fatalf("ok %v err %v; want ok %v, error %v", ok, err, tc.ok, tc.wantErr)
			}
			if err != nil {
				if !errors.Is(err, batch.ErrMalformedResponse) {
					t.Errorf("error %v does not wrap batch.ErrMalformedResponse", err)
				}
				return
			}
			if tc.name == "bare quote" {
				return // LazyQuotes reads it somehow; only no panic and no error matter
			}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(importSummary{}, rejectedRow{})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// FuzzParseImportSummary: any message parses without a panic; a readable
// row always has one value per column.
func FuzzParseImportSummary(f *testing.F) {
	f.Add(docSample)
	f.Add("Imported 1 Updated 0 Rejected 1 leads.\n\nErrors (If any):\n Name,FirstPhone,Error Reason,\n\"Smith, Jane\",0383218199,DNC,\n")
	f.Add("Imported 999999999 Updated 0 Rejected 0 leads.\nErrors (If any):\n\"")
	f.Add("OK")
	f.Fuzz(func(t *testing.T, msg string) {
		sum, ok, err := parseImportSummary(msg)
		if !ok || err != nil {
			return
		}
		if sum.imported < 0 || sum.updated < 0 || sum.rejected < 0 || len(sum.rows) > maxSummaryRows {
			t.Fatalf("bad summary %+v", sum)
		}
		for _, r := range sum.rows {
			if r.values != nil && len(r.values) != len(sum.columns) {
				t.Fatalf("row %q for columns %q", r.values, sum.columns)
			}
		}
	})
}

// answerBulk runs answer on a code-0 bulk reply carrying msg for chunk.
func answerBulk(t *testing.T, cp *Campaign, msg string, chunk []*job) ([]error, error) {
	t.Helper()
	body := `{"code":0,"message":` + quoteJSON(msg) + `}`
	res, err := cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(body)}, chunk)
	if err != nil {
		return nil, err
	}
	if len(res) != len(chunk) {
		t.Fatalf("%d results for %d leads", len(res), len(chunk))
	}
	errs := make([]error, len(res))
	for i, r := range res {
		errs[i] = r.Err
	}
	return errs, nil
}

func quoteJSON(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// leadJob is a lead of a bulk chunk.
func leadJob(ext, phone string) *job {
	return &job{lead: Lead{ExternalID: ext, Fields: map[string]string{"Name": "n", "FirstPhone": phone}}}
}

// Each rejected row lands on its lead; when a row cannot be placed or the
// counts do not add up, no unplaced lead is reported succeeded: each fails
// matching batch.ErrOutcomeUnknown.
func TestSummaryPlacesRejections(t *testing.T) {
	t.Parallel()
	c, _ := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	cp := c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
	const head = "\n\nErrors (If any):\n Name,FirstPhone,njExternalLeadId,Error Reason,\n"
	type want int
	const (
		ok want = iota
		rejected
		unknown
	)
	cases := []struct {
		name  string
		chunk []*job
		msg   string
		want  []want
		code  Code // of the rejected leads
	}{
		{"by external id", []*job{leadJob("a", "01"), leadJob("b", "02"), leadJob("c", "03")},
			"Imported 2 Updated 0 Rejected 1 leads." + head + "n,02,b,DNC,\n", []want{ok, rejected, ok}, CodeDNC},
		{"by phone digits, no external ids", []*job{leadJob("", "03 9000 0001"), leadJob("", "03 9000 0002")},
			"Imported 1 Updated 0 Rejected 1 leads.\nErrors (If any):\nName,FirstPhone,Error Reason,\nn,0390000002,Duplicate phone,\n", []want{ok, rejected}, 0},
		{"shared external id narrowed by phone", []*job{leadJob("a", "01"), leadJob("a", "02")},
			"Imported 1 Updated 0 Rejected 1 leads." + head + "n,02,a,DUPLICATE_EXTERNAL_ID,\n", []want{ok, rejected}, CodeDuplicateExternalID},
		{"a row naming no lead", []*job{leadJob("a", "01"), leadJob("b", "02"), leadJob("c", "03")},
			"Imported 2 Updated 0 Rejected 1 leads." + head + "n,09,z,DNC,\n", []want{unknown, unknown, unknown}, 0},
		{"a row naming two leads", []*job{leadJob("", "01"), leadJob("", "01"), leadJob("", "03")},
			"Imported 2 Updated 0 Rejected 1 leads.\nErrors (If any):\nName,FirstPhone,Error Reason,\nn,01,DUPLICATE,\n", []want{unknown, unknown, unknown}, 0},
		{"an unreadable row beside a placed one", []*job{leadJob("a", "01"), leadJob("b", "02"), leadJob("c", "03")},
			"Imported 1 Updated 0 Rejected 2 leads." + head + "n,01,a,DNC,\nx,y,02,b,DNC,\n", []want{rejected, unknown, unknown}, CodeDNC},
		{"counts short of the leads sent", []*job{leadJob("a", "01"), leadJob("b", "02"), leadJob("c", "03")},
			"Imported 1 Updated 0 Rejected 1 leads." + head + "n,03,c,DNC,\n", []want{unknown, unknown, rejected}, CodeDNC},
		{"rejected count without rows", []*job{leadJob("a", "01"), leadJob("b", "02")},
			"Imported 1 Updated 0 Rejected 1 leads.", []want{unknown, unknown}, 0},
		{"updated counts as in", []*job{leadJob("a", "01"), leadJob("b", "02")},
			"Imported 1 Updated 1 Rejected 0 leads." + head, []want{ok, ok}, 0},
		{"a reason of OK is still a rejection", []*job{leadJob("a", "01"), leadJob("b", "02")},
			"Imported 1 Updated 0 Rejected 1 leads." + head + "n,01,a,OK,\n", []want{rejected, ok}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs, err := answerBulk(t, cp, tc.msg, tc.chunk)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range errs {
				var ne *Error
				switch tc.want[i] {
				case ok:
					if e != nil {
						t.Errorf("lead %d: %v, want success", i, e)
					}
				case rejected:
					if errors.Is(e, batch.ErrOutcomeUnknown) || !errors.As(e, &ne) || !ne.InBulkSummary || ne.Code != tc.code || ne.Retryable() {
						t.Errorf("lead %d: %v, want rejected with %v", i, e, tc.code)
					}
				case unknown:
					if !errors.Is(e, batch.ErrOutcomeUnknown) || errors.As(e, &ne) && ne.InBulkSummary {
						t.Errorf("lead %d: %v, want outcome unknown", i, e)
					}
				}
			}
		})
	}

	// A bare code 0 for several leads says nothing of each: unknown.
	_, err := answerBulk(t, cp, "OK", []*job{leadJob("a", "01"), leadJob("b", "02")})
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("bare OK for two leads: %v, want batch.ErrOutcomeUnknown", err)
	}
	// An unreadable error section: unknown for the whole call.
	_, err = answerBulk(t, cp, "Imported 1 Updated 0 Rejected 1 leads.\nErrors (If any):\nName,FirstPhone,\n", []*job{leadJob("a", "01"), leadJob("b", "02")})
	if !errors.Is(err, batch.ErrOutcomeUnknown) || !errors.Is(err, batch.ErrMalformedResponse) {
		t.Errorf("unreadable section: %v, want batch.ErrOutcomeUnknown", err)
	}
	// One lead answered a bare OK stays a success (insertLeadFast's form).
	if errs, err := answerBulk(t, cp, "OK", []*job{leadJob("a", "01")}); err != nil || errs[0] != nil {
		t.Errorf("bare OK for one lead: %v %v", err, errs)
	}
}
