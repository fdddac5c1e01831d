package hubspot

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The seed's answer decodes field for field.
func TestDecodeSeedFieldForField(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/seed_update_response_canceled.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeBatchResponse(data)
	if err != nil {
		t.Fatal(err)
	}
	at := mustTime(t, "2023-11-07T05:31:56Z")
	want := &batchResponse{
		Status: statusCanceled,
		Results: []Result{{
			ID: "512", Archived: false,
			CreatedAt: mustTime(t, "2019-10-30T03:30:17.883Z"), UpdatedAt: mustTime(t, "2019-12-07T16:50:06.678Z"),
			Properties: Properties{
				"property_checkbox": "false", "property_date": "1572480000000", "property_dropdown": "choice_b",
				"property_multiple_checkboxes": "chocolate;strawberry", "property_number": "17",
				"property_radio": "option_1", "property_string": "value",
			},
		}},
		NumErrors:   123,
		RequestedAt: &at, StartedAt: &at, CompletedAt: &at,
	}
	wantErr := Error{APIError: vendorkit.APIError[Code]{Code: "<string>", Message: "<string>"}, ID: "<string>",
		Errors: []ErrorDetail{{Message: "<string>", Code: "<string>", Context: "{missingScopes=[scope1, scope2]}", In: "<string>", SubCategory: "<string>"}},
	}
	if len(got.Errors) != 1 {
		t.Fatalf("%d errors, want 1", len(got.Errors))
	}
	var gotErr Error
	got.Errors[0].fill(&gotErr, func(s string) string { return s })
	got.Errors = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded seed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErr, gotErr, ignoreUnexported); diff != "" {
		t.Errorf("decoded seed error (-want +got):\n%s", diff)
	}
}

// ignoreUnexported compares errors by their exported fields.
var ignoreUnexported = cmpopts.IgnoreUnexported(Error{}, vendorkit.APIError[Code]{})

// base is an error base with the fields a body fills.
func base(status int, code Code, msg, requestID string) vendorkit.APIError[Code] {
	return vendorkit.APIError[Code]{HTTPStatus: status, Code: code, Message: msg, RequestID: requestID}
}

