package httpx

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// minSecretLen is the shortest value a registry scrubs: a shorter one would
// blank out ordinary words and numbers in every message.
const minSecretLen = 4

// maxLearned caps the spellings of values learned at run time (rotating
// OAuth tokens, session keys); past it the oldest are forgotten. Values
// given to NewSecrets are never forgotten.
const maxLearned = 512

// Secrets is one client's registry of secret values: api keys, passwords,
// user keys, client secrets, and the tokens it learns at run time. Each
// value is registered once, in every spelling it can travel in (raw,
// query-escaped, path-escaped, form-encoded, JSON-escaped (with or without
// "/" escaped), XML-escaped, and
// base64 in its four alphabets), and Redact scrubs them all, together with
// the values of secret-named parameters (see RedactString). It is the one
// place a vendor client keeps its secrets; httpx uses it for every error and
// log line. A nil *Secrets redacts only secret-named parameters.
// Safe for concurrent use.
type Secrets struct {
	mu      sync.RWMutex
	pinned  []string            // spellings of the values given to NewSecrets
	learned []string            // spellings of values added later, oldest first
	all     []string            // pinned + learned, longest first
	added   map[string]struct{} // raw values already given to Add
}

// NewSecrets returns a registry holding values (empty ones are ignored).
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{}
	for _, v := range values {
		s.pinned = appendForms(s.pinned, v)
	}
	s.rebuild()
	return s
}

// Add registers values learned at run time (a session key, an access
// token), in every spelling. Empty values are ignored, and a value already
// added costs one map look-up, so a client may call Add with its current
// token on every request.
func (s *Secrets) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.RLock()
	known := true
	for _, v := range values {
		if _, ok := s.added[v]; !ok {
			known = false
			break
		}
	}
	s.mu.RUnlock()
	if known {
		return
	}
	s.mu.Lock()
	if s.added == nil {
		s.added = make(map[string]struct{})
	}
	for _, v := range values {
		if len(s.added) >= maxLearned {
			clear(s.added) // only a shortcut: forgetting a value costs a re-check
		}
		s.added[v] = struct{}{}
	}
	defer s.mu.Unlock()
	n := len(s.learned)
	for _, v := range values {
		s.learned = appendForms(s.learned, v)
	}
	if len(s.learned) == n {
		return
	}
	if over := len(s.learned) - maxLearned; over > 0 {
		s.learned = slices.Delete(s.learned, 0, over)
	}
	s.rebuild()
}

// rebuild recomputes all; s.mu is held (or s is not shared yet).
func (s *Secrets) rebuild() {
	all := slices.Concat(s.pinned, s.learned)
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	s.all = slices.Compact(all)
}

// Redact returns text with every registered spelling and every value of a
// secret-named parameter replaced by Redacted.
func (s *Secrets) Redact(text string) string {
	if s != nil {
		s.mu.RLock()
		for _, f := range s.all {
			if strings.Contains(text, f) {
				text = strings.ReplaceAll(text, f, Redacted)
			}
		}
		s.mu.RUnlock()
	}
	return RedactString(text)
}

// RedactError returns err with its text redacted, or nil for nil. The
// result matches what err matches with errors.Is (a context error, a
// sentinel) but does not unwrap to err, whose text or fields may hold a
// secret. The one wrapper every vendor uses for a cause whose text may
// quote a secret (a token source's error, a decoder error quoting a body).
func (s *Secrets) RedactError(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: s.Redact(err.Error()), err: err}
}

// RedactURL returns u as text with secret-named query values, a user-info
// password and every registered spelling replaced.
func (s *Secrets) RedactURL(u *url.URL) string { return s.Redact(RedactURL(u)) }

// Len reports how many spellings the registry holds (for tests).
func (s *Secrets) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.all)
}

// appendForms appends every spelling of v that is long enough to scrub.
func appendForms(forms []string, v string) []string {
	if len(v) < minSecretLen {
		return forms
	}
	jsonForm, _ := json.Marshal(v)
	candidates := []string{
		v,
		url.QueryEscape(v), // also the form-encoded spelling
		url.PathEscape(v),
		strings.Trim(string(jsonForm), `"`),
		strings.ReplaceAll(strings.Trim(string(jsonForm), `"`), "/", `\/`), // Java's and PHP's JSON writers
		html.EscapeString(v), // XML bodies
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)),
		base64.RawStdEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
	}
	for _, f := range candidates {
		if len(f) >= minSecretLen && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	return forms
}
