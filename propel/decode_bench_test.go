package propel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

func bulkAnswer(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"action":"create","id":%d,"key":"C-%05d","lookupKey":"sourceId","success":true}`, 1000+i, i)
	}
	buf.WriteString(`],"messages":["Completed"],"total":100}`)
	return buf.Bytes()
}

// BenchmarkDecodeBulk100 decodes a 100-entry answer with the
// tolerant decoder (number-or-string fields, failed-entry shapes).
func BenchmarkDecodeBulk100(b *testing.B) {
	body := bulkAnswer(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeBulk(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBaselineStdlib100 is the baseline: encoding/json into a
// strict struct.
func BenchmarkDecodeBaselineStdlib100(b *testing.B) {
	body := bulkAnswer(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	type entry struct {
		Action    string `json:"action"`
		ID        int64  `json:"id"`
		Key       string `json:"key"`
		LookupKey string `json:"lookupKey"`
		Success   bool   `json:"success"`
	}
	for b.Loop() {
		var out struct {
			Data     []entry  `json:"data"`
			Messages []string `json:"messages"`
			Total    int      `json:"total"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			b.Fatal(err)
		}
	}
}
