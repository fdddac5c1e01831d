package pardot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/pardot"
	"golang.org/x/oauth2"
)

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tok := pardot.WithToken("t", "0Uv000000000001AAA")
	for _, tc := range []struct {
		name string
		opts []pardot.Option
		want string
	}{
		{"no credentials", nil, "no credentials"},
		{"two credentials", []pardot.Option{tok, pardot.WithLegacyLogin("a@b.co", "p", "k")}, "more than one"},
		{"empty legacy", []pardot.Option{pardot.WithLegacyLogin("a@b.co", "", "k")}, "WithLegacyLogin: empty password"},
		{"token with a line break", []pardot.Option{pardot.WithToken("tok\r\nX-Injected: 1", "0Uv000000000001")}, "WithToken: the access token contains a control character"},
		{"blank token", []pardot.Option{pardot.WithToken("  ", "0Uv000000000001")}, "WithToken: empty access token"},
		{"bad business unit", []pardot.Option{pardot.WithToken("t", "001000000000001AAA")}, "0Uv"},
		{"empty token", []pardot.Option{pardot.WithToken("", "0Uv000000000001AAA")}, "empty access token"},
		{"nil token source", []pardot.Option{pardot.WithTokenSource(nil, "0Uv000000000001AAA")}, "nil TokenSource"},
		{"nil token func", []pardot.Option{pardot.WithTokenFunc(nil, "0Uv000000000001AAA")}, "nil TokenFunc"},
		{"token func, bad business unit", []pardot.Option{pardot.WithTokenFunc(func(context.Context) (*oauth2.Token, error) { return nil, nil }, "0Uv1")}, "0Uv"},
		{"token func and token", []pardot.Option{tok, pardot.WithTokenFunc(func(context.Context) (*oauth2.Token, error) { return nil, nil }, "0Uv000000000001AAA")}, "more than one"},
		{"version 5", []pardot.Option{tok, pardot.WithAPIVersion("5")}, `"5" is not "3" or "4"`},
		{"batch 51", []pardot.Option{tok, pardot.WithBatchSize(51)}, "not in 1..50"},
		{"batch 0", []pardot.Option{tok, pardot.WithBatchSize(0)}, "not in 1..50"},
		{"concurrency -1", []pardot.Option{tok, pardot.WithEngine(batch.Config{Concurrency: -1})}, "WithEngine: concurrency -1 is not in 0..256"},
		{"concurrency 257", []pardot.Option{tok, pardot.WithEngine(batch.Config{Concurrency: 257})}, "WithEngine: concurrency 257 is not in 0..256"},
		{"negative retry", []pardot.Option{tok, pardot.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: -1}})}, "WithEngine: retry policy has a negative field"},
		{"format", []pardot.Option{tok, pardot.WithFormat(0)}, "unknown format"},
		{"format 9", []pardot.Option{tok, pardot.WithFormat(9)}, "unknown format"},
		{"base URL", []pardot.Option{tok, pardot.WithBaseURL("pi.pardot.com")}, "want an absolute http(s) URL"},
		{"base URL with key", []pardot.Option{tok, pardot.WithBaseURL("https://pi.pardot.com/?api_key=x")}, "must not carry"},
		{"nil http client", []pardot.Option{tok, pardot.WithHTTPClient(nil)}, "nil *http.Client"},
		{"zero timeout", []pardot.Option{tok, pardot.WithTimeout(0)}, "timeout must be positive"},
		{"nil option", []pardot.Option{tok, nil}, "option 1 is nil"},
		{"keep", []pardot.Option{tok, pardot.WithEngine(batch.Config{Keep: 9})}, "WithEngine: unknown batch.Keep value 9"},
		{"tiny request cap", []pardot.Option{tok, pardot.WithMaxRequestBytes(100)}, "below 1024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := pardot.New(tc.opts...)
			if err == nil || c != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, %v; want an error containing %q", c, err, tc.want)
			}
		})
	}
	c, err := pardot.New(tok, pardot.WithAPIVersion("4"), pardot.WithBaseURL(pardot.DemoBaseURL+"/"))
	if err != nil || fmt.Sprint(c) != `pardot.Client{BaseURL: "https://pi.demo.pardot.com"}` {
		t.Errorf("New = %v, %v", c, err)
	}
}
