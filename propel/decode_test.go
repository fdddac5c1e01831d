package propel

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeSeed200(t *testing.T) {
	got, err := DecodeBulkResponse(readTestdata(t, "seed_200.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &BulkResponse{
		Data:     []Entry{{Action: "update", ID: 25494, Key: "3002196", HasKey: true, LookupKey: "sourceId", Success: true}},
		Messages: []string{"Completed"},
		Total:    1,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("seed 200 (-want +got):\n%s", d)
	}
}

// seed400 is the seed's 400 body decoded, field for field.
func seed400(requestID string) *Error {
	return &Error{
		Code: CodeSchemaValidation, HTTPStatus: 400, Type: "SchemaValidationException",
		Messages:  []string{"#/customers/0: extraneous key [company] is not permitted"},
		MoreInfo:  "https://www.propel.us/docs/errors/10007",
		RequestID: requestID,
	}
}

func TestDecodeSeed400(t *testing.T) {
	got := DecodeError(400, readTestdata(t, "seed_400.json"), "req-1")
	want := seed400("req-1")
	if d := cmp.Diff(want, got, cmp.AllowUnexported(Error{})); d != "" {
		t.Fatalf("seed 400 (-want +got):\n%s", d)
	}
	if !errors.Is(got, ErrInvalidPayload) || got.Retryable() || got.StopRun() || !isolate(got) {
		t.Fatalf("classification of 10007 wrong: %v", got)
	}
	// without an HTTP status (a caller decoding a stored body), the
	// envelope's own status is used
	if got := DecodeError(0, readTestdata(t, "seed_400.json"), ""); got.HTTPStatus != 400 {
		t.Fatalf("envelope status not decoded: %d", got.HTTPStatus)
	}
	const wantMsg = "propel: 400 Bad Request SchemaValidationException (10007): #/customers/0: extraneous key [company] is not permitted [x-request-id req-1]"
	if got.Error() != wantMsg {
		t.Fatalf("message\n got %q\nwant %q", got.Error(), wantMsg)
	}
}

func TestDecodeBulkResponseVariants(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Entry
	}{
		{"string key", `{"data":[{"action":"create","id":"25495","key":"C-1002","lookupKey":"sourceId","success":true}]}`,
			[]Entry{{Action: "create", ID: 25495, Key: "C-1002", HasKey: true, LookupKey: "sourceId", Success: true}}},
		{"failed entry with error object", `{"data":[{"key":"C-9","success":false,"error":{"code":50007,"type":"ParentCompanyNotFound","messages":["parent company does not exist"]}}]}`,
			[]Entry{{Key: "C-9", HasKey: true, Code: "50007", Type: "ParentCompanyNotFound", Messages: []string{"parent company does not exist"},
				Raw: json.RawMessage(`{"key":"C-9","success":false,"error":{"code":50007,"type":"ParentCompanyNotFound","messages":["parent company does not exist"]}}`)}}},
		{"failed entry with message string", `{"data":[{"key":7,"success":false,"message":"nope"}]}`,
			[]Entry{{Key: "7", HasKey: true, Messages: []string{"nope"}, Raw: json.RawMessage(`{"key":7,"success":false,"message":"nope"}`)}}},
		{"error string, no success flag", `{"data":[{"key":7,"error":"broken"}]}`,
			[]Entry{{Key: "7", HasKey: true, Messages: []string{"broken"}, Raw: json.RawMessage(`{"key":7,"error":"broken"}`)}}},
		{"no success flag, no error", `{"data":[{"key":7,"action":"update","id":7}]}`,
			[]Entry{{Key: "7", HasKey: true, Action: "update", ID: 7, Success: true}}},
		{"null key", `{"data":[{"key":null,"success":true}]}`,
			[]Entry{{Success: true}}},
		{"no data", `{"messages":"Completed","total":"0"}`, []Entry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeBulkResponse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got.Data); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeBulkResponseRejectsGarbage(t *testing.T) {
	for _, body := range []string{``, `[]`, `null`, `{"data":[{"action":"upd`, `{"data":{"a":1}}`, `{"data":[{"id":"x"}]}`, `<html>`} {
		if _, err := DecodeBulkResponse([]byte(body)); !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%q: got %v, want ErrMalformedResponse", body, err)
		}
	}
}

func TestDecodeErrorVariants(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   *Error
	}{
		{"code as string", 400, `{"error":{"code":"10017","status":400,"type":"PayloadValidationError","messages":["bad"]}}`,
			&Error{Code: CodePayloadValidation, HTTPStatus: 400, Type: "PayloadValidationError", Messages: []string{"bad"}}},
		{"non-numeric code", 400, `{"error":{"code":"E_BAD","messages":"one message"}}`,
			&Error{CodeText: "E_BAD", HTTPStatus: 400, Messages: []string{"one message"}}},
		{"oauth error", 401, `{"error":"invalid_client","error_description":"client authentication failed"}`,
			&Error{HTTPStatus: 401, Type: "invalid_client", Messages: []string{"client authentication failed"}}},
		{"html body", 502, `<html>Bad Gateway</html>`,
			&Error{HTTPStatus: 502, Messages: []string{"unreadable error body (24 bytes)"}}},
		{"empty body", 500, ``, &Error{HTTPStatus: 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeError(tt.status, []byte(tt.body), "")
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(Error{})); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeToken(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		file    string
		wantTok string
		wantExp time.Duration
	}{
		{"token_new.json", "tok-new-1", 1800 * time.Second},
		{"token_legacy.json", "tok-legacy-1", 1899 * time.Second},
	}
	for _, tt := range tests {
		tok, exp, err := decodeToken(readTestdata(t, tt.file), now)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if tok != tt.wantTok || exp.Sub(now) != tt.wantExp {
			t.Errorf("%s: got %q %v, want %q %v", tt.file, tok, exp.Sub(now), tt.wantTok, tt.wantExp)
		}
	}
	if _, exp, err := decodeToken([]byte(`{"access_token":"x"}`), now); err != nil || exp.Sub(now) != defaultTokenLifetime {
		t.Errorf("missing expires_in: %v %v", exp.Sub(now), err)
	}
	for _, bad := range []string{`{}`, `{"access_token":""}`, `nope`, `{"access_token":"x","expires_in":"soon"}`} {
		if _, _, err := decodeToken([]byte(bad), now); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		name                      string
		e                         *Error
		retry, stop, iso          bool
		unauth, invalid, notFound bool
	}{
		{"500", &Error{HTTPStatus: 500}, true, false, false, false, false, false},
		{"429", &Error{HTTPStatus: 429}, true, false, false, false, false, false},
		{"401", &Error{HTTPStatus: 401}, false, true, false, true, false, false},
		{"403", &Error{HTTPStatus: 403}, false, true, false, true, false, false},
		{"404 10008", &Error{HTTPStatus: 404, Code: CodeNotFound}, false, false, false, false, false, true},
		{"400 10017", &Error{HTTPStatus: 400, Code: CodePayloadValidation}, false, false, true, false, true, false},
		{"400 10005 not isolated", &Error{HTTPStatus: 400, Code: CodeInvalidJSONPayload}, false, false, false, false, true, false},
		{"413 isolated", &Error{HTTPStatus: 413}, false, false, true, false, false, false},
		{"token 400", &Error{HTTPStatus: 400, token: true}, false, true, false, false, false, false},
		{"token 503", &Error{HTTPStatus: 503, token: true}, true, false, false, false, false, false},
		{"item", &Error{HTTPStatus: 200, Item: true}, false, false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			got := []bool{e.Retryable(), e.StopRun(), isolate(e), errors.Is(e, ErrUnauthorized), errors.Is(e, ErrInvalidPayload), errors.Is(e, ErrNotFound)}
			want := []bool{tt.retry, tt.stop, tt.iso, tt.unauth, tt.invalid, tt.notFound}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("[retry stop isolate unauth invalid notfound] (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzDecodeBulkResponse(f *testing.F) {
	f.Add(readTestdata(f, "seed_200.json"))
	f.Add([]byte(`{"data":[{"action":"create","id":25495,"key":"C-1002","lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":2}`))
	f.Add([]byte(`{"data":[{"key":"C-9","success":false,"error":{"code":"50007","messages":["x"]}}]}`))
	f.Add([]byte(`{"data":[{"action":"upd`))
	// the bulk addresses answer (rest/bulk-customer-addresses): key is the code, a string
	f.Add([]byte(`{"data":[{"action":"update","id":106097,"key":"11234","lookupKey":"code","success":true},{"action":"create","id":106104,"key":"11235","lookupKey":"code","success":true}],"messages":["Completed"],"total":2}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		br, err := DecodeBulkResponse(body)
		if err == nil && br == nil {
			t.Fatal("nil response without error")
		}
		if err == nil {
			// matching against a chunk must not panic either
			chunk := []Customer{{SourceID: "3002196"}, {SourceID: "C-1002"}, {SourceID: "C-9"}}
			res := match(chunk, func(c Customer) string { return c.SourceID }, br, 200, "r", &scrubber{ssns: []string{"9"}})
			if len(res) != len(chunk) {
				t.Fatalf("%d results for %d records", len(res), len(chunk))
			}
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	f.Add(400, readTestdata(f, "seed_400.json"))
	f.Add(401, []byte(`{"error":"invalid_client","error_description":"x"}`))
	f.Add(400, []byte(`{"error":{"code":"10007","messages":"#/customers/2: extraneous key [x] is not permitted"}}`))
	f.Add(502, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := DecodeError(status, body, "")
		if e == nil {
			t.Fatal("nil error")
		}
		(&scrubber{ssns: []string{"1", "123-45-6789"}}).scrubError(e)
		_ = e.Error()
		_ = splitNamed(e, "customers", 5)
	})
}

func FuzzDecodeToken(f *testing.F) {
	f.Add(readTestdata(f, "token_new.json"))
	f.Add(readTestdata(f, "token_legacy.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, _, err := decodeToken(body, time.Now())
		if err == nil && tok == "" {
			t.Fatal("empty token without error")
		}
	})
}
