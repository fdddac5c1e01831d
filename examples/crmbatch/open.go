package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// sampleSize is how much of the file is looked at before anything is read
// as records: enough for the header and the first rows.
const sampleSize = 64 << 10

// inputFile is the opened input, checked: its text (decompressed when the
// file is gzip-compressed), how many bytes of the file itself have been
// read (for progress), its size and a fingerprint of its start (for the
// journal).
type inputFile struct {
	text        *bufio.Reader
	read        atomic.Int64
	size        int64 // -1 when unknown (standard input)
	fingerprint string
	gzipped     bool
	delimiter   rune
	// columns are the CSV header's columns (or the first JSON object's
	// keys, none when its first line is not one), before the mapping.
	columns []string
	// xmlForm is the form of XML input's records (-format xml).
	xmlForm xmlForm

	closeOnce sync.Once
	closer    io.Closer
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// openInput opens and checks the input. A file that cannot be read as
// records of the format (binary, compressed as ZIP, UTF-16, Latin-1,
// JSON given as CSV …) gets one error saying what it is.
func openInput(o options, stdin io.Reader) (*inputFile, error) {
	in := &inputFile{size: -1, closer: io.NopCloser(nil)}
	raw := stdin
	if o.in != "-" {
		f, err := os.Open(o.in)
		if err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			in.size = st.Size()
		}
		raw, in.closer = f, f
	}
	br := bufio.NewReaderSize(countingReader{raw, &in.read}, sampleSize)
	head, err := br.Peek(sampleSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		in.close()
		return nil, err
	}
	sum := sha256.Sum256(head)
	in.fingerprint = hex.EncodeToString(sum[:8])
	in.text = br
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.close()
			return nil, fmt.Errorf("%s: a damaged gzip file: %w", o.in, err)
		}
		in.gzipped = true
		in.text = bufio.NewReaderSize(zr, sampleSize)
		head, err = in.text.Peek(sampleSize)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			in.close()
			return nil, fmt.Errorf("%s: a damaged gzip file: %w", o.in, err)
		}
	}
	if err := in.sniff(o, head); err != nil {
		in.close()
		return nil, fmt.Errorf("%s: %w", o.in, err)
	}
	return in, nil
}

// close closes the file; it may be called more than once, and from
// another goroutine to stop a read at once.
func (in *inputFile) close() {
	in.closeOnce.Do(func() { in.closer.Close() })
}

// sniff checks the start of the text and finds the delimiter and columns.
func (in *inputFile) sniff(o options, head []byte) error {
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return errors.New("the file is empty")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return errors.New("this is a ZIP archive (an .xlsx or .ods workbook?), not CSV or JSON Lines: export the sheet as CSV (UTF-8)")
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return errors.New("the file is UTF-16 text: save it as UTF-8")
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return fmt.Errorf("binary data (a NUL byte at offset %d), not CSV or JSON Lines text", i)
	}
	text := head
	if len(head) == sampleSize { // the sample may end inside a character
		for k := 0; k < utf8.UTFMax && len(text) > 0 && !utf8.Valid(text); k++ {
			text = text[:len(text)-1]
		}
	}
	if !utf8.Valid(text) {
		bad := len(text)
		for i, r := range string(text) {
			if r == utf8.RuneError {
				bad = i
				break
			}
		}
		line := bytes.Count(text[:bad], []byte("\n")) + 1
		return fmt.Errorf("not UTF-8 text: line %d has the byte 0x%02x (Latin-1 or Windows-1252?): save the file as UTF-8", line, text[bad])
	}
	text = bytes.TrimPrefix(text, []byte("\ufeff"))
	first, _, _ := bytes.Cut(bytes.TrimLeft(text, " \t\r\n"), []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	looksJSON := bytes.HasPrefix(first, []byte("{"))
	if o.format == "xml" {
		if !looksXML(text) {
			return errors.New("not XML: the file does not start with an element or an XML declaration")
		}
		in.xmlForm = xmlFormFor(o.vendor, o.op)
		return nil
	}
	if looksXML(first) {
		return errors.New("this looks like XML, not " + map[string]string{"csv": "CSV", "jsonl": "JSON Lines"}[o.format] + ": use -format xml (or name the file .xml)")
	}
	if o.format == "jsonl" {
		if !looksJSON {
			return errors.New("not JSON Lines: the first line is not a JSON object")
		}
		// The first object's keys, when it is one (else it is rejected as
		// an invalid record when read, like any other line).
		var obj map[string]json.RawMessage
		json.NewDecoder(bytes.NewReader(first)).Decode(&obj)
		for k := range obj {
			in.columns = append(in.columns, k)
		}
		slices.Sort(in.columns)
		return nil
	}
	if looksJSON {
		return errors.New("this looks like JSON Lines, not CSV: use -format jsonl (or name the file .jsonl)")
	}
	d, err := delimiterFlag(o.delimiter)
	if err != nil {
		return err
	}
	if d == 0 {
		d = detectDelimiter(string(first))
	}
	in.delimiter = d
	return nil
}

// delimiterFlag parses -delimiter; 0 means detect.
func delimiterFlag(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case ",", ";", "|":
		return rune(s[0]), nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	return 0, fmt.Errorf(`-delimiter %q: want ",", ";", "|" or "tab"`, s)
}

// detectDelimiter picks the delimiter the header line uses most, outside
// quotes: comma, semicolon or tab; comma when it holds none.
func detectDelimiter(header string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range header {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && strings.ContainsRune(",;\t", r):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// delimiterName names a delimiter for messages.
func delimiterName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	}
	return fmt.Sprintf("%q", r)
}
