package noojee_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

func TestNewOptions(t *testing.T) {
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
		{"empty key", []noojee.Option{host, noojee.WithAPIKey(" ")}, "apiKey is empty", ""},
		{"http host", []noojee.Option{noojee.WithHost("http://pbx.example.com"), key}, "WithHost", ""},
		{"host with path", []noojee.Option{noojee.WithHost("pbx.example.com/x"), key}, "WithHost", ""},
		{"remote http", []noojee.Option{noojee.WithBaseURL("http://pbx.example.com"), key}, "loopback", ""},
		{"ftp", []noojee.Option{noojee.WithBaseURL("ftp://pbx.example.com"), key}, "scheme", ""},
		{"short timeout", []noojee.Option{host, key, noojee.WithTimeout(30 * time.Second)}, "above 60 s", ""},
		{"60 s is not above 60 s", []noojee.Option{host, key, noojee.WithTimeout(60 * time.Second)}, "above 60 s", ""},
		{"long timeout", []noojee.Option{host, key, noojee.WithTimeout(2 * time.Minute)}, "", "https://pbx.example.com/servicemanager/rest/CampaignAPI"},
		{"short http.Client", []noojee.Option{host, key, noojee.WithHTTPClient(&http.Client{Timeout: 10 * time.Second})}, "shorter than", ""},
		{"timeout and http.Client", []noojee.Option{host, key, noojee.WithTimeout(2 * time.Minute), noojee.WithHTTPClient(&http.Client{})}, "together", ""},
		{"nil http.Client", []noojee.Option{host, key, noojee.WithHTTPClient(nil)}, "nil", ""},
		{"concurrency 0", []noojee.Option{host, key, noojee.WithConcurrency(0)}, "WithConcurrency", ""},
		{"batch 0", []noojee.Option{host, key, noojee.WithBatchSize(0)}, "WithBatchSize", ""},
		{"batch too big", []noojee.Option{host, key, noojee.WithBatchSize(noojee.MaxBatchSize + 1)}, "WithBatchSize", ""},
		{"negative 103 retries", []noojee.Option{host, key, noojee.WithExceptionRetries(-1)}, "negative", ""},
		{"negative policy", []noojee.Option{host, key, noojee.WithRetryPolicy(batch.RetryPolicy{BaseDelay: -1})}, "negative", ""},
		{"bad transport retry", []noojee.Option{host, key, noojee.WithTransportRetry(1, time.Second, time.Millisecond)}, "WithTransportRetry", ""},
		{"bad keep", []noojee.Option{host, key, noojee.WithKeep(9)}, "WithKeep", ""},
		{"nil option", []noojee.Option{host, key, nil}, "nil Option", ""},
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
	if p := noojee.DefaultRetryPolicy(); p.MaxAttempts < 5 || p.MaxDelay < 30*time.Second {
		t.Errorf("default policy %+v is not patient", p)
	}
}

// The apiKey travels in the query string; it must never show in an error
// or a log line, whatever goes wrong, even when a server echoes it back.
func TestAPIKeyNeverLeaks(t *testing.T) {
	const key = "Sup3r+Secret/Key=9f8e"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// A hostile server echoing the raw request URL back in every answer.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("fCampaignId") {
		case "400":
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"code":104,"message":"DNC for %s apiKey=%s"}`, r.URL.String(), r.URL.Query().Get("apiKey"))
		case "401":
			w.WriteHeader(401)
			fmt.Fprintf(w, "bad key %s", r.URL.Query().Get("apiKey"))
		default:
			fmt.Fprintf(w, "<html>%s</html>", r.URL.String())
		}
	}))
	defer echo.Close()
	fake := noojeetest.NewServer()
	fake.SetAPIKey(key)
	defer fake.Close()

	var errs []error
	run := func(base string, campaign string, fault noojeetest.Fault) {
		c, err := noojee.New(noojee.WithBaseURL(base), noojee.WithAPIKey(key), noojee.WithLogger(logger),
			noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
			noojee.WithTransportRetry(1, time.Millisecond, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if fault != 0 {
			fake.FailNext(1, fault)
		}
		tg := target
		tg.CampaignID = campaign
		rep, err := c.Campaign(tg).InsertEach(context.Background(), makeLeads(0, 1))
		if err == nil {
			t.Fatalf("%s %s %v: no error", base, campaign, fault)
		}
		errs = append(errs, err)
		for _, o := range rep.Outcomes {
			errs = append(errs, o.Err)
		}
	}
	for _, cp := range []string{"400", "401", "200"} {
		run(echo.URL, cp, 0)
	}
	for _, f := range []noojeetest.Fault{noojeetest.FaultDrop, noojeetest.FaultDropAfterWrite, noojeetest.FaultMalformed, noojeetest.FaultUnavailable, noojeetest.FaultException} {
		run(fake.URL, target.CampaignID, f)
	}
	// A server that is not there at all.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	run(dead.URL, target.CampaignID, 0)

	secrets := []string{key, "Sup3r%2BSecret%2FKey%3D9f8e", "Sup3r"}
	for _, err := range errs {
		var ne *noojee.Error
		texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
		if errors.As(err, &ne) {
			texts = append(texts, ne.Message)
		}
		for _, s := range texts {
			for _, sec := range secrets {
				if strings.Contains(s, sec) {
					t.Errorf("error leaks the apiKey (%q): %s", sec, s)
				}
			}
		}
	}
	if logs.Len() == 0 {
		t.Fatal("no log lines: the test would prove nothing")
	}
	for _, sec := range secrets {
		if strings.Contains(logs.String(), sec) {
			t.Errorf("logs leak the apiKey (%q):\n%s", sec, logs.String())
		}
	}
}
