package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
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
	// empty), and Raw the text of an XML record element that could not be
	// decoded (see xml_input.go).
	Record any
	Raw    []byte
}

// rowError is an input record that could not be read; it is rejected,
// not sent, with whatever values it had.
type rowError struct {
	row
	Err error
}

// readRows streams the records of a CSV or JSON Lines text through
// mapping (column → field; a column mapped to "" is dropped). Records that
// cannot be read are passed to bad and skipped. The text is read as the
// sequence is consumed, and not at all once ctx ends. It also returns the
// fields the columns name (a CSV's header, mapped), in order.
func readRows(ctx context.Context, in *inputFile, format string, m mapping, bad func(rowError)) (iter.Seq[row], []string, error) {
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
		return jsonlRows(ctx, in.text, m, bad), fields, nil
	}
	return csvRows(ctx, in.text, in.delimiter, m, bad)
}

func csvRows(ctx context.Context, r io.Reader, delim rune, m mapping, bad func(rowError)) (iter.Seq[row], []string, error) {
	cr := csv.NewReader(r)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	columns := make([]string, len(header))
	var fieldNames []string
	for i, h := range header {
		columns[i] = m.field(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if columns[i] != "" {
			fieldNames = append(fieldNames, columns[i])
		}
	}
	return func(yield func(row) bool) {
		for pos := 0; ctx.Err() == nil; pos++ {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					bad(rowError{row{Pos: pos}, err})
					return // an I/O error: nothing more can be read
				}
				bad(rowError{row{Pos: pos, Line: pe.StartLine}, err})
				continue
			}
			line, _ := cr.FieldPos(0)
			r := row{Pos: pos, Line: line, Fields: make(map[string]string, len(rec))}
			for i, v := range rec {
				switch {
				case i >= len(columns):
					r.Extra = append(r.Extra, v)
				case columns[i] != "" && v != "":
					r.Fields[columns[i]] = v
				}
			}
			if len(rec) != len(columns) {
				bad(rowError{r, fmt.Errorf("%d fields, the header has %d", len(rec), len(columns))})
				continue
			}
			if err := checkUTF8(rec); err != nil {
				bad(rowError{r, err})
				continue
			}
			if !yield(r) {
				return
			}
		}
	}, fieldNames, nil
}

func checkUTF8(values []string) error {
	for _, v := range values {
		if !utf8.ValidString(v) {
			return fmt.Errorf("not UTF-8 text: %q", v)
		}
	}
	return nil
}

func jsonlRows(ctx context.Context, r io.Reader, m mapping, bad func(rowError)) iter.Seq[row] {
	return func(yield func(row) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		line, pos := 0, 0
		for ctx.Err() == nil && sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			r := row{Pos: pos, Line: line}
			pos++
			var raw map[string]any
			dec := json.NewDecoder(strings.NewReader(text))
			dec.UseNumber() // 61390001111 stays 61390001111, not 6.1390001111e+10
			if err := dec.Decode(&raw); err != nil {
				r.Fields = map[string]string{rejectPrefix + "raw": text}
				bad(rowError{r, fmt.Errorf("not a JSON object: %w", err)})
				continue
			}
			r.Fields = make(map[string]string, len(raw))
			for k, v := range raw {
				f := m.field(k)
				if f == "" || v == nil {
					continue
				}
				switch x := v.(type) {
				case string:
					r.Fields[f] = x
				case json.Number, bool:
					r.Fields[f] = fmt.Sprint(x)
				default:
					b, _ := json.Marshal(x)
					r.Fields[f] = string(b)
				}
			}
			if !yield(r) {
				return
			}
		}
		if err := sc.Err(); err != nil && ctx.Err() == nil {
			bad(rowError{row{Pos: pos, Line: line + 1}, err})
		}
	}
}
