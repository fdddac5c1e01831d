package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// csvSource is what a csv.Reader reads from: the input, through a record
// of the bytes read since the current record's start, so that a row that
// does not parse is rejected with its text as written; and it refuses to
// give a record more than maxRecordBytes, so that one huge field cannot
// take the memory.
type csvSource struct {
	src       *bufio.Reader
	buf       []byte // the bytes read from offset base on
	base      int64
	delivered int64 // bytes handed to the csv.Reader (and its buffer)
	start     int64 // where the current record starts
	startLine int   // the line it starts on
}

// errRecordTooLong stops a csv.Reader inside a record too long to read.
var errRecordTooLong = errors.New("record too long")

func (s *csvSource) Read(p []byte) (int, error) {
	room := int64(maxRecordBytes) - (s.delivered - s.start)
	if room <= 0 {
		return 0, errRecordTooLong
	}
	p = p[:min(int64(len(p)), room)]
	n, err := s.src.Read(p)
	if drop := int(s.start - s.base); drop > 0 && len(s.buf)+n > cap(s.buf) {
		s.buf = s.buf[:copy(s.buf, s.buf[drop:])]
		s.base = s.start
	}
	s.buf = append(s.buf, p[:n]...)
	s.delivered += int64(n)
	return n, err
}

// next ends the current record at offset end and returns its text.
func (s *csvSource) next(end int64) []byte {
	text := s.buf[s.start-s.base : end-s.base]
	s.start = end
	s.startLine += bytes.Count(text, []byte("\n"))
	return text
}

// skipRecord passes the rest of a record too long to read, up to and
// including the first newline outside a quoted field, and returns its
// first rawKept bytes. The quoting is followed from the record's start as
// encoding/csv reads it (quoteState): the lines of a long quoted field are
// still that field, not records (read as records, a long notes field could
// become rows that are sent). A quoted field left open runs to the end of
// the input, as in encoding/csv: that record is the last. The csv.Reader that stopped in it has nothing left buffered (bufio gives
// what it holds with the error), so reading goes on with a new one.
func (s *csvSource) skipRecord(delim rune) ([]byte, error) {
	read := s.buf[s.start-s.base:]
	raw := bytes.Clone(read[:min(len(read), rawKept)])
	s.startLine += bytes.Count(read, []byte("\n"))
	q := quoteState{delim: delim, fieldStart: true}
	ended := q.feed(read)
	for !ended {
		chunk, err := s.src.ReadSlice('\n')
		s.delivered += int64(len(chunk))
		s.startLine += bytes.Count(chunk, []byte("\n"))
		ended = q.feed(chunk)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			s.buf, s.base, s.start = s.buf[:0], s.delivered, s.delivered
			if !errors.Is(err, io.EOF) {
				return raw, err
			}
			return raw, nil // the input ends in the record (inside its quoted field, maybe): nothing follows it
		}
	}
	s.buf, s.base, s.start = s.buf[:0], s.delivered, s.delivered
	return raw, nil
}

// quoteState follows encoding/csv's quoting through the bytes of a record
// (LazyQuotes off): a quote opens a quoted field only at the start of a
// field; inside one, "" is a quote and a lone quote closes it; a quote
// anywhere else is a bare quote, which quotes nothing.
type quoteState struct {
	delim      rune
	fieldStart bool // the next byte starts a field
	inQuotes   bool // inside a quoted field
	quoteSeen  bool // inside one, the last byte was a quote: it closes the field unless a quote follows
}

// feed reads b and reports whether a newline outside a quoted field ended
// the record (the last byte a ReadSlice('\n') gives).
func (q *quoteState) feed(b []byte) (ended bool) {
	for _, c := range b {
		if q.inQuotes {
			if !q.quoteSeen {
				q.quoteSeen = c == '"'
				continue
			}
			q.quoteSeen = false
			if c == '"' {
				continue // "" inside quotes
			}
			q.inQuotes = false // the quote closed the field; c is read outside it
		}
		switch {
		case c == '"' && q.fieldStart:
			q.inQuotes, q.fieldStart = true, false
		case rune(c) == q.delim:
			q.fieldStart = true
		case c == '\n':
			q.fieldStart = true
			ended = true
		default:
			q.fieldStart = false
		}
	}
	return ended
}

// trimNewline is a record's text without the blank lines before it and
// the line end after it.
func trimNewline(text []byte) []byte {
	return bytes.Trim(text, "\r\n")
}

func csvRows(ctx context.Context, r *bufio.Reader, delim rune, m mapping, bad func(rowError)) (iter.Seq[row], []string, error) {
	src := &csvSource{src: r, startLine: 1}
	// offset and lines are where the current csv.Reader started.
	var offset int64
	lines := 0
	newReader := func() *csv.Reader {
		cr := csv.NewReader(src)
		cr.Comma = delim
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		offset, lines = src.delivered, src.startLine-1
		return cr
	}
	cr := newReader()
	header, err := cr.Read()
	if errors.Is(err, errRecordTooLong) {
		return nil, nil, fmt.Errorf("reading the CSV header: longer than %d MiB", maxRecordBytes>>20)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	src.next(offset + cr.InputOffset())
	columns := make([]string, len(header))
	rawColumn := -1
	var fieldNames []string
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == rejectPrefix+"raw" {
			rawColumn = i
		}
		columns[i] = m.field(h)
		if columns[i] != "" {
			fieldNames = append(fieldNames, columns[i])
		}
	}
	return func(yield func(row) bool) {
		for pos := 0; ctx.Err() == nil; pos++ {
			startLine := src.startLine
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && offset+cr.InputOffset()-src.start >= int64(maxRecordBytes) {
				// A parse error met before the reader reached the size
				// limit in a record that passes it: the record is too long
				// all the same, and the rest of its line must not be read
				// as a record.
				err = errRecordTooLong
			}
			if errors.Is(err, errRecordTooLong) {
				raw, err := src.skipRecord(delim)
				if err != nil && ctx.Err() == nil {
					bad(rowError{Err: &readStopped{src.startLine, err}})
					return
				}
				bad(rowError{row{Pos: pos, Line: startLine, Raw: raw}, errTooLong()})
				cr = newReader()
				continue
			}
			if err != nil {
				if !errors.As(err, &pe) {
					bad(rowError{Err: &readStopped{startLine, err}})
					return // an I/O error: nothing more can be read
				}
				text := trimNewline(src.next(offset + cr.InputOffset()))
				bad(rowError{row{Pos: pos, Line: lines + pe.StartLine, Raw: bytes.Clone(text)}, fmt.Errorf("%w (the row as written is in the rejects file's %sraw column)", err, rejectPrefix)})
				continue
			}
			src.next(offset + cr.InputOffset())
			line, _ := cr.FieldPos(0)
			r := row{Pos: pos, Line: lines + line, Fields: make(map[string]string, len(rec))}
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
			// A rejects file's row kept as text, not yet fixed: rejected again, its text kept.
			if rawColumn >= 0 && rec[rawColumn] != "" && len(r.Fields) == 0 {
				r.Raw = []byte(rec[rawColumn])
				bad(rowError{r, errUnfixedRaw})
				continue
			}
			if !yield(r) {
				return
			}
		}
	}, fieldNames, nil
}
