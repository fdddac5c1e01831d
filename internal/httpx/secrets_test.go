package httpx

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"
)

func TestSecretsEverySpelling(t *testing.T) {
	const secret = `s3cr3t/+ &="<>`
	s := NewSecrets(secret)
	jsonForm, _ := json.Marshal(secret)
	for _, form := range []string{
		secret, url.QueryEscape(secret), url.PathEscape(secret), string(jsonForm[1 : len(jsonForm)-1]),
		html.EscapeString(secret), base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
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
