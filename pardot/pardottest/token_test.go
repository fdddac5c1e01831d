package pardottest

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTokenEndpointAndSessions: the token endpoint answers as Salesforce
// does (no expires_in); a session that ended gets code 184 with the body
// Trailhead shows, in JSON and XML; a new token passes.
func TestTokenEndpointAndSessions(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	status, body := post(t, srv, "/services/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {ClientID}, "client_secret": {ClientSecret},
	}, nil)
	var tok map[string]string
	if err := json.Unmarshal([]byte(body), &tok); status != 200 || err != nil {
		t.Fatalf("token: HTTP %d %s", status, body)
	}
	want := []string{"access_token", "id", "instance_url", "issued_at", "signature", "token_format", "token_type"}
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(tok))); diff != "" {
		t.Errorf("token answer fields (-want +got):\n%s", diff)
	}
	fresh := http.Header{"Authorization": {"Bearer " + tok["access_token"]}, "Pardot-Business-Unit-Id": {BusinessUnitID}}
	doc := url.Values{"format": {"json"}, "prospects": {`{"prospects":[{"email":"a@example.com"}]}`}}
	const path = "/api/prospect/version/4/do/batchCreate"

	srv.ExpireSessions()
	const revoked = `{"@attributes":{"stat":"fail","version":1,"err_code":184},"err":"access_token is invalid, unknown, or malformed: Inactive token"}`
	if _, got := post(t, srv, path, doc, bearer()); got != revoked {
		t.Errorf("ended session: %s\nwant %s", got, revoked)
	}
	xmlDoc := url.Values{"prospects": doc["prospects"]}
	if _, got := post(t, srv, path, xmlDoc, fresh); !strings.Contains(got, `<err code="184">access_token is invalid, unknown, or malformed: Inactive token</err>`) {
		t.Errorf("ended session, XML: %s", got)
	}
	status, body = post(t, srv, "/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {ClientID}, "client_secret": {ClientSecret}}, nil)
	if err := json.Unmarshal([]byte(body), &tok); status != 200 || err != nil {
		t.Fatalf("token: HTTP %d %s", status, body)
	}
	fresh.Set("Authorization", "Bearer "+tok["access_token"])
	if _, got := post(t, srv, path, doc, fresh); !strings.Contains(got, `"stat":"ok"`) {
		t.Errorf("new token after the session ended: %s", got)
	}
	if st := srv.Stats(); st.TokensIssued != 2 || srv.Len() != 1 {
		t.Errorf("tokens issued %d, stored %d; want 2 and 1", st.TokensIssued, srv.Len())
	}
}

func TestTokenEndpointRefusals(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {ClientID}, "client_secret": {"nope"}}, `{"error":"invalid_client","error_description":"invalid client credentials"}`},
		{"other grant", url.Values{"grant_type": {"password"}, "client_id": {ClientID}, "client_secret": {ClientSecret}}, `{"error":"unsupported_grant_type","error_description":"grant type not supported"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv, "/services/oauth2/token", tc.form, nil)
			if status != http.StatusBadRequest || body != tc.want {
				t.Errorf("HTTP %d %s, want 400 %s", status, body, tc.want)
			}
		})
	}
	if n := srv.Stats().TokensIssued; n != 0 {
		t.Errorf("issued %d tokens", n)
	}
}
