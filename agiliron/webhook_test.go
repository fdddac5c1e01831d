package agiliron_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

const testSecret = "0123456789abcdef-secret"

type delivery struct {
	ref string
	res *agiliron.BatchResult
}

func newHook(t *testing.T, opts ...agiliron.WebhookOption) (*agiliron.WebhookHandler, *[]delivery) {
	t.Helper()
	var (
		mu  sync.Mutex
		got []delivery
	)
	opts = append(opts, agiliron.WithResultHook(func(ref string, r *agiliron.BatchResult) {
		mu.Lock()
		got = append(got, delivery{ref, r})
		mu.Unlock()
	}))
	h, err := agiliron.NewWebhookHandler(testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, &got
}

func callback(h http.Handler, method, query, ct, body string) int {
	req := httptest.NewRequest(method, "/hooks/agiliron?"+query, strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestWebhookEverySeedVariantDecodesAlike(t *testing.T) {
	t.Parallel()
	h, got := newHook(t)
	want := []agiliron.ResultEntry{{LeadID: "123", LeadName: "John Doe", Record: 1}}
	for i, tt := range []struct{ file, method, ct string }{
		{"webhook_norecord.xml", http.MethodPut, "application/xml"},
		{"webhook_norecord.json", http.MethodPut, "application/json"},
		{"webhook_record.xml", http.MethodPost, ""},
		{"webhook_record.json", http.MethodPost, "text/plain"}, // sniffed
	} {
		q := url.Values{"secret": {testSecret}, "ref": {tt.file}}
		if code := callback(h, tt.method, q.Encode(), tt.ct, string(testkit.Testdata(t, tt.file))); code != http.StatusOK {
			t.Fatalf("%s: status %d", tt.file, code)
		}
		d := (*got)[i]
		w := want
		if strings.Contains(tt.file, "norecord") {
			w = []agiliron.ResultEntry{{LeadID: "123", LeadName: "John Doe"}}
		}
		if d.ref != tt.file || d.res.SuccessNumber != 1 || d.res.FailureNumber != 1 || len(d.res.Failure) != 1 ||
			d.res.Failure[0].Message != "Lead Last Name cannot be blank" || d.res.Failure[0].LeadID != "456" {
			t.Fatalf("%s: delivered %+v", tt.file, d)
		}
		if diff := cmp.Diff(w, d.res.Success); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
	}
}

func TestWebhookRefusals(t *testing.T) {
	t.Parallel()
	h, got := newHook(t, agiliron.WithWebhookMaxBody(1024))
	body := string(testkit.Testdata(t, "webhook_record.json"))
	ok := url.Values{"secret": {testSecret}, "ref": {"r1"}}.Encode()
	tests := []struct {
		name, method, query, ct, body string
		want                          int
	}{
		{"forged secret", http.MethodPut, url.Values{"secret": {testSecret + "x"}, "ref": {"r1"}}.Encode(), "application/json", body, http.StatusUnauthorized},
		{"secret prefix", http.MethodPut, url.Values{"secret": {testSecret[:10]}, "ref": {"r1"}}.Encode(), "application/json", body, http.StatusUnauthorized},
		{"no secret", http.MethodPut, "ref=r1", "application/json", body, http.StatusUnauthorized},
		{"GET", http.MethodGet, ok, "", "", http.StatusMethodNotAllowed},
		{"no ref", http.MethodPut, url.Values{"secret": {testSecret}}.Encode(), "application/json", body, http.StatusBadRequest},
		{"malformed json", http.MethodPut, ok, "application/json", `{"result":`, http.StatusBadRequest},
		{"malformed xml", http.MethodPost, ok, "application/xml", `<result><Success>`, http.StatusBadRequest},
		{"not a result", http.MethodPut, ok, "application/json", `{"hello":"world"}`, http.StatusBadRequest},
		{"too large", http.MethodPut, ok, "application/json", `{"result":{"SuccessNumber":"` + strings.Repeat("1", 2000) + `"}}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := callback(h, tt.method, tt.query, tt.ct, tt.body); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	if len(*got) != 0 {
		t.Fatalf("refused callbacks delivered %d results", len(*got))
	}
	if code := callback(h, http.MethodPut, ok, "application/json", body); code != http.StatusOK {
		t.Fatalf("good callback: status %d", code)
	}
	if len(*got) != 1 {
		t.Fatalf("%d deliveries", len(*got))
	}
}

func TestWebhookDuplicateDeliveryCountsOnce(t *testing.T) {
	t.Parallel()
	h, got := newHook(t)
	q := url.Values{"secret": {testSecret}, "ref": {"dup"}}.Encode()
	first := string(testkit.Testdata(t, "webhook_record.xml"))
	second := `<result><SuccessNumber>0</SuccessNumber><FailureNumber>2</FailureNumber></result>` // a different, later body
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Go(func() {
			b := first
			if i%2 == 1 {
				b = second
			}
			if i == 0 {
				b = first
			}
			codes[i] = callback(h, http.MethodPut, q, "application/xml", b)
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("delivery %d answered %d", i, c)
		}
	}
	if len(*got) != 1 {
		t.Fatalf("%d deliveries of one batch, want 1", len(*got))
	}
	if code := callback(h, http.MethodPut, q, "application/xml", first); code != http.StatusOK || len(*got) != 1 {
		t.Fatalf("late repeat: status %d, %d deliveries", code, len(*got))
	}
}

func TestNewWebhookHandlerRejectsWeakSecret(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "short", "has space in it 123456", strings.Repeat("a", 300), "ünïcode-secret-value"} {
		if _, err := agiliron.NewWebhookHandler(s); err == nil {
			t.Errorf("NewWebhookHandler(%q) accepted", s)
		}
	}
	if _, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret()); err != nil {
		t.Fatal(err)
	}
	if _, err := agiliron.NewWebhookHandler(testSecret, agiliron.WithWebhookMaxBody(0)); err == nil {
		t.Fatal("max body 0 accepted")
	}
	// A nil option is an error, as for New, never a panic.
	if _, err := agiliron.NewWebhookHandler(testSecret, agiliron.WithWebhookMaxBody(1<<16), nil); err == nil || !strings.Contains(err.Error(), "option 1 is nil") {
		t.Fatalf("nil option: %v", err)
	}
}

func TestWebhookPrintHidesSecret(t *testing.T) {
	t.Parallel()
	h, _ := newHook(t)
	out := testkit.PrintEveryWay(h)
	testkit.NoSecrets(t, "printed handler", out, testSecret)
	if !strings.Contains(out, "agiliron.WebhookHandler{pending: 0}") {
		t.Fatalf("printed %q", out)
	}
}

func TestZeroWebhookHandlerDoesNotPanic(t *testing.T) {
	t.Parallel()
	var h agiliron.WebhookHandler
	if code := callback(&h, http.MethodPut, "secret=&ref=x", "application/json", `{"result":{}}`); code != http.StatusInternalServerError {
		t.Fatalf("status %d", code)
	}
	if _, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("k-123456"), agiliron.WithWebhook(&h, "https://h.example/")); err == nil {
		t.Fatal("a zero handler was accepted")
	}
}
