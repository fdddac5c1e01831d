package propel

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/internal/httpx"

	"github.com/google/go-cmp/cmp"
)

func TestScrubberText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sc      scrubber
		in, out string
	}{
		{"short SSN echoed in a message about the ssn field", scrubber{ssns: []string{"12"}},
			"#/customers/0/ssn: string [12] does not match pattern ^[0-9]{9}$",
			"#/customers/0/ssn: string [REDACTED] does not match pattern ^[REDACTED]{9}$"},
		{"short SSN equal to the item index: the path is kept", scrubber{ssns: []string{"12"}},
			"#/customers/12: extraneous key [company] is not permitted",
			"#/customers/12: extraneous key [company] is not permitted"},
		{"short SSN alone is replaced, inside other words it is not", scrubber{ssns: []string{"12"}},
			"value 12 refused; 312, 12a and 1.12 kept, (12) not",
			"value REDACTED refused; 312, 12a and 1.REDACTED kept, (REDACTED) not"},
		{"one-character SSN", scrubber{ssns: []string{"7"}},
			"#/customers/7/ssn: 7 is too short",
			"#/customers/7/ssn: REDACTED is too short"},
		{"long SSN anywhere", scrubber{ssns: []string{"123-45-6789"}},
			"#/customers/0: ssn x123-45-6789 is taken", "#/customers/0: ssn xREDACTED is taken"},
		{"altered SSN quoted in a message about the ssn field", scrubber{ssns: []string{"123-45-6789"}},
			`#/customers/0/ssn: "123456789" is not a valid value`, `#/customers/0/ssn: "REDACTED" is not a valid value`},
		{"client secret", scrubber{secrets: httpx.NewSecrets("s3cr3t-value")},
			"unknown client secret s3cr3t-value", "unknown client secret REDACTED"},
		{"no value to hide", scrubber{ssns: []string{"12"}},
			"#/customers/0/ssn: expected type: String, found: Integer", "#/customers/0/ssn: expected type: String, found: Integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sc.text(tt.in); got != tt.out {
				t.Fatalf("\n got %q\nwant %q", got, tt.out)
			}
		})
	}
}

func TestScrubberRaw(t *testing.T) {
	t.Parallel()
	sc := &scrubber{ssns: []string{"12"}}
	untouched := json.RawMessage(`{"key": "C-1", "success": false, "message": "parent missing"}`)
	if got := sc.raw(untouched); string(got) != string(untouched) {
		t.Fatalf("raw without an SSN changed: %s", got)
	}
	got := sc.raw(json.RawMessage(`{"key":"C-1","id":12,"ssn":"12","success":false,"error":{"messages":["ssn 12 is taken"]}}`))
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatalf("scrubbed raw is not JSON: %s", got)
	}
	want := map[string]any{"key": "C-1", "id": "REDACTED", "ssn": "REDACTED", "success": false,
		"error": map[string]any{"messages": []any{"ssn REDACTED is taken"}}}
	if d := cmp.Diff(want, m); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

// FuzzScrubberText: scrubbing never panics, keeps the item path, and
// leaves no SSN standing alone after it.
func FuzzScrubberText(f *testing.F) {
	f.Add("#/customers/0/ssn: string [12] does not match pattern", "12")
	f.Add("#/customers/12: extraneous key [company] is not permitted", "12")
	f.Add("ssn 123-45-6789 taken", "123-45-6789")
	f.Fuzz(func(t *testing.T, msg, ssn string) {
		if ssn == "" {
			return
		}
		sc := &scrubber{ssns: []string{ssn}}
		got := sc.text(msg)
		path := itemPathPrefix.FindString(msg)
		if len(ssn) < shortSecret && !strings.HasPrefix(got, path) {
			t.Fatalf("path %q lost: %q", path, got)
		}
		rest := got[len(itemPathPrefix.FindString(got)):]
		if replaceSSN(rest, ssn) != rest && !strings.Contains(httpx.Redacted, ssn) {
			t.Fatalf("SSN %q left in %q (from %q)", ssn, got, msg)
		}
	})
}
