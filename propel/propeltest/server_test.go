package propeltest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// token gets a token from the fake with raw HTTP.
func token(t *testing.T, srv *propeltest.Server) string {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {propeltest.ClientID}, "client_secret": {propeltest.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("token: %v %d", err, resp.StatusCode)
	}
	return tr.AccessToken
}

func post(t *testing.T, srv *propeltest.Server, tok, path, body string) (int, map[string]any, http.Header) {
	t.Helper()
	bearer := ""
	if tok != "" {
		bearer = "Bearer " + tok
	}
	a := testkit.Call(t, http.MethodPost, srv.BaseURL()+path, map[string]string{"Content-Type": "application/json", "Authorization": bearer}, strings.NewReader(body))
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		t.Fatalf("answer is not JSON: %s", a.Body)
	}
	return a.Status, m, a.Header
}

func TestUnknownKeyAnswersLikeTheSeed(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	status, got, h := post(t, srv, token(t, srv), "/customers/bulk/sourceId",
		`{"customers":[{"source":"S","sourceId":"1","company":"ACME"}]}`)
	seed, err := os.ReadFile(filepath.Join("..", "testdata", "seed_400.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(seed, &want); err != nil {
		t.Fatal(err)
	}
	if status != 400 || h.Get("X-Request-Id") == "" {
		t.Fatalf("status %d, request id %q", status, h.Get("X-Request-Id"))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("10007 answer differs from the seed (-seed +fake):\n%s", d)
	}
	if len(srv.Customers()) != 0 {
		t.Fatal("a rejected request wrote records")
	}
}

func TestSchemaChecks(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	tok := token(t, srv)
	tests := []struct {
		name, path, body string
		status           int
		messages         []any
	}{
		{"null value", "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":"1","firstName":null}]}`, 400,
			[]any{"#/customers/0/firstName: expected type: String, found: Null"}},
		{"missing sourceId", "/customers/bulk/sourceId", `{"customers":[{"source":"S"}]}`, 400,
			[]any{"#/customers/0: required key [sourceId] not found"}},
		{"id on sourceId endpoint", "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":1,"id":4}]}`, 400,
			[]any{"#/customers/0: extraneous key [id] is not permitted"}},
		{"company needs language", "/companies/bulk/sourceId", `{"companies":[{"source":"S","sourceId":"1"}]}`, 400,
			[]any{"#/companies/0: required key [language] not found"}},
		{"bad address", "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":"1","addresses":[{"type":"home","street":"s","city":"c","country":"NL","x":1}]}]}`, 400,
			[]any{"#/customers/0/addresses/0/type: home is not a valid enum value", "#/customers/0/addresses/0: extraneous key [x] is not permitted"}},
		{"top-level key", "/contacts/bulk/id", `{"contacts":[],"extra":true}`, 400,
			[]any{"#: extraneous key [extra] is not permitted"}},
		{"contacts need parent company", "/contacts/bulk/id", `{"contacts":[{"id":5,"parent":{"id":1}}]}`, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got, _ := post(t, srv, tok, tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, got)
			}
			if tt.status != 400 {
				return
			}
			e := got["error"].(map[string]any)
			if d := cmp.Diff(tt.messages, e["messages"]); d != "" || e["code"] != float64(10007) {
				t.Fatalf("code %v, messages (-want +got):\n%s", e["code"], d)
			}
		})
	}
	if _, ok := srv.ContactByID(5); ok {
		t.Fatal("a contact without its parent company was stored")
	}
}

func TestAuthAndTokens(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	if status, _, _ := post(t, srv, "", "/customers/bulk/id", `{"customers":[]}`); status != 401 {
		t.Fatalf("no token: %d", status)
	}
	if status, _, _ := post(t, srv, "forged", "/customers/bulk/id", `{"customers":[]}`); status != 401 {
		t.Fatalf("forged token: %d", status)
	}
	tok := token(t, srv)
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", `{"customers":[{"id":1}]}`); status != 200 {
		t.Fatalf("good token: %d", status)
	}
	srv.ExpireTokens()
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", `{"customers":[{"id":1}]}`); status != 401 {
		t.Fatalf("expired token: %d", status)
	}
	resp, err := http.PostForm(srv.URL+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {propeltest.ClientID}, "client_secret": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("bad secret: %d", resp.StatusCode)
	}
	srv.SetLegacyTokens(true)
	resp, err = http.PostForm(srv.URL+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {propeltest.ClientID}, "client_secret": {propeltest.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var legacy map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&legacy)
	resp.Body.Close()
	if legacy["token_type"] != "BearerToken" || legacy["expires_in"] != "1800" {
		t.Fatalf("legacy answer %v", legacy)
	}
}

func TestUpsertAndReadBack(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	tok := token(t, srv)
	_, got, _ := post(t, srv, tok, "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":3002196,"language":"NL","firstName":"A"},{"source":"S","sourceId":"x","lastName":"B"}]}`)
	data := got["data"].([]any)
	first, second := data[0].(map[string]any), data[1].(map[string]any)
	if first["key"] != float64(3002196) || first["action"] != "create" || second["key"] != "x" || got["total"] != float64(2) {
		t.Fatalf("answer %v", got)
	}
	_, got, _ = post(t, srv, tok, "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":"3002196","language":"NL","lastName":"Z"}]}`)
	if a := got["data"].([]any)[0].(map[string]any)["action"]; a != "update" {
		t.Fatalf("second send: %v", got)
	}
	rec, ok := srv.Customer("S", "3002196", "NL")
	if !ok || rec.Text("firstName") != "A" || rec.Text("lastName") != "Z" || rec.Creates != 1 || rec.Updates != 1 || rec.Text("id") != strconv.FormatInt(rec.ID, 10) {
		t.Fatalf("read back %+v", rec)
	}
	if n := len(srv.Customers()); n != 2 {
		t.Fatalf("%d stored", n)
	}
}

// TestTokenTTLRunsOnTheServerClock: a token expires when the clock the
// test controls passes its TTL, not on the wall clock.
func TestTokenTTLRunsOnTheServerClock(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	clock := srv.UseManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv.SetTokenTTL(10 * time.Minute)
	tok := token(t, srv)
	clock.Advance(10*time.Minute - time.Second)
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", `{"customers":[{"id":1}]}`); status != 200 {
		t.Fatalf("a token one second before its expiry: %d", status)
	}
	clock.Advance(2 * time.Second)
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", `{"customers":[{"id":1}]}`); status != 401 {
		t.Fatalf("a token past its expiry: %d", status)
	}
}

// TestFaults: the shared fault constructors and Propel's own, each on
// the request it was queued for, in order.
func TestFaults(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	tok := token(t, srv)
	srv.FailNext(1, fakekit.Status(503))
	srv.FailNext(1, fakekit.RateLimited(2*time.Second))
	srv.FailNext(1, propeltest.ServerErrorAfterWrite())
	srv.FailNext(1, propeltest.ExpireToken())
	body := `{"customers":[{"id":1,"firstName":"A"}]}`
	status, m, _ := post(t, srv, tok, "/customers/bulk/id", body)
	if status != 503 || m["error"] == nil {
		t.Fatalf("503 fault: %d %v", status, m)
	}
	status, _, h := post(t, srv, tok, "/customers/bulk/id", body)
	if status != 429 || h.Get("Retry-After") != "2" {
		t.Fatalf("429 fault: %d Retry-After %q", status, h.Get("Retry-After"))
	}
	if _, ok := srv.CustomerByID(1); ok {
		t.Fatal("a refused request was written")
	}
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", body); status != 500 {
		t.Fatalf("500 after write: %d", status)
	}
	if rec, ok := srv.CustomerByID(1); !ok || rec.Creates != 1 {
		t.Fatal("the after-write fault did not write")
	}
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", body); status != 401 {
		t.Fatalf("expire token: %d", status)
	}
	if status, _, _ := post(t, srv, tok, "/customers/bulk/id", body); status != 401 {
		t.Fatalf("the expired token still works: %d", status)
	}
	if st := srv.Stats(); st.Requests != 5 || st.TokenRequests != 1 || st.Writes != 1 || srv.PendingFaults() != 0 {
		t.Fatalf("stats %+v, faults left %d", st, srv.PendingFaults())
	}
}

// TestCountOnlyKeepsNoRecord: in count-only mode requests are checked as
// strictly, answered, and counted, but nothing is stored.
func TestCountOnlyKeepsNoRecord(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	srv.SetCountOnly(true)
	tok := token(t, srv)
	status, m, _ := post(t, srv, tok, "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":"1"},{"source":"S","sourceId":"2"}]}`)
	if status != 200 || len(m["data"].([]any)) != 2 {
		t.Fatalf("count-only answer: %d %v", status, m)
	}
	if status, _, _ := post(t, srv, tok, "/customers/bulk/sourceId", `{"customers":[{"source":"S","sourceId":"3","company":"x"}]}`); status != 400 {
		t.Fatalf("count-only must check as strictly: %d", status)
	}
	if n := len(srv.Customers()); n != 0 || srv.Stats().Writes != 2 {
		t.Fatalf("%d stored, %d writes counted; want 0 and 2", n, srv.Stats().Writes)
	}
}

// TestCodeRule: Propel's codes are numbers, so FailNext refuses a word
// Code (fakekit.FaultRules) instead of answering it as something else.
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, true)
}
