package propel

import (
	"encoding/json"
	"fmt"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// The request bodies are written by hand (append.go), byte for byte as
// encoding/json writes these types, without reflection: a body is the
// largest cost of a send. appendFunc is one record type's writer.
type appendFunc[T any] func(dst []byte, r T) []byte

// encodeBulk writes {"<field>":[...]} or, with directives,
// {"<field>":[...],"directives":[...]}; directives is their encoded JSON
// array (see encodeDirectives), nil for none.
func encodeBulk[T any](field string, chunk []T, appendRecord appendFunc[T], directives []byte) []byte {
	bp := codec.GetScratch()
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
	codec.PutScratch(bp, b)
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
	bp := codec.GetScratch()
	b := appendRecord((*bp)[:0], r)
	n := len(b) + 1
	codec.PutScratch(bp, b)
	return n
}
