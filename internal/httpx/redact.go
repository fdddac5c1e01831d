package httpx

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret value in logs and errors.
const Redacted = "REDACTED"

// secretNames are the query parameters, form fields and headers whose values
// never appear in a log line or an error (compared case-insensitively).
var secretNames = []string{
	"key", "api_key", "apikey", "user_key", "authorization", "token",
	"access_token", "refresh_token", "password", "client_secret", "secret", "ssn",
}

// IsSecretName reports whether a parameter or header of this name holds a secret.
func IsSecretName(name string) bool {
	for _, s := range secretNames {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// secretPattern finds name=value and "name":"value" pairs of secret names,
// and the credentials after an auth scheme, inside free text.
var secretPattern = regexp.MustCompile(
	`(?i)((?:^|[?&\s,;"'{(])(?:key|api_key|apikey|user_key|token|access_token|refresh_token|password|client_secret|secret|ssn)(?:"\s*:\s*"|=|:\s*))([^&\s,;"'}]+)` +
		`|((?:bearer|basic|pardot)\s+)([^\s,;"']+)`)

// RedactString hides the secrets in free text (a URL, an error message, a
// body snippet): values of secret-named parameters and credentials after an
// auth scheme, plus any of the extra literal secrets given.
func RedactString(s string, extra ...string) string {
	for _, x := range extra {
		if len(x) >= 4 {
			s = strings.ReplaceAll(s, x, Redacted)
		}
	}
	return secretPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := secretPattern.FindStringSubmatch(m)
		if sub[1] != "" {
			return sub[1] + Redacted
		}
		return sub[3] + Redacted
	})
}

// RedactURL returns u as a string with the values of secret-named query
// parameters and any user-info password replaced.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, ok := c.User.Password(); ok {
			c.User = url.UserPassword(c.User.Username(), Redacted)
		}
	}
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = RedactString(c.RawQuery)
		} else {
			for k := range q {
				if IsSecretName(k) {
					q[k] = []string{Redacted}
				}
			}
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// RedactHeader returns a copy of h with the values of secret-named headers
// replaced.
func RedactHeader(h http.Header) http.Header {
	c := h.Clone()
	for k := range c {
		if IsSecretName(k) {
			c[k] = []string{Redacted}
		}
	}
	return c
}
