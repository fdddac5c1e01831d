package hubspot

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"strings"
)

// csvFile is one import file being written to a temporary file as the
// input is read: a header row, then one row per record.
type csvFile struct {
	f      *os.File
	buf    *bufio.Writer
	w      *csv.Writer
	count  *countingWriter
	header []string
	col    map[string]int // property → column
	rows   int
	start  int // input index of the first record written to it
	row    []string
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// newCSVFile creates the temporary file in dir and writes the header.
func newCSVFile(dir string, header []string, start int) (*csvFile, error) {
	f, err := os.CreateTemp(dir, "hubspot-import-*.csv")
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(f, 64<<10)
	cw := &countingWriter{w: buf}
	x := &csvFile{f: f, buf: buf, w: csv.NewWriter(cw), count: cw, header: header,
		col: make(map[string]int, len(header)), start: start, row: make([]string, len(header))}
	for i, h := range header {
		x.col[h] = i
	}
	if err := x.w.Write(header); err != nil {
		x.remove()
		return nil, err
	}
	return x, nil
}

// encodeRow lays a record out in the file's columns: the id first, then
// its properties ("" where it has none: HubSpot leaves the value alone).
// It reports the property not among the columns, if any.
func (x *csvFile) encodeRow(id string, props Properties) (missing string) {
	clear(x.row)
	x.row[0] = id
	for k, v := range props {
		i, ok := x.col[k]
		if !ok || i == 0 {
			return k
		}
		x.row[i] = v
	}
	return ""
}

// rowSize is an upper bound of the encoded size of the laid-out row.
func (x *csvFile) rowSize() int64 {
	n := int64(len(x.row)) + 1
	for _, v := range x.row {
		n += int64(2*len(v) + 2) // every quote doubled, quoted
	}
	return n
}

// writeRow appends the laid-out row.
func (x *csvFile) writeRow() error {
	x.rows++
	return x.w.Write(x.row)
}

// size is the bytes written so far (after flush).
func (x *csvFile) size() int64 {
	x.w.Flush()
	return x.count.n
}

// finish flushes the file and returns its size.
func (x *csvFile) finish() (int64, error) {
	x.w.Flush()
	if err := x.w.Error(); err != nil {
		return 0, err
	}
	if err := x.buf.Flush(); err != nil {
		return 0, err
	}
	return x.count.n, nil
}

// reader reads the file from its first data row.
func (x *csvFile) reader() *csv.Reader {
	f := x.f
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return csv.NewReader(strings.NewReader(""))
	}
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.ReuseRecord = true
	_, _ = rd.Read() // the header
	return rd
}

// remove closes and deletes the file.
func (x *csvFile) remove() {
	x.f.Close()
	os.Remove(x.f.Name())
}

// hasLineBreak reports a value that would span lines of the file: refused
// on the import path, so that HubSpot's line numbers are row numbers.
func hasLineBreak(v string) bool { return strings.ContainsAny(v, "\r\n") }
