package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// row is one input record: its line in the file (from 1, the header being
// line 1 in a CSV) and its fields by target field name.
type row struct {
	Line   int
	Fields map[string]string
}

// rowError is an input line that could not be read; it is rejected, not sent.
type rowError struct {
	Line int
	Err  error
}

// readRows streams the rows of a CSV or JSON Lines file through mapping
// (column → field; a column mapped to "" is dropped). Lines that cannot be
// parsed are passed to bad and skipped. The file is read as the sequence
// is consumed, one line at a time. For a CSV file it also returns the
// fields its header names, in order.
func readRows(r io.Reader, format string, m mapping, bad func(rowError)) (iter.Seq[row], []string, error) {
	switch format {
	case "csv":
		return csvRows(r, m, bad)
	case "jsonl":
		return jsonlRows(r, m, bad), nil, nil
	}
	return nil, nil, fmt.Errorf("unknown input format %q (want csv or jsonl)", format)
}

func csvRows(r io.Reader, m mapping, bad func(rowError)) (iter.Seq[row], []string, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
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
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				line := 0
				if errors.As(err, &pe) {
					line = pe.StartLine
				}
				bad(rowError{Line: line, Err: err})
				if pe == nil {
					return // an I/O error: nothing more can be read
				}
				continue
			}
			line, _ := cr.FieldPos(0)
			if len(rec) != len(columns) {
				bad(rowError{Line: line, Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(columns))})
				continue
			}
			fields := make(map[string]string, len(rec))
			for i, v := range rec {
				if columns[i] != "" && v != "" {
					fields[columns[i]] = v
				}
			}
			if !yield(row{Line: line, Fields: fields}) {
				return
			}
		}
	}, fieldNames, nil
}

func jsonlRows(r io.Reader, m mapping, bad func(rowError)) iter.Seq[row] {
	return func(yield func(row) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" {
				continue
			}
			var raw map[string]any
			if err := json.Unmarshal([]byte(text), &raw); err != nil {
				bad(rowError{Line: line, Err: fmt.Errorf("not a JSON object: %w", err)})
				continue
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
				case float64, bool:
					fields[f] = fmt.Sprint(x)
				default:
					b, _ := json.Marshal(x)
					fields[f] = string(b)
				}
			}
			if !yield(row{Line: line, Fields: fields}) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			bad(rowError{Line: line + 1, Err: err})
		}
	}
}
