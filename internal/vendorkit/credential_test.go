package vendorkit

import (
	"strings"
	"testing"
)

func TestCheckCredential(t *testing.T) {
	t.Parallel()
	c := &Common{Vendor: "acme"}
	for v, want := range map[string]string{
		"s3cret-key":            "",
		"":                      "acme: WithAPIKey: empty API key",
		" \t ":                  "acme: WithAPIKey: empty API key",
		"s3cret\r\nX-Evil: 1":   "acme: WithAPIKey: the API key contains a control character",
		"s3cret\x00":            "acme: WithAPIKey: the API key contains a control character",
		"s3cret\u0085trailing":  "acme: WithAPIKey: the API key contains a control character",
		"pa ss word with space": "",
	} {
		err := c.CheckCredential("WithAPIKey", "API key", v)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q: %q, want %q", v, got, want)
		}
		if err != nil && strings.TrimSpace(v) != "" && strings.Contains(got, "s3cret") {
			t.Errorf("%q: the error shows the value: %s", v, got)
		}
	}
}
