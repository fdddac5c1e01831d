package noojee

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// summaryResults turns an import summary into one result per lead of the
// chunk. Each rejected row is placed back on its lead by the fields it
// echoes: njExternalLeadId when the row carries one, narrowed (or, without
// it, found) by the phone fields. A placed lead fails with the row's
// reason. The other leads succeeded only when everything adds up: the
// counts cover every lead sent, and every rejected row was placed.
// Otherwise no one can say which of them went in, and each fails matching
// batch.ErrOutcomeUnknown (never sent again, never reported succeeded).
func (cp *Campaign) summaryResults(op string, resp *httpx.Response, sum importSummary, chunk []*job) []batch.Result[Result] {
	rowOf := cp.placeRows(sum, chunk)
	placed := 0
	for _, r := range rowOf {
		if r >= 0 {
			placed++
		}
	}
	var doubt string
	switch sent := len(chunk); {
	case sum.imported+sum.updated+sum.rejected != sent:
		doubt = fmt.Sprintf("the import summary counts %d imported, %d updated and %d rejected for %d leads sent", sum.imported, sum.updated, sum.rejected, sent)
	case len(sum.rows) != sum.rejected:
		doubt = fmt.Sprintf("the import summary counts %d rejected but lists %d rows", sum.rejected, len(sum.rows))
	case placed != len(sum.rows):
		doubt = fmt.Sprintf("%d of %d rejected rows name no single lead of the call", len(sum.rows)-placed, len(sum.rows))
	}
	out := make([]batch.Result[Result], len(chunk))
	reasons := reasonCache{}
	for i := range chunk {
		switch {
		case rowOf[i] >= 0:
			out[i].Err = cp.rejection(op, resp, reasons.read(cp, sum.rows[rowOf[i]].reason), chunk[i:i+1])
		case doubt != "":
			out[i].Err = malformedError(op, resp.StatusCode, doubt, true)
		default:
			out[i].Value = Result{Message: sum.line}
		}
	}
	return out
}

// reason is an Error Reason read: the code it names (0 when it names
// none) and the text scrubbed of the client's secrets.
type reason struct {
	code Code
	text string
}

// reasonCache reads each distinct Error Reason of one answer once: a
// summary rejecting many leads repeats a few reasons (DNC, DUPLICATE …),
// and scrubbing is the costly part.
type reasonCache map[string]reason

// read returns the reason read from the row's text.
func (rc reasonCache) read(cp *Campaign, text string) reason {
	if r, ok := rc[text]; ok {
		return r
	}
	code, ok := codeByName(text)
	if !ok {
		code = 0
	}
	r := reason{code: code, text: cp.c.secrets.Redact(text)}
	rc[text] = r
	return r
}

// rejection is the error of a lead named in a rejected row. The reason is
// read as a code name when it is one (e.g. "DNC"), so the lead's error
// carries that code and its class; otherwise it has no code (class
// Rejected) and the reason is the message. Either way InBulkSummary is set.
// A reason that says the server was busy (109) leaves the lead to be sent
// again, as the row says it was not inserted.
func (cp *Campaign) rejection(op string, resp *httpx.Response, r reason, lead []*job) error {
	e := cp.responseError(op, resp, r.code, r.text, lead)
	e.InBulkSummary = true
	return e
}

// placeRows returns, for each lead of the chunk, the index of the
// rejected row placed on it, or -1. A row is placed when exactly one lead
// not yet placed matches it (see leadIndex.find); otherwise it stays
// unplaced.
func (cp *Campaign) placeRows(sum importSummary, chunk []*job) []int {
	rowOf := make([]int, len(chunk))
	for i := range rowOf {
		rowOf[i] = -1
	}
	if len(sum.rows) == 0 {
		return rowOf
	}
	idx := cp.newLeadIndex(sum.columns, chunk)
	for ri, row := range sum.rows {
		if row.values == nil {
			continue
		}
		if li, ok := idx.find(row.values, rowOf); ok {
			rowOf[li] = ri
		}
	}
	return rowOf
}

