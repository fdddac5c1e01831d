package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"
)

// row is one input record: its position among the file's records (from
// 0, the journal's key), its line in the file (from 1, the header being
// line 1 in a CSV) and its fields by target field name.
type row struct {
	Pos    int
	Line   int
	Fields map[string]string
	// Extra holds a ragged CSV row's values beyond the header's columns.
	Extra []string
	// Record is the vendor record decoded from XML input (Fields is then
	// empty). Raw is the text of a record that could not be read as one:
	// an XML record element that could not be decoded (see xml_input.go),
	// a CSV row or JSON line that does not parse, or the start of one too
	// long to read (see maxRecordBytes); the rejects file keeps it.
	Record any
	Raw    []byte
}

// rowError is an input record that could not be read; it is rejected,
// not sent, with whatever values it had.
type rowError struct {
	row
	Err error
}

// readStopped is the error of a rowError that is no record: the input
// could not be read past line (an I/O error, a truncated gzip file, XML
// that stops being well-formed), so nothing after it was read.
type readStopped struct {
	line int
	err  error
}

func (e *readStopped) Error() string {
	return fmt.Sprintf("reading stopped at line %d, nothing after it was read: %v", e.line, e.err)
}

func (e *readStopped) Unwrap() error { return e.err }

// maxRecordBytes bounds the bytes of one CSV record or JSON line, so that
// memory stays bounded whatever the file holds; a longer one is rejected
// (the start of its text kept, rawKept bytes) and reading goes on at the
// next line. A variable for tests.
var maxRecordBytes = 16 << 20

// rawKept is how much of a record too long to read the rejects file keeps.
const rawKept = 4 << 10

// errTooLong is the reason a record longer than maxRecordBytes is rejected.
func errTooLong() error {
	return fmt.Errorf("a record of more than %d MiB: not read (the rejects file keeps its first %d KiB in %sraw); reading went on at the next line", maxRecordBytes>>20, rawKept>>10, rejectPrefix)
}

// keepRaw is the text to keep of a record that could not be read: text,
// or its first rawKept bytes when it was too long.
func keepRaw(text []byte, tooLong bool) []byte {
	if tooLong && len(text) > rawKept {
		text = text[:rawKept]
	}
	return bytes.Clone(text)
}

// readRows streams the records of a CSV, JSON Lines or XML text through
// mapping (column → field; a column mapped to "" is dropped). Records that
// cannot be read are passed to bad and skipped; when the text cannot be
// read to its end, bad gets a *readStopped error last. check, when not
// nil, checks each JSON line's fields (CSV columns are checked once, from
// the header). The text is read as the sequence is consumed, and not at
// all once ctx ends. It also returns the fields the columns name (a CSV's
// header, mapped), in order.
func readRows(ctx context.Context, in *inputFile, format string, m mapping, check func([]string) error, bad func(rowError)) (iter.Seq[row], []string, error) {
	if format == "xml" {
		rows, err := xmlRows(ctx, in.text, in.xmlForm, bad)
		return rows, nil, err
	}
	if format == "jsonl" {
		var fields []string
		for _, c := range in.columns {
			if f := m.field(c); f != "" {
				fields = append(fields, f)
			}
		}
		return jsonlRows(ctx, in.text, m, check, bad), fields, nil
	}
	return csvRows(ctx, in.text, in.delimiter, m, bad)
}

func checkUTF8(values []string) error {
	for _, v := range values {
		if !utf8.ValidString(v) {
			return fmt.Errorf("not UTF-8 text: %q", v)
		}
	}
	return nil
}

// errUnfixedRaw is the reason a rejects file's unreadable record, not yet
// fixed, is rejected again.
var errUnfixedRaw = errors.New("the text of a record an earlier run could not read (in " + rejectPrefix + "raw): replace it with the record, fixed")

// jsonlRows streams the records of a JSON Lines text: each non-blank line
// holds one JSON object, UTF-8, at most maxRecordBytes long.
func jsonlRows(ctx context.Context, r *bufio.Reader, m mapping, check func([]string) error, bad func(rowError)) iter.Seq[row] {
	return func(yield func(row) bool) {
		lr := lineReader{src: r}
		pos := 0
		for ctx.Err() == nil {
			text, tooLong, err := lr.next()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, errEndOfText) {
					bad(rowError{Err: &readStopped{lr.line + 1, err}})
				}
				return
			}
			text = bytes.TrimSpace(text)
			if len(text) == 0 && !tooLong {
				continue
			}
			r := row{Pos: pos, Line: lr.line}
			fields, err := jsonRecord(text, tooLong, m)
			if errors.Is(err, errNoRecord) {
				continue // a rejects file's line without a record: nothing to import
			}
			pos++
			if err == nil && check != nil {
				err = check(slices.Sorted(func(yield func(string) bool) {
					for k := range fields {
						if !yield(k) {
							return
						}
					}
				}))
			}
			if err != nil {
				var raw *rawText
				if errors.As(err, &raw) {
					r.Raw = raw.text
				} else if fields == nil {
					r.Raw = keepRaw(text, tooLong)
				}
				r.Fields = fields
				bad(rowError{r, err})
				continue
			}
			r.Fields = fields
			if !yield(r) {
				return
			}
		}
	}
}

// errNoRecord: a line holding only a rejects file's columns and no raw
// text holds no record.
var errNoRecord = errors.New("no record")

// rawText is the error of a rejects file's unreadable record, carrying
// its raw text so that the next rejects file keeps it.
type rawText struct{ text []byte }

func (e *rawText) Error() string { return errUnfixedRaw.Error() }

// jsonRecord reads one JSON line: exactly one JSON object, in UTF-8, its
// keys mapped to fields (a null value is left out; a nested value is kept
// as its JSON text). The error of a line that is not one says why.
func jsonRecord(text []byte, tooLong bool, m mapping) (map[string]string, error) {
	if tooLong {
		return nil, errTooLong()
	}
	if !utf8.Valid(text) {
		return nil, errors.New("not UTF-8 text: save the file as UTF-8")
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber() // 61390001111 stays 61390001111, not 6.1390001111e+10
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if raw == nil {
		return nil, errors.New("not a JSON object: null")
	}
	if rest := bytes.TrimSpace(text[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("not one JSON object: more text follows the object, at offset %d (one record per line)", dec.InputOffset())
	}
	fields := make(map[string]string, len(raw))
	for k, v := range raw {
		f := m.field(k)
		if f == "" || v == nil {
			continue
		}
		switch x := v.(type) {
		case string:
			fields[f] = x
		case json.Number, bool:
			fields[f] = fmt.Sprint(x)
		default:
			b, _ := json.Marshal(x)
			fields[f] = string(b)
		}
	}
	if len(fields) == 0 && len(raw) > 0 && onlyRejectKeys(raw) {
		if s, ok := raw[rejectPrefix+"raw"].(string); ok && s != "" {
			return nil, &rawText{[]byte(s)}
		}
		return nil, errNoRecord
	}
	return fields, nil
}

// onlyRejectKeys reports whether every key of obj is a rejects file's own.
func onlyRejectKeys(obj map[string]any) bool {
	for k := range obj {
		if !strings.HasPrefix(k, rejectPrefix) {
			return false
		}
	}
	return true
}
