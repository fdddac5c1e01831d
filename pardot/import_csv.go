package pardot

import (
	"slices"
	"strconv"
	"strings"
)

// importLayout is the column set of one import: every batch file of an
// import carries the same header, so a record that needs another match
// column or a custom field the header lacks starts a new import.
type importLayout struct {
	match  string   // matchId, matchSalesforceId or matchEmail
	custom []string // custom field names, sorted
}

// layoutOf is the layout a record needs for op.
func layoutOf(version int, o operation, p *Prospect) importLayout {
	l := importLayout{match: matchEmail}
	if o != opCreate {
		switch {
		case p.ID != 0:
			l.match = matchID
		case version == 4 && p.FID != "":
			l.match = matchSalesforceID
		}
	}
	for name := range p.Fields {
		l.custom = append(l.custom, name)
	}
	slices.Sort(l.custom)
	return l
}

// holds reports whether rows of layout other fit under l's header.
func (l *importLayout) holds(other importLayout) bool {
	if l.match != other.match {
		return false
	}
	for _, name := range other.custom {
		if _, ok := slices.BinarySearch(l.custom, name); !ok {
			return false
		}
	}
	return true
}

// columns are the header's names in order.
func (l *importLayout) columns() []string {
	cols := make([]string, 0, 1+len(importFields)+len(l.custom))
	cols = append(cols, l.match)
	for _, f := range importFields {
		cols = append(cols, f.name)
	}
	return append(cols, l.custom...)
}

// header is the CSV header row, with its line break.
func (l *importLayout) header() []byte {
	var b []byte
	for i, c := range l.columns() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVCell(b, c)
	}
	return append(b, '\r', '\n')
}

// appendRow appends p's CSV row under l's header. Create rows leave the
// match column empty, which is how the Import API is told to create.
func (l *importLayout) appendRow(dst []byte, o operation, p *Prospect) []byte {
	if o != opCreate {
		switch l.match {
		case matchID:
			dst = strconv.AppendInt(dst, p.ID, 10)
		case matchSalesforceID:
			dst = appendCSVCell(dst, p.FID)
		default:
			dst = appendCSVCell(dst, p.Email)
		}
	}
	for _, f := range importFields {
		dst = append(dst, ',')
		dst = appendCSVCell(dst, f.value(p))
	}
	for _, name := range l.custom {
		dst = append(dst, ',')
		dst = appendCSVCell(dst, p.Fields[name])
	}
	return append(dst, '\r', '\n')
}

// errorRowKey is the key by which an errors-file row names its input
// record: the match value (a lowercased email for matchEmail), else the
// lowercased email, as recordKey gives it. cols are the errors file's
// header.
type errorRowKey struct {
	match, email, message int // column positions; -1 when absent
	matchCol              string
}

// newErrorRowKey finds the columns of the errors file's header.
func newErrorRowKey(header []string, matchCol string) errorRowKey {
	k := errorRowKey{match: -1, email: -1, message: -1, matchCol: matchCol}
	for i, h := range header {
		switch name := strings.TrimSpace(h); {
		case strings.EqualFold(name, matchCol):
			k.match = i
		case strings.EqualFold(name, "email"):
			k.email = i
		case isErrorColumn(name):
			k.message = i
		}
	}
	return k
}

// isErrorColumn reports a column that holds a row's error text. The
// errors file's layout is not documented beyond "CSV data with error info
// for any rows that failed"; the names below cover the spellings of
// Pardot's import error files.
func isErrorColumn(name string) bool {
	switch strings.ToLower(name) {
	case "error", "errors", "error message", "error_message", "errormessage", "message":
		return true
	}
	return false
}

// key returns the row's record key and its message.
func (k errorRowKey) key(row []string) (key, msg string) {
	cell := func(i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	key = cell(k.match)
	if key == "" || k.matchCol == matchEmail {
		if key == "" {
			key = cell(k.email)
		}
		key = strings.ToLower(key)
	}
	return key, cell(k.message)
}
