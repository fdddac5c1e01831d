package codec

import (
	"encoding/json"
	"testing"
)

func TestPlainString(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		want   string
		wantOK bool
	}{
		{`"abc"`, "abc", true},
		{`""`, "", true},
		{`"a b~\u007f"`, "", false}, // an escape: encoding/json's
		{"\"a\x7fb\"", "a\x7fb", true},
		{`"a\"b"`, "", false},
		{`"é"`, "", false},
		{"\"a\tb\"", "", false},
		{`"abc`, "", false},
		{`"abc" `, "", false},
		{`12`, "", false},
		{``, "", false},
	} {
		got, ok := PlainString([]byte(tc.raw))
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("PlainString(%q) = %q, %v; want %q, %v", tc.raw, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestCutPlainString(t *testing.T) {
	s, rest, ok := CutPlainString([]byte(`"key":"value"`))
	if !ok || s != "key" || string(rest) != `:"value"` {
		t.Fatalf("CutPlainString = %q, %q, %v", s, rest, ok)
	}
}

// FuzzPlainString: whatever PlainString accepts, encoding/json decodes to
// the same text.
func FuzzPlainString(f *testing.F) {
	for _, s := range []string{`"abc"`, `""`, `"a\"b"`, `"é"`, "\"\x7f\"", `"x" `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := PlainString(raw)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(raw, &want); err != nil || want != got {
			t.Fatalf("PlainString(%q) = %q; encoding/json: %q, %v", raw, got, want, err)
		}
	})
}
