package noojee

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
)

// importSummary is the documented answer to a call carrying an array of
// leads: one {"code":0} whose message counts the leads and lists the
// rejected ones as CSV rows (Noojee's insertLead page, pageId=22186919):
//
//	Imported 1 Updated 0 Rejected 1 leads.
//
//	Errors (If any):
//	 Name,StreetAddress,…,FirstPhone,Error Reason,
//	Jane Smith,Suite 8/10 Hoddle St,…,0383218199,DNC,
type importSummary struct {
	line                        string // the "Imported … leads." line
	imported, updated, rejected int
	// columns are the CSV header without its Error Reason column: the lead
	// fields each rejected row echoes.
	columns []string
	// rows are the rejected rows, in the answer's order.
	rows []rejectedRow
}

// rejectedRow is one CSV row of the "Errors (If any):" section. A row
// whose field count differs from the header's cannot be read safely (a
// value may hold an unquoted comma and shift every column) and has no
// values: it is a rejection that names no lead.
type rejectedRow struct {
	values []string // by column; nil when the row could not be read
	reason string
}

// summaryLine matches the counts line of an import summary.
var summaryLine = regexp.MustCompile(`(?i)^\s*Imported\s+(\d{1,9})\s+Updated\s+(\d{1,9})\s+Rejected\s+(\d{1,9})\s+leads?\b\.?`)

// errorsMarker opens the rejected rows.
const errorsMarker = "errors (if any):"

// errorReasonColumn is the header's last column.
const errorReasonColumn = "Error Reason"

// maxSummaryRows bounds the rows read from one answer: no call carries
// more than MaxBatchSize leads.
const maxSummaryRows = MaxBatchSize

// maxSummaryColumns bounds the header's columns. A lead has a few dozen
// fields; a longer header is not a summary Noojee writes, and placing rows
// by it would cost memory in proportion to columns × leads.
const maxSummaryColumns = 512

// parseImportSummary reads an import summary from a reply's message. ok is
// false when the message is not one (it does not start with the counts
// line). A summary whose rows cannot be read is an error wrapping
// batch.ErrMalformedResponse; the caller then knows the counts but not which
// leads were rejected.
func parseImportSummary(msg string) (sum importSummary, ok bool, err error) {
	// The counts line comes first: a message that does not start with
	// "Imported" (a one-lead call's "OK") is no summary, and needs no regexp.
	if head := strings.TrimLeft(msg, "\t\n\f\r "); len(head) < len("Imported") || !strings.EqualFold(head[:len("Imported")], "Imported") {
		return importSummary{}, false, nil
	}
	m := summaryLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return importSummary{}, false, nil
	}
	sum.line = strings.TrimSpace(msg[m[0]:m[1]])
	counts := [3]*int{&sum.imported, &sum.updated, &sum.rejected}
	for i, dst := range counts {
		n, err := strconv.Atoi(msg[m[2+2*i]:m[3+2*i]])
		if err != nil { // cannot happen: at most nine digits
			return sum, true, fmt.Errorf("%w: import summary count: %v", batch.ErrMalformedResponse, err)
		}
		*dst = n
	}
	rest := msg[m[1]:]
	i := strings.Index(strings.ToLower(rest), errorsMarker)
	if i < 0 {
		if strings.TrimSpace(rest) != "" {
			return sum, true, fmt.Errorf("%w: import summary: unexpected text after the counts", batch.ErrMalformedResponse)
		}
		return sum, true, nil
	}
	if err := sum.readRows(rest[i+len(errorsMarker):]); err != nil {
		return sum, true, fmt.Errorf("%w: import summary: %v", batch.ErrMalformedResponse, err)
	}
	return sum, true, nil
}

// readRows reads the CSV section: a header ending with Error Reason, then
// one row per rejected lead. Each line may end with a trailing comma, as in
// the documented sample.
func (sum *importSummary) readRows(section string) error {
	r := csv.NewReader(strings.NewReader(section))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	r.ReuseRecord = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil // a marker with nothing after it: no rows
	}
	if err != nil {
		return fmt.Errorf("header: %v", err)
	}
	header = dropTrailingEmpty(header)
	if len(header) > maxSummaryColumns+1 {
		return fmt.Errorf("the header has %d columns, more than %d", len(header), maxSummaryColumns+1)
	}
	if len(header) == 0 || !strings.EqualFold(strings.TrimSpace(header[len(header)-1]), errorReasonColumn) {
		return fmt.Errorf("the header does not end with %q", errorReasonColumn)
	}
	sum.columns = make([]string, len(header)-1)
	for i, h := range header[:len(header)-1] {
		sum.columns[i] = strings.TrimSpace(h)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("row %d: %v", len(sum.rows)+1, err)
		}
		if len(sum.rows) == maxSummaryRows {
			return fmt.Errorf("more than %d rejected rows", maxSummaryRows)
		}
		rec = dropTrailingEmpty(rec)
		if len(rec) != len(header) {
			sum.rows = append(sum.rows, rejectedRow{})
			continue
		}
		sum.rows = append(sum.rows, rejectedRow{values: rec[:len(rec)-1], reason: strings.TrimSpace(rec[len(rec)-1])})
	}
}

// dropTrailingEmpty removes the one empty field a trailing comma leaves.
func dropTrailingEmpty(rec []string) []string {
	if n := len(rec); n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		return rec[:n-1]
	}
	return rec
}
