package noojee_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// leakKey is long (so a message cut at 40 or 200 bytes could hold part of
// it) and holds characters that query, path, JSON and %q escape
// differently.
const leakKey = `Sup3r+Secret/Key=9f8e\x"0123456789abcdef0123456789abcdef0123456789abcdef`

// keyForms are the spellings of leakKey an echo may carry, and fragments
// that must not show either.
func keyForms() []string {
	js, _ := json.Marshal(leakKey)
	forms := []string{
		leakKey, url.QueryEscape(leakKey), url.PathEscape(leakKey),
		string(js[1 : len(js)-1]), strings.ReplaceAll(string(js[1:len(js)-1]), "/", `\/`),
		fmt.Sprintf("%q", leakKey), "Sup3r", "0123456789abcdef0123",
	}
	return forms
}

// echoModes are hostile answers, chosen by the campaign id: each reflects
// the apiKey (or the whole request URL) in some spelling or position.
var echoModes = map[string]func(w http.ResponseWriter, r *http.Request){
	"dnc-message": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"code":104,"message":%q}`, "DNC for "+r.URL.String()+" apiKey="+r.URL.Query().Get("apiKey"))
	},
	"401-text": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		fmt.Fprintf(w, "bad key %s", r.URL.Query().Get("apiKey"))
	},
	"html-url": func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<html>%s</html>", r.URL.String())
	},
	"code-is-key": func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(map[string]string{"code": r.URL.Query().Get("apiKey")})
		w.Write(b)
	},
	"json-escaped-key": func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(map[string]string{"status": r.URL.Query().Get("apiKey")})
		w.WriteHeader(502)
		w.Write(bytes.ReplaceAll(b, []byte("/"), []byte(`\/`)))
	},
	"key-across-cut": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		fmt.Fprintf(w, "%s %s trailing", strings.Repeat("x", 180), r.URL.Query().Get("apiKey"))
	},
	"path-escaped-key": func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		fmt.Fprintf(w, "no route to /%s", url.PathEscape(r.URL.Query().Get("apiKey")))
	},
	"key-as-external-id": func(w http.ResponseWriter, r *http.Request) {
		k := r.URL.Query().Get("apiKey")
		b, _ := json.Marshal([]map[string]any{{"code": 0, "njExternalLeadId": k}, {"code": 0, "njExternalLeadId": k}})
		w.Write(b)
	},
	"key-in-lead-id": func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(map[string]any{"code": 0, "leadId": r.URL.Query().Get("apiKey")})
		w.Write(b)
	},
}

// The apiKey travels in the query string; it must never show in an error,
// a log line or a printed client, whatever goes wrong: hostile servers
// echoing it in any spelling, transport faults, a server that is not there.
func TestAPIKeyNeverLeaks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echoModes[r.URL.Query().Get("fCampaignId")](w, r)
	}))
	defer echo.Close()
	fake := noojeetest.NewServer()
	fake.SetAPIKey(leakKey)
	defer fake.Close()

	var texts []string
	collect := func(err error) {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		var ne *noojee.Error
		if errors.As(err, &ne) {
			texts = append(texts, ne.Message, fmt.Sprintf("%#v", *ne))
		}
	}
	run := func(name, base, campaign string, bulk bool, fault *fakekit.Fault) {
		c, err := noojee.New(noojee.WithBaseURL(base), noojee.WithAPIKey(leakKey),
			noojee.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}),
			noojee.WithEngine(batch.Config{Logger: logger}))
		if err != nil {
			t.Fatal(err)
		}
		if fault != nil {
			fake.FailNext(3, *fault) // every send fails (103 is sent up to 3 times)
			defer fake.ClearFaults()
		}
		tg := target
		tg.CampaignID = campaign
		camp := c.Campaign(tg)
		var rep *batch.Report[noojee.Result]
		if bulk {
			rep, err = camp.Create(context.Background(), slices.Values(makeLeads(0, 2)))
		} else {
			rep, err = camp.Create(context.Background(), slices.Values(makeLeads(0, 1)))
		}
		if name == "key-in-lead-id" {
			// A lead id is the server's data, not an error: only its
			// printing is checked, through the client below.
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		} else if err == nil {
			t.Errorf("%s: no error", name)
			return
		} else {
			collect(err)
		}
		for _, o := range rep.Outcomes {
			if o.Err != nil {
				collect(o.Err)
			}
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			texts = append(texts, fmt.Sprintf(verb, c), fmt.Sprintf(verb, camp), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, *camp))
		}
		logger.Debug("client", "client", c, "campaign", camp)
	}
	for mode := range echoModes {
		run(mode, echo.URL, mode, mode == "key-as-external-id", nil)
	}
	faults := map[string]fakekit.Fault{"drop": fakekit.Drop(), "drop after write": fakekit.DropAfterWrite(),
		"malformed": {Status: 200, Body: "<html><body>Proxy Error</body></html>", AfterWrite: true},
		"503":       fakekit.Status(503), "103": noojeetest.Exception()}
	for name, f := range faults {
		run(name, fake.BaseURL(), target.CampaignID, false, &f)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	run("dead server", dead.URL, target.CampaignID, false, nil)

	if logs.Len() == 0 || len(texts) < 100 {
		t.Fatalf("%d log bytes, %d texts: the test would prove nothing", logs.Len(), len(texts))
	}
	texts = append(texts, logs.String())
	for _, s := range texts {
		for _, form := range keyForms() {
			if strings.Contains(s, form) {
				t.Errorf("leaks the apiKey as %q:\n%s", form, s)
			}
		}
	}
}
