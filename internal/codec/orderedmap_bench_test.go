package codec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// errorsDoc is a Pardot-like errors map of 50 entries.
func errorsDoc() []byte {
	var parts []string
	for i := range 50 {
		parts = append(parts, fmt.Sprintf(`"%d":"Invalid prospect email address number %d"`, i, i))
	}
	return []byte("{" + strings.Join(parts, ",") + "}")
}

// BenchmarkOrderedMapUnmarshal decodes a 50-key object keeping key order;
// compare with BenchmarkPlainMapUnmarshal, which loses it.
func BenchmarkOrderedMapUnmarshal(b *testing.B) {
	doc := errorsDoc()
	b.ReportAllocs()
	for b.Loop() {
		var m OrderedMap[string]
		if err := json.Unmarshal(doc, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainMapUnmarshal is the baseline: a plain map, no order.
func BenchmarkPlainMapUnmarshal(b *testing.B) {
	doc := errorsDoc()
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]string
		if err := json.Unmarshal(doc, &m); err != nil {
			b.Fatal(err)
		}
	}
}
