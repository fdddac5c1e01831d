package codec

import (
	"bytes"
	"encoding/json"
	"testing"
)

// stdlibString is encoding/json's encoding of s, HTML-safe or not.
func stdlibString(t *testing.T, s string, htmlSafe bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(htmlSafe)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestAppendJSONStringMatchesStdlib(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "<No Change>", "a&b", "tab\tnl\ncr\r\x00\x1f", "é€😀", "\u2028\u2029", "bad\xffutf8"} {
		for _, html := range []bool{true, false} {
			if got, want := string(AppendJSONString(nil, s, html)), stdlibString(t, s, html); got != want {
				t.Errorf("AppendJSONString(%q, %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"<No Change>", "a\"b", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			if got, want := string(AppendJSONString(nil, s, html)), stdlibString(t, s, html); got != want {
				t.Fatalf("AppendJSONString(%q, %v) = %s, want %s", s, html, got, want)
			}
		}
	})
}
