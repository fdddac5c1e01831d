package httpx

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
)

func TestSecretsEverySpelling(t *testing.T) {
	const secret = `s3cr3t/+ &="<>`
	escapedSlash := strings.ReplaceAll(func() string { b, _ := json.Marshal(secret); return string(b[1 : len(b)-1]) }(), "/", `\/`)
	s := NewSecrets(secret)
	jsonForm, _ := json.Marshal(secret)
	for _, form := range []string{
		secret, url.QueryEscape(secret), url.PathEscape(secret), string(jsonForm[1 : len(jsonForm)-1]),
		html.EscapeString(secret), base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)), escapedSlash,
	} {
		got := s.Redact("before " + form + " after")
		if strings.Contains(got, form) || got != "before "+Redacted+" after" {
			t.Errorf("spelling %q: Redact gave %q", form, got)
		}
	}
}

func TestSecretsLearnedAndCapped(t *testing.T) {
	s := NewSecrets("pinned-value")
	s.Add("", "ab") // too short to scrub: ignored
	if n := s.Len(); n == 0 {
		t.Fatal("pinned value not registered")
	}
	before := s.Len()
	s.Add("token-0001")
	if s.Len() <= before || s.Redact("x token-0001") != "x "+Redacted {
		t.Fatal("a learned value is not scrubbed")
	}
	for i := range 2000 {
		s.Add("rotating-token-" + strings.Repeat("z", i%7) + string(rune('a'+i%26)) + url.QueryEscape(string(rune(i))))
	}
	if s.Len() > maxLearned+20 {
		t.Errorf("registry grew to %d spellings; want it capped near %d", s.Len(), maxLearned)
	}
	if s.Redact("pinned-value") != Redacted {
		t.Error("a pinned value was forgotten")
	}
	var nilSecrets *Secrets
	if got := nilSecrets.Redact("password=x1234"); got != "password="+Redacted {
		t.Errorf("nil registry: %q", got)
	}
}

// RedactError scrubs the text, still matches what the cause matches, and
// gives no way back to the unredacted cause.
func TestRedactErrorHidesTheCause(t *testing.T) {
	t.Parallel()
	s := NewSecrets("s3cret-token-value")
	cause := fmt.Errorf("fetching failed with s3cret-token-value: %w", context.DeadlineExceeded)
	err := s.RedactError(cause)
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "fetching failed") {
		t.Errorf("text %q", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("the cause's sentinel is not matched")
	}
	if errors.Unwrap(err) != nil {
		t.Error("Unwrap reaches the unredacted cause")
	}
	if s.RedactError(nil) != nil {
		t.Error("RedactError(nil) is not nil")
	}
}
