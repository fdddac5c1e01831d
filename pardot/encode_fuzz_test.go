package pardot

import (
	"net/url"
	"testing"
)

// FuzzSizeBound: sizeBound, which spares Validate the exact measure, is
// never below recordSize, for any value in any field, in every shape.
func FuzzSizeBound(f *testing.F) {
	f.Add("p@example.com", "First", "Notes \"quoted\" & <tagged>\t\n", "favorite_color", int64(0))
	f.Add("", "\x00\x01\xff\u2028", "é", "x", int64(-12345678901))
	f.Fuzz(func(t *testing.T, email, name, notes, custom string, id int64) {
		p := Prospect{ID: id, FID: name, Email: email, FirstName: name, Notes: notes,
			Fields: map[string]string{custom: notes, "b": email}}
		for _, version := range []int{3, 4} {
			for _, format := range []Format{JSON, XML} {
				for _, o := range []operation{opCreate, opUpdate, opUpsert} {
					if bound, size := sizeBound(version, o, &p), recordSize(version, format, o, &p); bound < size {
						t.Fatalf("v%d %s %s: bound %d under the size %d", version, format, o.path(), bound, size)
					}
				}
			}
		}
	})
}

// FuzzEncodeForm: the form body is what url.Values encodes, and escapedLen
// its document's escaped length.
func FuzzEncodeForm(f *testing.F) {
	f.Add(`{"prospects":{"a@b.io":{"first_name":"É & ~ x+y"}}}`)
	f.Add("<prospects><prospect>\x00\xff</prospect></prospects>")
	f.Fuzz(func(t *testing.T, doc string) {
		got := string(encodeForm("json", []byte(doc)))
		if want := (url.Values{"format": {"json"}, "prospects": {doc}}).Encode(); got != want {
			t.Fatalf("form %q, want %q", got, want)
		}
		if n, want := escapedLen([]byte(doc)), len(url.QueryEscape(doc)); n != want {
			t.Fatalf("escapedLen %d, want %d", n, want)
		}
	})
}
