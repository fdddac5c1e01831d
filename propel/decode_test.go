package propel

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"github.com/google/go-cmp/cmp"
)

func TestDecodeSeed200(t *testing.T) {
	t.Parallel()
	got, err := decodeBulk(testkit.Testdata(t, "seed_200.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &bulkResponse{
		Data:     []entry{{Action: "update", ID: 25494, Key: "3002196", HasKey: true, LookupKey: "sourceId", Success: true}},
		Messages: []string{"Completed"},
		Total:    1,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("seed 200 (-want +got):\n%s", d)
	}
}

// respErr decodes an error answer as the client does.
func respErr(status int, body []byte, requestID string) *Error {
	h := http.Header{}
	if requestID != "" {
		h.Set("X-Request-Id", requestID)
	}
	return errorFromResponse("customers bulk/sourceId", &httpx.Response{StatusCode: status, Header: h, Body: body}, &scrubber{})
}

func TestDecodeSeed400(t *testing.T) {
	t.Parallel()
	got := respErr(400, testkit.Testdata(t, "seed_400.json"), "req-1")
	if d := cmp.Diff(seed400("req-1"), fieldsOf(got)); d != "" {
		t.Fatalf("seed 400 (-want +got):\n%s", d)
	}
	if !errors.Is(got, batch.ErrInvalid) || got.Retryable() || got.StopRun() || !isolate(got) {
		t.Fatalf("classification of 10007 wrong: %v", got)
	}
	// without an HTTP status (a caller decoding a stored body), the
	// envelope's own status is used
	e := &Error{}
	if decodeError(e, testkit.Testdata(t, "seed_400.json")); e.HTTPStatus != 400 {
		t.Fatalf("envelope status not decoded: %d", e.HTTPStatus)
	}
	const wantMsg = "propel customers bulk/sourceId: HTTP 400 [10007] SchemaValidationException: #/customers/0: extraneous key [company] is not permitted (request id req-1)"
	if got.Error() != wantMsg {
		t.Fatalf("message\n got %q\nwant %q", got.Error(), wantMsg)
	}
}

// seed400 is the seed's 400 body decoded, field for field.
func seed400(requestID string) errorFields {
	return errorFields{Code: CodeSchemaValidation, HTTPStatus: 400, Type: "SchemaValidationException",
		Messages:  []string{"#/customers/0: extraneous key [company] is not permitted"},
		MoreInfo:  "https://www.propel.us/docs/errors/10007",
		RequestID: requestID, Class: vendorkit.Invalid}
}

// errorFields are the fields of an *Error a test compares.
type errorFields struct {
	Code       Code
	HTTPStatus int
	Type       string
	Messages   []string
	MoreInfo   string
	RequestID  string
	Message    string
	Class      vendorkit.Class
}

func fieldsOf(e *Error) errorFields {
	return errorFields{e.Code, e.HTTPStatus, e.Type, e.Messages, e.MoreInfo, e.RequestID, "", e.Class}
}

func TestDecodeBulkResponseVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []entry
	}{
		{"string key", `{"data":[{"action":"create","id":"25495","key":"C-1002","lookupKey":"sourceId","success":true}]}`,
			[]entry{{Action: "create", ID: 25495, Key: "C-1002", HasKey: true, LookupKey: "sourceId", Success: true}}},
		{"failed entry with error object", `{"data":[{"key":"C-9","success":false,"error":{"code":50007,"type":"ParentCompanyNotFound","messages":["parent company does not exist"]}}]}`,
			[]entry{{Key: "C-9", HasKey: true, Code: "50007", Type: "ParentCompanyNotFound", Messages: []string{"parent company does not exist"},
				Raw: json.RawMessage(`{"key":"C-9","success":false,"error":{"code":50007,"type":"ParentCompanyNotFound","messages":["parent company does not exist"]}}`)}}},
		{"failed entry with message string", `{"data":[{"key":7,"success":false,"message":"nope"}]}`,
			[]entry{{Key: "7", HasKey: true, Messages: []string{"nope"}, Raw: json.RawMessage(`{"key":7,"success":false,"message":"nope"}`)}}},
		{"error string, no success flag", `{"data":[{"key":7,"error":"broken"}]}`,
			[]entry{{Key: "7", HasKey: true, Messages: []string{"broken"}, Raw: json.RawMessage(`{"key":7,"error":"broken"}`)}}},
		{"no success flag, no error", `{"data":[{"key":7,"action":"update","id":7}]}`,
			[]entry{{Key: "7", HasKey: true, Action: "update", ID: 7, Success: true}}},
		{"null key", `{"data":[{"key":null,"success":true}]}`,
			[]entry{{Success: true}}},
		{"no data", `{"messages":"Completed","total":"0"}`, []entry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeBulk([]byte(tt.body))
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
	t.Parallel()
	for _, body := range []string{``, `[]`, `null`, `{"data":[{"action":"upd`, `{"data":{"a":1}}`, `{"data":[{"id":"x"}]}`, `<html>`} {
		if _, err := decodeBulk([]byte(body)); err == nil {
			t.Errorf("%q: decoded without an error", body)
		}
	}
}

func TestDecodeErrorVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   errorFields
	}{
		{"code as string", 400, `{"error":{"code":"10017","status":400,"type":"PayloadValidationError","messages":["bad"]}}`,
			errorFields{Code: 10017, HTTPStatus: 400, Type: "PayloadValidationError", Messages: []string{"bad"},
				Message: "PayloadValidationError: bad", Class: vendorkit.Invalid}},
		{"non-numeric code", 400, `{"error":{"code":"E_BAD","messages":"one message"}}`,
			errorFields{HTTPStatus: 400, Messages: []string{"one message"}, Message: "E_BAD one message", Class: vendorkit.Invalid}},
		{"oauth error", 401, `{"error":"invalid_client","error_description":"client authentication failed"}`,
			errorFields{HTTPStatus: 401, Type: "invalid_client", Messages: []string{"client authentication failed"},
				Message: "invalid_client: client authentication failed", Class: vendorkit.Auth}},
		{"html body", 502, `<html>Bad Gateway</html>`,
			errorFields{HTTPStatus: 502, Messages: []string{"unreadable error body (24 bytes)"},
				Message: "unreadable error body (24 bytes)", Class: vendorkit.Unavailable}},
		{"empty body", 500, ``, errorFields{HTTPStatus: 500, Class: vendorkit.Unavailable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := respErr(tt.status, []byte(tt.body), "")
			f := fieldsOf(got)
			f.Message = got.Message
			if d := cmp.Diff(tt.want, f); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeToken(t *testing.T) {
	t.Parallel()
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
		tok, exp, err := decodeToken(testkit.Testdata(t, tt.file), now)
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
	t.Parallel()
	tests := []struct {
		name                      string
		status                    int
		body                      string
		retry, stop, iso          bool
		unauth, invalid, notFound bool
	}{
		{"500 (an idempotent upsert)", 500, ``, true, false, false, false, false, false},
		{"429", 429, ``, true, false, false, false, false, false},
		{"503", 503, ``, true, false, false, false, false, false},
		{"401", 401, ``, false, true, false, true, false, false},
		{"403", 403, ``, false, true, false, true, false, false},
		{"404 10008", 404, `{"error":{"code":10008}}`, false, false, false, false, false, true},
		{"400 10017", 400, `{"error":{"code":10017}}`, false, false, true, false, true, false},
		{"400 10005 not isolated", 400, `{"error":{"code":10005}}`, false, false, false, false, true, false},
		{"413 isolated", 413, ``, false, false, true, false, false, false},
		{"307 not followed", 307, ``, false, false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := respErr(tt.status, []byte(tt.body), "")
			got := []bool{e.Retryable(), e.StopRun(), isolate(e), errors.Is(e, batch.ErrUnauthorized), errors.Is(e, batch.ErrInvalid), errors.Is(e, batch.ErrNotFound)}
			want := []bool{tt.retry, tt.stop, tt.iso, tt.unauth, tt.invalid, tt.notFound}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("[retry stop isolate unauth invalid notfound] (-want +got):\n%s", d)
			}
		})
	}
	for _, tt := range []struct {
		status int
		stop   bool
	}{{400, true}, {401, true}, {429, false}, {503, false}} {
		e := tokenRefused(&httpx.Response{StatusCode: tt.status, Header: http.Header{}}, nil)
		if e.StopRun() != tt.stop || e.Retryable() == tt.stop {
			t.Errorf("token endpoint %d: stop %v retryable %v", tt.status, e.StopRun(), e.Retryable())
		}
	}
}
