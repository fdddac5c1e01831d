package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
)

// rejectPrefix starts the extra columns of a rejects file; the reader drops
// them, so a fixed rejects file can be imported again as it is.
const rejectPrefix = "_crmbatch_"

// reject is one input record that did not go in.
type reject struct {
	Line    int
	Key     string
	Status  string // failed | not attempted | invalid input
	Code    string
	Message string
	Fields  map[string]string // the record as read, so it can be fixed and re-run
}

// rejectWriter writes rejects as CSV or JSON Lines, safely from several
// goroutines. CSV columns are the reject columns, then the record's fields:
// those of the input's CSV header, in order, or — for JSON Lines input —
// the first reject's fields, sorted (use -rejects-format jsonl when JSON
// rows differ in their fields).
type rejectWriter struct {
	mu        sync.Mutex
	format    string
	w         io.Writer
	csv       *csv.Writer
	header    []string // the record's fields, in column order
	wroteHead bool
	count     int
	err       error
}

func newRejectWriter(w io.Writer, format string) (*rejectWriter, error) {
	if format != "csv" && format != "jsonl" {
		return nil, fmt.Errorf("unknown rejects format %q (want csv or jsonl)", format)
	}
	rw := &rejectWriter{format: format, w: w}
	if format == "csv" {
		rw.csv = csv.NewWriter(w)
	}
	return rw, nil
}

func (rw *rejectWriter) write(r reject) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.count++
	if rw.err != nil {
		return
	}
	if rw.format == "jsonl" {
		obj := map[string]any{
			rejectPrefix + "line": r.Line, rejectPrefix + "key": r.Key, rejectPrefix + "status": r.Status,
			rejectPrefix + "code": r.Code, rejectPrefix + "message": r.Message,
		}
		for k, v := range r.Fields {
			obj[k] = v
		}
		b, err := json.Marshal(obj)
		if err == nil {
			_, err = rw.w.Write(append(b, '\n'))
		}
		rw.err = err
		return
	}
	if !rw.wroteHead {
		rw.wroteHead = true
		if rw.header == nil {
			rw.header = slices.Sorted(maps.Keys(r.Fields))
		}
		head := []string{rejectPrefix + "line", rejectPrefix + "key", rejectPrefix + "status", rejectPrefix + "code", rejectPrefix + "message"}
		rw.err = rw.csv.Write(append(head, rw.header...))
	}
	rec := []string{fmt.Sprint(r.Line), r.Key, r.Status, r.Code, r.Message}
	for _, h := range rw.header {
		rec = append(rec, r.Fields[h])
	}
	if rw.err == nil {
		rw.err = rw.csv.Write(rec)
	}
}

// close flushes and returns the first write error.
func (rw *rejectWriter) close() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.csv != nil {
		rw.csv.Flush()
		if rw.err == nil {
			rw.err = rw.csv.Error()
		}
	}
	return rw.err
}
