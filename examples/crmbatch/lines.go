package main

import (
	"bufio"
	"errors"
	"io"
)

// errEndOfText: the text was read to its end.
var errEndOfText = errors.New("end of text")

// lineReader reads a text line by line in bounded memory: a line longer
// than maxRecordBytes is read through to its newline, keeping only its
// first rawKept bytes.
type lineReader struct {
	src  *bufio.Reader
	buf  []byte
	line int // lines read so far
}

// next returns the next line (with its newline; valid until the next
// call) and whether it was too long; errEndOfText at the text's end, or
// the error that stopped the reading (the line it cut is not returned).
func (lr *lineReader) next() (text []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	n := 0
	for {
		chunk, err := lr.src.ReadSlice('\n')
		n += len(chunk)
		if !tooLong && n > maxRecordBytes {
			tooLong = true
			lr.buf = lr.buf[:min(len(lr.buf), rawKept)]
		}
		if tooLong {
			chunk = chunk[:min(len(chunk), max(0, rawKept-len(lr.buf)))]
		}
		lr.buf = append(lr.buf, chunk...)
		switch {
		case err == nil:
			lr.line++
			return lr.buf, tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if n == 0 {
				return nil, false, errEndOfText
			}
			lr.line++ // the last line, without a newline
			return lr.buf, tooLong, nil
		default:
			return nil, false, err
		}
	}
}
