package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
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
	Status  string // failed | not attempted | outcome unknown | invalid input
	Code    string
	Message string
	Fields  map[string]string // the record as read, so it can be fixed and re-run
	Extra   []string          // a ragged row's values beyond the header
	Record  any               // the vendor record read from XML input
	Raw     []byte            // a record's text as written, when it could not be read (see row.Raw)
}

// rejectWriter writes rejects as CSV, JSON Lines or XML (xml_rejects.go),
// safely from several goroutines. The file is created at the first reject, so a run where
// everything went in leaves none, and it never replaces an existing file
// unless asked (-force, or -resume, whose rejects cover the earlier
// run's). CSV columns are the reject columns, then the record's fields:
// those of the input's CSV header, in order, or — for JSON Lines input —
// the first reject's fields, sorted (use -rejects-format jsonl when JSON
// rows differ in their fields), then a ragged row's extra values, then
// the text of a record that could not be read, as written (_crmbatch_raw;
// its values are then empty: fix the text into them, or into the line).
type rejectWriter struct {
	mu        sync.Mutex
	path      string
	replace   bool
	format    string
	file      *os.File
	buf       *bufio.Writer
	csv       *csv.Writer
	header    []string // the record's fields, in column order
	xmlForm   xmlForm  // the records' form, for -rejects-format xml
	wroteHead bool
	count     int
	err       error
}

// errExists says a file the command would write is already there.
var errExists = errors.New("exists")

// newRejectWriter checks that path may be written; the file is created
// at the first reject.
func newRejectWriter(path, format string, replace bool) (*rejectWriter, error) {
	if _, err := os.Stat(path); err == nil && !replace {
		return nil, fmt.Errorf("the rejects file %s %w (from an earlier run?): move it away, name another with -rejects, or add -force to overwrite it", path, errExists)
	}
	return &rejectWriter{path: path, format: format, replace: replace}, nil
}

// open creates the file (rw.mu held).
func (rw *rejectWriter) open() error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if rw.replace {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(rw.path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("the rejects file %s appeared during the run: not overwritten", rw.path)
	}
	if err != nil {
		return err
	}
	rw.file, rw.buf = f, bufio.NewWriterSize(f, 64<<10)
	switch rw.format {
	case "csv":
		rw.csv = csv.NewWriter(rw.buf)
	case "xml":
		_, err = rw.buf.WriteString(xmlRejectsHead(rw.xmlForm))
	}
	return err
}

func (rw *rejectWriter) write(r reject) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.count++
	if rw.err == nil && rw.file == nil {
		rw.err = rw.open()
	}
	if rw.err != nil {
		return
	}
	if rw.format == "xml" {
		rw.err = rw.writeXML(r)
		return
	}
	if rw.format == "jsonl" {
		obj := map[string]any{
			rejectPrefix + "line": r.Line, rejectPrefix + "key": r.Key, rejectPrefix + "status": r.Status,
			rejectPrefix + "code": r.Code, rejectPrefix + "message": r.Message,
		}
		if len(r.Extra) > 0 {
			obj[rejectPrefix+"extra"] = r.Extra
		}
		if r.Raw != nil {
			obj[rejectPrefix+"raw"] = string(r.Raw)
		}
		for k, v := range r.Fields {
			obj[k] = v
		}
		b, err := json.Marshal(obj)
		if err == nil {
			_, err = rw.buf.Write(append(b, '\n'))
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
		head = append(head, rw.header...)
		rw.err = rw.csv.Write(append(head, rejectPrefix+"extra", rejectPrefix+"raw"))
	}
	rec := []string{fmt.Sprint(r.Line), r.Key, r.Status, r.Code, r.Message}
	for _, h := range rw.header {
		rec = append(rec, r.Fields[h])
	}
	extra := ""
	if len(r.Extra) > 0 {
		b, _ := json.Marshal(r.Extra)
		extra = string(b)
	}
	if rw.err == nil {
		rw.err = rw.csv.Write(append(rec, extra, string(r.Raw)))
	}
}

// close flushes, closes the file and returns the first write error.
func (rw *rejectWriter) close() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.file == nil {
		return rw.err
	}
	if rw.csv != nil {
		rw.csv.Flush()
		rw.err = errors.Join(rw.err, rw.csv.Error())
	}
	if rw.format == "xml" && rw.err == nil {
		_, rw.err = rw.buf.WriteString(xmlRejectsTail(rw.xmlForm))
	}
	rw.err = errors.Join(rw.err, rw.buf.Flush(), rw.file.Close())
	rw.file = nil
	return rw.err
}

// flush writes what is buffered, for an exit at once. An XML file gets
// its root's end, so it stays well-formed, and takes no more rejects.
func (rw *rejectWriter) flush() {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.file != nil {
		if rw.csv != nil {
			rw.csv.Flush()
		}
		if rw.format == "xml" && rw.err == nil {
			rw.buf.WriteString(xmlRejectsTail(rw.xmlForm))
			rw.err = errXMLEnded
		}
		rw.buf.Flush()
	}
}