// leadIndex finds the leads of a chunk by the fields a rejected row
// echoes: njExternalLeadId, and the phone columns by their digits.
type leadIndex struct {
	extCol    int      // the njExternalLeadId column, or -1
	phoneCols []int    // the phone columns
	phones    []string // lead li's digits in phone column k at li*len(phoneCols)+k
	want      []string // find's digits of the row it reads
	byExt     map[string][]int
	byPhone   map[phoneKey][]int
}

// phoneKey is a phone number's digits in one phone column.
type phoneKey struct {
	col    int // position in leadIndex.phoneCols
	digits string
}

// newLeadIndex indexes the chunk's leads by the summary's columns.
func (cp *Campaign) newLeadIndex(columns []string, chunk []*job) *leadIndex {
	x := &leadIndex{extCol: -1, byExt: make(map[string][]int, len(chunk)), byPhone: map[phoneKey][]int{}}
	for i, name := range columns {
		switch {
		case strings.EqualFold(name, FieldExternalID):
			x.extCol = i
		case cp.isPhoneColumn(name):
			x.phoneCols = append(x.phoneCols, i)
		}
	}
	x.phones = make([]string, len(chunk)*len(x.phoneCols))
	x.want = make([]string, len(x.phoneCols))
	for li, j := range chunk {
		if ext := strings.TrimSpace(externalID(&j.lead)); ext != "" {
			x.byExt[ext] = append(x.byExt[ext], li)
		}
		for k, c := range x.phoneCols {
			d := phoneDigits(fieldValue(&j.lead, columns[c]))
			x.phones[li*len(x.phoneCols)+k] = d
			if d != "" {
				key := phoneKey{k, d}
				x.byPhone[key] = append(x.byPhone[key], li)
			}
		}
	}
	return x
}

// find returns the one lead, not yet placed, that a row echoes: by its
// njExternalLeadId when the row has one (narrowed by the phones when two
// leads share it), else by every phone the row has, compared by digits so
// that a server that reformats numbers still matches. A row with neither,
// or that fits no lead or several, names no lead. Calls must not overlap
// (the row's digits are kept in x.want).
func (x *leadIndex) find(values []string, rowOf []int) (int, bool) {
	want := x.want
	first := -1 // the first phone column the row fills
	for k, c := range x.phoneCols {
		want[k] = phoneDigits(values[c])
		if want[k] != "" && first < 0 {
			first = k
		}
	}
	var candidates []int
	ext := ""
	if x.extCol >= 0 {
		ext = strings.TrimSpace(values[x.extCol])
	}
	switch {
	case ext != "":
		candidates = x.byExt[ext]
	case first >= 0:
		candidates = x.byPhone[phoneKey{first, want[first]}]
	default:
		return -1, false
	}
	found, count := -1, 0
	for _, li := range candidates {
		if rowOf[li] >= 0 {
			continue
		}
		if (ext == "" || len(candidates) > 1) && !x.phonesMatch(li, want, first) {
			continue
		}
		found, count = li, count+1
	}
	return found, count == 1
}

// phonesMatch reports whether the row has at least one phone and every
// phone it has is lead li's.
func (x *leadIndex) phonesMatch(li int, want []string, first int) bool {
	if first < 0 {
		return false
	}
	for k, d := range want {
		if d != "" && x.phones[li*len(x.phoneCols)+k] != d {
			return false
		}
	}
	return true
}

// isPhoneColumn reports whether a column holds a phone number: one of
// Target.PhoneFields when they are declared, else a column whose name
// contains "phone" (FirstPhone, MobilePhone …).
func (cp *Campaign) isPhoneColumn(name string) bool {
	if len(cp.target.PhoneFields) > 0 {
		return slices.ContainsFunc(cp.target.PhoneFields, func(f string) bool { return strings.EqualFold(f, name) })
	}
	return strings.Contains(strings.ToLower(name), "phone")
}

// fieldValue returns a lead's template field, matching the name in any case.
func fieldValue(l *Lead, name string) string {
	if v, ok := l.Fields[name]; ok {
		return v
	}
	for k, v := range l.Fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// phoneDigits keeps the digits of a phone number: p itself when it is
// only digits, else one new string.
func phoneDigits(p string) string {
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			n++
		}
	}
	if n == len(p) {
		return p
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			b.WriteByte(p[i])
		}
	}
	return b.String()
}
