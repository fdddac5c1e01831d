package noojee_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
)

func TestNewOptions(t *testing.T) {
	t.Parallel()
	key := noojee.WithAPIKey("k-123456")
	host := noojee.WithHost("pbx.example.com")
	cases := []struct {
		name string
		opts []noojee.Option
		err  string // "" for success
		base string
	}{
		{"ok", []noojee.Option{host, key}, "", "https://pbx.example.com/servicemanager/rest/CampaignAPI"},
		{"https prefix", []noojee.Option{noojee.WithHost("https://pbx.example.com:8443/"), key}, "", "https://pbx.example.com:8443/servicemanager/rest/CampaignAPI"},
		{"loopback http", []noojee.Option{noojee.WithBaseURL("http://127.0.0.1:9999"), key}, "", "http://127.0.0.1:9999/servicemanager/rest/CampaignAPI"},
		{"full base", []noojee.Option{noojee.WithBaseURL("https://x.example/servicemanager/rest/CampaignAPI/"), key}, "", "https://x.example/servicemanager/rest/CampaignAPI"},
		{"no host", []noojee.Option{key}, "server is required", ""},
		{"no key", []noojee.Option{host}, "apiKey is required", ""},
		{"empty key", []noojee.Option{host, noojee.WithAPIKey(" ")}, "empty apiKey", ""},
		{"key with a line break", []noojee.Option{host, noojee.WithAPIKey("k\ny")}, "apiKey contains a control character", ""},
		{"http host", []noojee.Option{noojee.WithHost("http://pbx.example.com"), key}, "WithHost", ""},
		{"host with path", []noojee.Option{noojee.WithHost("pbx.example.com/x"), key}, "WithHost", ""},
		{"remote http", []noojee.Option{noojee.WithBaseURL("http://pbx.example.com"), key}, "loopback", ""},
		{"ftp", []noojee.Option{noojee.WithBaseURL("ftp://pbx.example.com"), key}, "http(s)", ""},
		{"short timeout", []noojee.Option{host, key, noojee.WithTimeout(30 * time.Second)}, "minimum 1m1s", ""},
		{"60 s is not above 60 s", []noojee.Option{host, key, noojee.WithTimeout(60 * time.Second)}, "minimum 1m1s", ""},
		{"long timeout", []noojee.Option{host, key, noojee.WithTimeout(2 * time.Minute)}, "", "https://pbx.example.com/servicemanager/rest/CampaignAPI"},
		{"short http.Client", []noojee.Option{host, key, noojee.WithHTTPClient(&http.Client{Timeout: 10 * time.Second})}, "shorter than", ""},
		{"timeout and http.Client", []noojee.Option{host, key, noojee.WithTimeout(2 * time.Minute), noojee.WithHTTPClient(&http.Client{})}, "together", ""},
		{"nil http.Client", []noojee.Option{host, key, noojee.WithHTTPClient(nil)}, "nil", ""},
		{"concurrency -1", []noojee.Option{host, key, noojee.WithEngine(batch.Config{Concurrency: -1})}, "WithEngine", ""},
		{"concurrency at the shared maximum", []noojee.Option{host, key, noojee.WithEngine(batch.Config{Concurrency: 256})}, "", "https://pbx.example.com/servicemanager/rest/CampaignAPI"},
		{"concurrency above the shared maximum", []noojee.Option{host, key, noojee.WithEngine(batch.Config{Concurrency: 257})}, "WithEngine", ""},
		{"batch 0", []noojee.Option{host, key, noojee.WithBatchSize(0)}, "WithBatchSize", ""},
		{"batch too big", []noojee.Option{host, key, noojee.WithBatchSize(noojee.MaxBatchSize + 1)}, "WithBatchSize", ""},
		{"negative policy", []noojee.Option{host, key, noojee.WithEngine(batch.Config{Retry: batch.RetryPolicy{BaseDelay: -1}})}, "negative", ""},
		{"bad keep", []noojee.Option{host, key, noojee.WithEngine(batch.Config{Keep: 9})}, "WithEngine", ""},
		{"tiny request limit", []noojee.Option{host, key, noojee.WithMaxRequestBytes(10)}, "WithMaxRequestBytes", ""},
		{"nil option", []noojee.Option{host, key, nil}, "option 2 is nil", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := noojee.New(tc.opts...)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.BaseURL() != tc.base {
					t.Errorf("base %q, want %q", c.BaseURL(), tc.base)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want one mentioning %q", err, tc.err)
			}
		})
	}
}
