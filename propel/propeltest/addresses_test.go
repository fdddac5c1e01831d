package propeltest_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"
)

// TestAddressesEndpointAnswers: the fake's bulk addresses endpoint answers
// as the reference documents: entries keyed by code ("lookupKey":"code"),
// 10007 for a missing code or an unknown key (directives included), 404 for
// an owner that does not exist, 400 when a sourceId without source is
// ambiguous.
func TestAddressesEndpointAnswers(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	tok := token(t, srv)
	id := srv.AddCompany(map[string]string{"source": "ERP", "sourceId": "1", "language": "NL", "name": "A"})
	srv.AddCompany(map[string]string{"source": "OTHER", "sourceId": "1", "language": "NL", "name": "B"})
	addr := `{"type":"delivery","code":"11234","street":"Noordpad","city":"Arnhem","country":"NL"}`

	status, got, _ := post(t, srv, tok, "/companies/sourceId/1/addresses/bulk?source=ERP", `{"addresses":[`+addr+`]}`)
	want := map[string]any{"data": []any{map[string]any{"action": "create", "id": float64(id + 2), "key": "11234", "lookupKey": "code", "success": true}},
		"messages": []any{"Completed"}, "total": float64(1)}
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, got)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
	status, got, _ = post(t, srv, tok, "/companies/id/"+strconv.FormatInt(id, 10)+"/addresses/bulk", `{"addresses":[`+addr+`]}`)
	if entry := got["data"].([]any)[0].(map[string]any); status != http.StatusOK || entry["action"] != "update" || entry["key"] != "11234" {
		t.Errorf("second write by id: %d %v, want an update of the same code", status, got)
	}
	if n := len(srv.CompanyAddresses(id)); n != 1 {
		t.Errorf("%d addresses stored, want 1", n)
	}

	for _, tt := range []struct {
		name, path, body string
		status           int
		code             float64
		msgs             []any
	}{
		{"no code", "/companies/id/" + strconv.FormatInt(id, 10) + "/addresses/bulk",
			`{"addresses":[{"type":"delivery","street":"S","city":"C","country":"NL"}]}`, 400, 10007,
			[]any{"#/addresses/0: required key [code] not found"}},
		{"unknown key", "/companies/id/" + strconv.FormatInt(id, 10) + "/addresses/bulk",
			`{"addresses":[` + addr + `],"directives":[]}`, 400, 10007,
			[]any{"#: extraneous key [directives] is not permitted"}},
		{"bad type", "/companies/id/" + strconv.FormatInt(id, 10) + "/addresses/bulk",
			`{"addresses":[{"type":"home","code":"1","street":"S","city":"C","country":"NL"}]}`, 400, 10007,
			[]any{"#/addresses/0/type: home is not a valid enum value"}},
		{"owner missing", "/customers/sourceId/nobody/addresses/bulk?source=CRM", `{"addresses":[` + addr + `]}`, 404, 10008,
			[]any{"customer with sourceId [nobody] not found"}},
		{"ambiguous sourceId", "/companies/sourceId/1/addresses/bulk", `{"addresses":[` + addr + `]}`, 400, 0,
			[]any{"Multiple companies found. Please provide additional filters"}},
		{"bad lookup key", "/companies/sku/1/addresses/bulk", `{"addresses":[` + addr + `]}`, 400, 10006,
			[]any{"unknown lookup key: sku"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, got, _ := post(t, srv, tok, tt.path, tt.body)
			e, _ := got["error"].(map[string]any)
			code, _ := e["code"].(float64)
			if status != tt.status || code != tt.code {
				t.Fatalf("status %d code %v, want %d %v: %v", status, e["code"], tt.status, tt.code, got)
			}
			if d := cmp.Diff(tt.msgs, e["messages"]); d != "" {
				t.Errorf("messages (-want +got):\n%s", d)
			}
		})
	}
}
