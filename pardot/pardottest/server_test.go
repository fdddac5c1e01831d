package pardottest

import (
	"github.com/crmbatch/crmbatch/internal/fakekit"

	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func post(t *testing.T, srv *Server, path string, form url.Values, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func bearer() http.Header {
	return http.Header{"Authorization": {"Bearer " + AccessToken}, "Pardot-Business-Unit-Id": {BusinessUnitID}}
}

func login(t *testing.T, srv *Server) string {
	t.Helper()
	_, body := post(t, srv, "/api/login/version/3", url.Values{"email": {Email}, "password": {Password}, "user_key": {UserKey}, "format": {"json"}}, nil)
	var r struct {
		APIKey string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.APIKey == "" {
		t.Fatalf("login: %s", body)
	}
	return r.APIKey
}

func TestRequestShapeIsChecked(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	many := make([]string, 51)
	for i := range many {
		many[i] = `{"email":"p` + itoa(i) + `@example.com"}`
	}
	for _, tc := range []struct {
		name, path, prospects string
		header                http.Header
		want                  string
	}{
		{"no auth", "/api/prospect/version/4/do/batchCreate", `{"prospects":[{"email":"a@example.com"}]}`, nil, `"err_code":126`},
		{"bad token", "/api/prospect/version/4/do/batchCreate", `{"prospects":[{"email":"a@example.com"}]}`, http.Header{"Authorization": {"Bearer nope"}, "Pardot-Business-Unit-Id": {BusinessUnitID}}, `"err_code":184},"err":"access_token is invalid, unknown, or malformed: Inactive token"`},
		{"credentials in URL", "/api/prospect/version/4/do/batchCreate?api_key=x&user_key=y", `{"prospects":[{"email":"a@example.com"}]}`, bearer(), `"err_code":126`},
		{"v3 given an array", "/api/prospect/version/3/do/batchCreate", `{"prospects":[{"email":"a@example.com"}]}`, bearer(), `"err_code":91`},
		{"v4 given a keyed map", "/api/prospect/version/4/do/batchCreate", `{"prospects":{"a@example.com":{}}}`, bearer(), `"err_code":90`},
		{"v3 XML without identifier", "/api/prospect/version/3/do/batchCreate", `<prospects><prospect><email>a@example.com</email></prospect></prospects>`, bearer(), `"err_code":91`},
		{"v4 XML with identifier", "/api/prospect/version/4/do/batchCreate", `<prospects><prospect identifier="a@example.com"></prospect></prospects>`, bearer(), `"err_code":90`},
		{"not JSON or XML", "/api/prospect/version/3/do/batchCreate", `prospects!`, bearer(), `"err_code":71`},
		{"broken JSON", "/api/prospect/version/3/do/batchCreate", `{"prospects":{"a@example.com":`, bearer(), `"err_code":71`},
		{"51 prospects", "/api/prospect/version/4/do/batchCreate", `{"prospects":[` + strings.Join(many, ",") + `]}`, bearer(), `"err_code":70`},
		{"missing prospects", "/api/prospect/version/4/do/batchCreate", ``, bearer(), `"err_code":13`},
		{"ok v3 with per-prospect error", "/api/prospect/version/3/do/batchCreate", `{"prospects":{"a@example.com":{"first_name":"A"},"bad":{}}}`, bearer(), `{"@attributes":{"stat":"ok","version":1},"errors":{"bad":"Invalid prospect email address"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"format": {"json"}}
			if tc.prospects != "" {
				form.Set("prospects", tc.prospects)
			}
			status, body := post(t, srv, tc.path, form, tc.header)
			if status != 200 || !strings.Contains(body, tc.want) {
				t.Errorf("HTTP %d %s, want %s", status, body, tc.want)
			}
		})
	}
	if got := srv.Len(); got != 1 {
		t.Errorf("stored %d prospects, want 1", got)
	}
	// Method and content type.
	resp, err := srv.Client().Get(srv.URL + "/api/prospect/version/3/do/batchCreate")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d", resp.StatusCode)
	}
}

func TestXMLResponses(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	form := url.Values{"prospects": {`<prospects><prospect><email>a@example.com</email></prospect><prospect><email>nope</email></prospect></prospects>`}}
	_, body := post(t, srv, "/api/prospect/version/4/do/batchCreate", form, bearer())
	if want := `<rsp stat="ok" version="1.0"><errors><prospect index="1">Invalid prospect email address</prospect></errors></rsp>`; !strings.HasSuffix(body, want) {
		t.Errorf("got %s\nwant suffix %s", body, want)
	}
	_, body = post(t, srv, "/api/prospect/version/4/do/batchCreate", url.Values{"prospects": {"x"}}, bearer())
	if want := `<rsp stat="fail" version="1.0"><err code="71">Input needs to be valid JSON or XML</err></rsp>`; !strings.HasSuffix(body, want) {
		t.Errorf("got %s", body)
	}
}

func TestLoginAndKeyExpiry(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	_, body := post(t, srv, "/api/login/version/3", url.Values{"email": {Email}, "password": {"wrong"}, "user_key": {UserKey}}, nil)
	if !strings.Contains(body, `<err code="15">Login failed</err>`) {
		t.Errorf("bad login: %s", body)
	}
	clock := srv.UseManualClock(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC))
	k1, k2 := login(t, srv), login(t, srv)
	if k1 != k2 {
		t.Errorf("repeat login gave a new key before expiry")
	}
	auth := http.Header{"Authorization": {"Pardot api_key=" + k1 + ", user_key=" + UserKey}}
	form := url.Values{"format": {"json"}, "prospects": {`{"prospects":{"a@example.com":{}}}`}}
	if _, body := post(t, srv, "/api/prospect/version/3/do/batchUpsert", form, auth); !strings.Contains(body, `"stat":"ok"`) {
		t.Errorf("valid key refused: %s", body)
	}
	srv.SetAPIKeyTTL(time.Minute)
	srv.ExpireAPIKeys()
	if _, body := post(t, srv, "/api/prospect/version/3/do/batchUpsert", form, auth); !strings.Contains(body, `"err_code":1}`) {
		t.Errorf("expired key accepted: %s", body)
	}
	k3 := login(t, srv)
	clock.Advance(time.Minute + time.Second)
	auth = http.Header{"Authorization": {"Pardot api_key=" + k3 + ", user_key=" + UserKey}}
	if _, body := post(t, srv, "/api/prospect/version/3/do/batchUpsert", form, auth); !strings.Contains(body, `"err_code":1}`) {
		t.Errorf("key past its TTL accepted: %s", body)
	}
	if k3 == k1 {
		t.Error("new login after expiry returned the old key")
	}
	if st := srv.Stats(); st.Logins != 3 {
		t.Errorf("logins %d", st.Logins)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(1)
	// The first request stays in flight until the test cancels it.
	srv.FailNext(1, fakekit.Hang())
	form := url.Values{"format": {"json"}, "prospects": {`{"prospects":[{"email":"a@example.com"}]}`}}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/prospect/version/4/do/batchCreate", strings.NewReader(form.Encode()))
	req.Header = bearer()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var wg sync.WaitGroup
	wg.Go(func() {
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for srv.inFlight.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	form.Set("prospects", `{"prospects":[{"email":"b@example.com"}]}`)
	_, body := post(t, srv, "/api/prospect/version/4/do/batchCreate", form, bearer())
	cancel()
	wg.Wait()
	if !strings.Contains(body, `"err_code":66`) {
		t.Errorf("second request in flight: %s", body)
	}
	if st := srv.Stats(); st.Rejected != 1 || st.MaxInFlight != 2 || srv.Len() != 0 {
		t.Errorf("stats %+v, stored %d", st, srv.Len())
	}
}

func TestUpdateSemantics(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	a := srv.Add(Prospect{Email: "a@example.com", FID: "00Q000000000001AAA"})
	b := srv.Add(Prospect{Email: "b@example.com"})
	srv.Archive(b.ID)
	form := url.Values{"format": {"json"}, "prospects": {`{"prospects":[{"fid":"00Q000000000001AAA","email":"a2@example.com","city":"Oslo"},{"id":"` + itoa(int(b.ID)) + `","city":"X"},{"fid":"00Q000000000009AAA"},{"email":"a@example.com"}]}`}}
	_, body := post(t, srv, "/api/prospect/version/4/do/batchUpdate", form, bearer())
	if want := `"errors":{"1":"This prospect is archived","2":"Invalid prospect fid","3":"Invalid prospect ID"}`; !strings.Contains(body, want) {
		t.Errorf("got %s want %s", body, want)
	}
	got, _ := srv.Get(a.ID)
	if got.Email != "a2@example.com" || got.Fields["city"] != "Oslo" || got.Writes != 1 || len(srv.ByEmail("a@example.com")) != 0 {
		t.Errorf("a = %+v", got)
	}
	// Upsert unarchives; v4 upsert by email alone creates a new prospect.
	form.Set("prospects", `{"prospects":[{"id":"`+itoa(int(b.ID))+`","city":"Y"},{"email":"a2@example.com"}]}`)
	if _, body := post(t, srv, "/api/prospect/version/4/do/batchUpsert", form, bearer()); strings.Contains(body, "errors") {
		t.Errorf("upsert: %s", body)
	}
	if got, _ := srv.Get(b.ID); got.Archived || got.Fields["city"] != "Y" {
		t.Errorf("b = %+v", got)
	}
	if n := len(srv.ByEmail("a2@example.com")); n != 2 {
		t.Errorf("%d prospects with a2@, want 2", n)
	}
}

func TestRejectBatchWithAndBatchLimit(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	srv.RejectBatchWith("Bad@Example.com", 71)
	srv.SetMaxBatch(2)
	form := func(doc string) url.Values { return url.Values{"format": {"json"}, "prospects": {doc}} }
	for _, tc := range []struct{ doc, want string }{
		{`{"prospects":{"a@example.com":{},"bad@example.com":{}}}`, `"err_code":71`},
		{`{"prospects":{"a@example.com":{},"b@example.com":{},"c@example.com":{}}}`, `"err_code":70`},
		{`{"prospects":{"a@example.com":{},"b@example.com":{}}}`, `"stat":"ok"`},
	} {
		if _, body := post(t, srv, "/api/prospect/version/3/do/batchCreate", form(tc.doc), bearer()); !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %s, want %s", tc.doc, body, tc.want)
		}
	}
	srv.RejectBatchWith("bad@example.com", 0)
	if _, body := post(t, srv, "/api/prospect/version/3/do/batchCreate", form(`{"prospects":{"bad@example.com":{}}}`), bearer()); !strings.Contains(body, `"stat":"ok"`) {
		t.Errorf("rule not removed: %s", body)
	}
	if st := srv.Stats(); srv.Len() != 3 || st.BatchProspects != 3 {
		t.Errorf("stored %d, applied %d; want 3 (refused requests write nothing)", srv.Len(), st.BatchProspects)
	}
}

// TestSeedDocumentsApply posts the seed's v3 examples as printed (one key
// or element per line) to batchUpdate: the fake reads the keyed map in
// both formats and updates 1234 by id and the two others by email.
func TestSeedDocumentsApply(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"seed_v3.json", "seed_v3.xml"} {
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile("../testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			srv := NewServer()
			defer srv.Close()
			srv.Add(Prospect{ID: 1234, Email: "id@example.com"})
			a := srv.Add(Prospect{Email: "some@email.com"})
			b := srv.Add(Prospect{Email: "some.other@email.com"})
			_, body := post(t, srv, "/api/prospect/version/3/do/batchUpdate", url.Values{"format": {"json"}, "prospects": {string(doc)}}, bearer())
			if body != `{"@attributes":{"stat":"ok","version":1}}` {
				t.Fatalf("answer %s", body)
			}
			want := map[string]string{"first_name": "New first name", "last_name": "New last name"}
			for _, id := range []int64{1234, a.ID, b.ID} {
				p, _ := srv.Get(id)
				if d := cmp.Diff(want, p.Fields); d != "" || p.Writes != 1 {
					t.Errorf("prospect %d (%s), writes %d (-want +got):\n%s", id, p.Email, p.Writes, d)
				}
			}
			if srv.Len() != 3 {
				t.Errorf("stored %d, want 3", srv.Len())
			}
		})
	}
}

// TestJSONErrorsListLikePHP: an errors map keyed exactly 0..n-1 is written
// as an array, any other as an object.
func TestJSONErrorsListLikePHP(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct{ doc, want string }{
		{`{"prospects":[{"email":"bad1"},{"email":"bad2"},{"email":"ok@example.com"}]}`,
			`{"@attributes":{"stat":"ok","version":1},"errors":["Invalid prospect email address","Invalid prospect email address"]}`},
		{`{"prospects":[{"email":"ok2@example.com"},{"email":"bad2"}]}`,
			`{"@attributes":{"stat":"ok","version":1},"errors":{"1":"Invalid prospect email address"}}`},
	} {
		_, body := post(t, srv, "/api/prospect/version/4/do/batchCreate", url.Values{"format": {"json"}, "prospects": {tc.doc}}, bearer())
		if body != tc.want {
			t.Errorf("got  %s\nwant %s", body, tc.want)
		}
	}
}

// TestCodeRule: Pardot's codes are numbers, so FailNext refuses a word
// Code (fakekit.FaultRules) instead of answering it as something else.
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, true)
}
