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

// CheckPrinted prints every value every way (PrintEveryWay) and fails the
// test when the text holds a secret, or does not show shows (the base URL,
// say: proof that the values printed something). It returns the text.
func CheckPrinted(t testing.TB, shows string, secrets []string, values ...any) string {
	t.Helper()
	var b strings.Builder
	for _, v := range values {
		b.WriteString(PrintEveryWay(v))
	}
	NoSecrets(t, "the printed values", b.String(), secrets...)
	if !strings.Contains(b.String(), shows) {
		t.Errorf("the printed values do not show %q:\n%s", shows, b.String())
	}
	return b.String()
}

// CheckLog fails the test when log holds a secret, or does not hold proof
// (a line the run must have logged, without which the scan proves
// nothing; "" skips that check).
func CheckLog(t testing.TB, log string, proof string, secrets ...string) {
	t.Helper()
	if !strings.Contains(log, proof) {
		t.Errorf("the log holds no %q: the scan for secrets proves nothing:\n%s", proof, log)
	}
	NoSecrets(t, "the log", log, secrets...)
}
