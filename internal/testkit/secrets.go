package testkit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

// Spellings returns the forms a secret can travel in: raw, query-escaped,
// path-escaped and base64 (standard and URL alphabets, padded or not).
func Spellings(secret string) []string {
	b := []byte(secret)
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)}
	return forms
}

// NoSecrets fails the test when text holds any spelling of any secret.
// what names the text in the failure message.
func NoSecrets(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range Spellings(s) {
			if f != "" && strings.Contains(text, f) {
				t.Errorf("%s holds the secret %q (as %q):\n%s", what, s, f, text)
				break
			}
		}
	}
}

// PrintEveryWay formats v with %v, %+v, %#v, %s and %q, and logs it through
// slog's text and JSON handlers, and returns all of it.
func PrintEveryWay(v any) string {
	var b bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	slog.New(slog.NewTextHandler(&b, nil)).Info("value", "v", v)
	slog.New(slog.NewJSONHandler(&b, nil)).Info("value", "v", v)
	return b.String()
}

// LogBuffer returns a debug-level slog.Logger writing JSON into the buffer
// returned with it, to scan what a client logged.
func LogBuffer() (*slog.Logger, *bytes.Buffer) {
	var b bytes.Buffer
	return slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}