func TestDecodeErrorBodies(t *testing.T) {
	t.Parallel()
	redact := func(s string) string { return strings.ReplaceAll(s, "sekret", "REDACTED") }
	cases := []struct {
		name   string
		status int
		body   string
		want   Error
	}{
		{"top-level error", 400,
			`{"status":"error","message":"Property values were not valid","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR","subCategory":"x.y","context":{"propertyName":["email"]},"errors":[{"message":"Email address sekret is invalid","code":"INVALID_EMAIL","in":"email","context":{"a":["b"]}}],"links":{"knowledge-base":"https://www.hubspot.com/products/service/knowledge-base"}}`,
			Error{APIError: base(400, "VALIDATION_ERROR", "Property values were not valid", "aeb5f871-7f07-4993-9211-075dc63e7cbf"),
				SubCategory: "x.y", Context: map[string][]string{"propertyName": {"email"}},
				Errors: []ErrorDetail{{Message: "Email address REDACTED is invalid", Code: "INVALID_EMAIL", In: "email", Context: `{"a":["b"]}`}},
				Links:  map[string]string{"knowledge-base": "https://www.hubspot.com/products/service/knowledge-base"}}},
		{"legacy 429", 429,
			`{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c","policyName":"TEN_SECONDLY_ROLLING","groupName":"publicapi:private-app-api-calls"}`,
			Error{APIError: base(429, "", "You have reached your ten_secondly_rolling limit.", "c"), ErrorType: "RATE_LIMIT",
				PolicyName: "TEN_SECONDLY_ROLLING", GroupName: "publicapi:private-app-api-calls"}},
		{"subCategory object, context text", 409,
			`{"category":"CONFLICT","subCategory":{"kind":"dup"},"context":"free text","message":"exists"}`,
			Error{APIError: base(409, "CONFLICT", "exists", ""), SubCategory: `{"kind":"dup"}`, Context: map[string][]string{"": {"free text"}}}},
		{"html gateway page", 502, "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>",
			Error{APIError: base(502, "", "<html><body> <h1>502 Bad Gateway</h1> </body></html>", "")}},
		{"empty body", 504, "", Error{APIError: base(504, "", http.StatusText(504), "")}},
		{"number context values", 400, `{"message":"m","context":{"ids":[512, "513"], "one": 7}}`,
			Error{APIError: base(400, "", "m", ""), Context: map[string][]string{"ids": {"512", "513"}, "one": {"7"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := &Error{APIError: vendorkit.APIError[Code]{HTTPStatus: tc.status}}
			decodeErrorBody(got, []byte(tc.body), redact)
			if diff := cmp.Diff(&tc.want, got, ignoreUnexported); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Answers that match no input, repeat a trace id or name unknown ids never
// settle the wrong record.
func TestApplyHostileAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want []string // per record: "ok" or the error text's start
	}{
		{"result for a stranger", `{"status":"COMPLETE","results":[{"id":"9","objectWriteTraceId":"zz"}]}`, []string{"no result", "no result"}},
		{"repeated trace", `{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"},{"id":"2","objectWriteTraceId":"t0"},{"id":"3","objectWriteTraceId":"t1"}]}`, []string{"ok 1", "ok 3"}},
		{"error naming nobody", `{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"}],"errors":[{"category":"VALIDATION_ERROR","message":"bad"}]}`, []string{"ok 1", "hubspot contacts batch/create: HTTP 207 [VALIDATION_ERROR] bad"}},
		{"pending, partial", `{"status":"PENDING","results":[{"id":"1","objectWriteTraceId":"t1"}]}`, []string{"no result", "ok 1"}},
		{"canceled", `{"status":"CANCELED","results":[{"id":"1","objectWriteTraceId":"t1"}]}`, []string{"hubspot contacts batch/create: HTTP 207 [CANCELED]", "hubspot contacts batch/create: HTTP 207 [CANCELED]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			br, err := decodeBatchResponse([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			x := newChunkIndex(2, true)
			x.addTrace("t0", 0)
			x.addTrace("t1", 1)
			res := make([]batch.Result[Result], 2)
			x.apply(opCreate, "contacts batch/create", 207, br, res, func(s string) string { return s })
			got := make([]string, 2)
			for i, r := range res {
				switch {
				case r.Err == nil:
					got[i] = "ok " + r.Value.ID
				case strings.HasPrefix(r.Err.Error(), "hubspot contacts batch/create: HTTP 207 no result"):
					got[i] = "no result"
				default:
					got[i] = r.Err.Error()[:min(len(r.Err.Error()), len(tc.want[i]))]
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A read answer's propertiesWithHistory (the shape HubSpot sends, as shown
// in HubSpot/hubspot-api-nodejs#154) decodes, a non-string value included.
func TestDecodePropertiesWithHistory(t *testing.T) {
	t.Parallel()
	body := `{"status":"COMPLETE","results":[{"id":"1","properties":{"is_verified":"true"},
		"propertiesWithHistory":{"is_verified":[
			{"value":"true","timestamp":"2022-11-07T21:54:03.930Z","sourceType":"CRM_UI","sourceId":"userId:28604240","updatedByUserId":28604240},
			{"value":false,"timestamp":"2022-02-22T08:16:52.981Z","sourceType":"API","sourceLabel":"crmbatch"}]},
		"createdAt":"2022-02-22T08:16:52.981Z","updatedAt":"2022-11-07T21:54:03.954Z","archived":false}],
		"startedAt":"2022-11-07T21:54:04Z","completedAt":"2022-11-07T21:54:04Z"}`
	got, err := decodeBatchResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := PropertyHistories{"is_verified": {
		{Value: "true", Timestamp: mustTime(t, "2022-11-07T21:54:03.930Z"), SourceType: "CRM_UI", SourceID: "userId:28604240", UpdatedByUserID: 28604240},
		{Value: "false", Timestamp: mustTime(t, "2022-02-22T08:16:52.981Z"), SourceType: "API", SourceLabel: "crmbatch"},
	}}
	if diff := cmp.Diff(want, got.Results[0].PropertiesWithHistory); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if _, err := decodeBatchResponse([]byte(`{"status":"COMPLETE","results":[{"id":"1","propertiesWithHistory":{"a":[{"value":{}}]}}]}`)); err == nil {
		t.Error("an object as a history value decoded")
	}
}
