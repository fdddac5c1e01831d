package propel

import (
	"encoding/json"
	"fmt"
	"sync"
)

// The request bodies are written by hand (append.go), byte for byte as
// encoding/json writes these types, without reflection: a body is the
// largest cost of a send. appendFunc is one record type's writer.
type appendFunc[T any] func(dst []byte, r T) []byte

// scratch holds the buffers records are encoded into, reused across
// sends and runs. A body is copied out of its buffer before it is sent:
// the transport may still be reading a body after the response is in.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// maxScratch is the largest buffer put back into scratch; a larger one (a
// batch of huge records) is left to the collector.
const maxScratch = 1 << 20

// encodeBulk writes {"<field>":[...]} or, with directives,
// {"<field>":[...],"directives":[...]}; directives is their encoded JSON
// array (see encodeDirectives), nil for none.
func encodeBulk[T any](field string, chunk []T, appendRecord appendFunc[T], directives []byte) []byte {
	bp := scratch.Get().(*[]byte)
	b := append((*bp)[:0], `{"`...)
	b = append(b, field...)
	b = append(b, `":[`...)
	for i := range chunk {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRecord(b, chunk[i])
	}
	b = append(b, ']')
	if directives != nil {
		b = append(b, `,"directives":`...)
		b = append(b, directives...)
	}
	b = append(b, '}')
	body := append([]byte(nil), b...)
	putScratch(bp, b)
	return body
}

// encodeDirectives encodes the client's directives once per run: nil when
// there are none.
func encodeDirectives(ds []Directive) ([]byte, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(ds)
	if err != nil {
		return nil, fmt.Errorf("encoding directives: %w", err)
	}
	return b, nil
}

// encodedSize is a record's share of a request body: its JSON and a comma.
func encodedSize[T any](appendRecord appendFunc[T], r T) int {
	bp := scratch.Get().(*[]byte)
	b := appendRecord((*bp)[:0], r)
	n := len(b) + 1
	putScratch(bp, b)
	return n
}

// putScratch returns b's buffer to the pool unless it grew too large.
func putScratch(bp *[]byte, b []byte) {
	if cap(b) > maxScratch {
		return
	}
	*bp = b
	scratch.Put(bp)
}
