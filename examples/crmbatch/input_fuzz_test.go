package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// FuzzTextRows reads CSV and JSON Lines text with a small record limit:
// no panic; a text read from memory is always read to its end; every
// record is either yielded or rejected, numbered from 0 without a gap;
// and the text a rejected JSON line keeps is that line's (or, too long,
// its start).
func FuzzTextRows(f *testing.F) {
	f.Add(false, []byte("email,firstname\nada@example.com,Ada\nbob@example.com,Ada \"The\" Countess\ncy,\"unbalanced\ndan,Dan\n"))
	f.Add(true, []byte(`{"email":"a@x"}`+"\n"+`{"email":"d@x"} {"email":"e@x"}`+"\nnull\n"+`{"_crmbatch_raw":"x"}`+"\n"+`{"_crmbatch_line":3}`+"\n{}\n"))
	f.Add(false, []byte("a,b\n\"x"+strings.Repeat("y\n", 100)+"\",z\nq,r\n"))
	f.Add(false, []byte("0\n\""+strings.Repeat("0", 64))) // a long record whose quoted field runs to the end
	f.Add(false, []byte("a,b\nbob,Bob 12\" pipe "+strings.Repeat("n", 80)+"\ncy,\"Cy\nz\"\n"))
	f.Fuzz(func(t *testing.T, jsonl bool, data []byte) {
		defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
		maxRecordBytes = 64
		next := 0
		var raws [][]byte
		bad := func(re rowError) {
			var stopped *readStopped
			if errors.As(re.Err, &stopped) {
				t.Fatalf("reading text from memory stopped: %v", re.Err)
			}
			if re.Pos != next {
				t.Fatalf("rejected record %d, want %d", re.Pos, next)
			}
			next++
			if re.Raw != nil {
				raws = append(raws, re.Raw)
			}
		}
		src := bufio.NewReader(bytes.NewReader(data))
		in := &inputFile{text: src, delimiter: ','}
		format := "csv"
		if jsonl {
			format = "jsonl"
		}
		rows, _, err := readRows(context.Background(), in, format, mapping{}, nil, bad)
		if err != nil {
			return
		}
		for r := range rows {
			if r.Pos != next {
				t.Fatalf("record %d, want %d", r.Pos, next)
			}
			next++
		}
		if !jsonl {
			return
		}
		for _, raw := range raws {
			if len(raw) > rawKept {
				t.Fatalf("kept %d bytes of a record, more than %d", len(raw), rawKept)
			}
			if !bytes.Contains(data, raw) && !strings.Contains(string(data), `"_crmbatch_raw"`) {
				t.Fatalf("kept %q, not in the input", raw)
			}
		}
	})
}
