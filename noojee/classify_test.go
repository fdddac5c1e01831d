package noojee

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// testCampaign is a campaign on a client that never sends.
func testCampaign(t *testing.T) *Campaign {
	t.Helper()
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	if err != nil {
		t.Fatal(err)
	}
	return c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
}

// Every code of the vendor's table, with its name and documented HTTP
// status, decodes from an answer in every shape to an error of the right
// class: the batch sentinel it matches, whether the engine sends it again,
// the wait and the attempt limit the table gives.
func TestEveryCodeDecodesToItsClass(t *testing.T) {
	t.Parallel()
	type row struct {
		Name        string
		Status      int
		Sentinel    error
		Retryable   bool
		Wait        time.Duration
		MaxAttempts int
	}
	want := map[Code]row{
		101: {"COULDNT_FIND_THE_LEAD", 400, batch.ErrNotFound, false, 0, 0},
		102: {"NO_PHONE_FIELDS", 400, batch.ErrInvalid, false, 0, 0},
		103: {"EXCEPTION", 500, batch.ErrUnavailable, true, 0, 3},
		104: {"DNC", 400, nil, false, 0, 0},
		105: {"DUPLICATE", 400, batch.ErrDuplicate, false, 0, 0},
		106: {"INVALID_DISPOSTION", 400, batch.ErrInvalid, false, 0, 0},
		107: {"DISPOSTION_ISNT_SET_AND_NOCHANGE_SPECIFIED", 400, batch.ErrInvalid, false, 0, 0},
		108: {"IMPORT_BUT_NOCHANGE_SPECIFIED", 400, batch.ErrInvalid, false, 0, 0},
		109: {"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS", 400, batch.ErrRateLimited, true, busyWait, 0},
		110: {"LEAD_NOT_UPDATED_DUE_TO_CONFLICT", 400, nil, false, 0, 0},
		111: {"INVALID_TIMEZONE_SPECIFIED", 400, batch.ErrInvalid, false, 0, 0},
		112: {"DUPLICATE_EXTERNAL_ID", 400, batch.ErrDuplicate, false, 0, 0},
		114: {"INVALID_CALLBACK_DATE_FORMAT", 400, batch.ErrInvalid, false, 0, 0},
		115: {"ALLOCATION_ID_REQUIRED", 400, batch.ErrInvalid, false, 0, 0},
		116: {"TEMPLATE_ID_REQUIRED", 400, batch.ErrInvalid, false, 0, 0},
		117: {"CAMPAIGN_ID_REQUIRED", 400, batch.ErrInvalid, false, 0, 0},
	}
	if len(codes) != len(want) || len(codeNames) != len(want)+1 {
		t.Fatalf("the table has %d codes and %d names, want %d", len(codes), len(codeNames), len(want))
	}
	sentinels := []error{batch.ErrInvalid, batch.ErrNotFound, batch.ErrDuplicate, batch.ErrUnauthorized, batch.ErrQuotaExceeded,
		batch.ErrRateLimited, batch.ErrUnavailable, batch.ErrOutcomeUnknown, batch.ErrMalformedResponse}
	cp := testCampaign(t)
	for code, w := range want {
		bodies := []string{
			fmt.Sprintf(`{"code":%d,"message":%q}`, code, w.Name),
			fmt.Sprintf(`{"Code":"%d","Message":"x"}`, code),
			fmt.Sprintf(`%d %s`, code, w.Name),
			w.Name,
		}
		for _, body := range bodies {
			resp := &httpx.Response{StatusCode: w.Status, Header: http.Header{}, Body: []byte(body)}
			_, err := cp.answer(opInsertLeadFast, resp, []*job{{lead: Lead{ExternalID: "X-1"}}})
			var ne *Error
			if !errors.As(err, &ne) {
				t.Errorf("%s: err %v, want *Error", body, err)
				continue
			}
			if ne.Code != code || ne.HTTPStatus != w.Status || ne.ExternalID != "X-1" || ne.Op != opInsertLeadFast || ne.Vendor != "noojee" {
				t.Errorf("%s: decoded %+v", body, ne)
			}
			got := row{Name: codeNames[code], Status: ne.HTTPStatus, Retryable: ne.Retryable(), Wait: ne.RetryAfter(), MaxAttempts: batch.MaxAttemptsOf(ne)}
			for _, s := range sentinels {
				if errors.Is(ne, s) {
					if got.Sentinel != nil {
						t.Errorf("%s matches both %v and %v", body, got.Sentinel, s)
					}
					got.Sentinel = s
				}
			}
			if ne.StopRun() {
				t.Errorf("%v stops the run", code)
			}
			if d := cmp.Diff(w, got, cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
				t.Errorf("code %d, body %s (-want +got):\n%s", code, body, d)
			}
		}
	}
	// An OK answer in every shape is a success.
	for _, body := range []string{`{"code":0,"message":"OK"}`, `0 OK`, `OK`} {
		res, err := cp.answer(opInsertLeadFast, &httpx.Response{StatusCode: 200, Body: []byte(body)}, []*job{{}})
		if err != nil || res[0].Err != nil {
			t.Errorf("%q: %v %+v", body, err, res)
		}
	}
}

func TestCodeStrings(t *testing.T) {
	t.Parallel()
	cases := map[Code]string{CodeDNC: "104 DNC", CodeOK: "0 OK", 113: "113"}
	for c, want := range cases {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(c), got, want)
		}
	}
	if c, ok := codeByName(" dnc "); !ok || c != CodeDNC {
		t.Errorf("codeByName(dnc) = %v %v", c, ok)
	}
}

// Answers without a code: classified by HTTP status; a 2xx that cannot be
// read, or empty, is outcome unknown; a server's Retry-After
// is kept.
func TestUndecodableAnswers(t *testing.T) {
	t.Parallel()
	cp := testCampaign(t)
	cases := []struct {
		status    int
		body      string
		ok        bool
		class     vendorkit.Class
		stop      bool
		malformed bool
		wait      time.Duration
	}{
		{200, "", false, vendorkit.Unknown, false, true, 0}, // an empty answer confirms nothing
		{204, "  ", false, vendorkit.Unknown, false, true, 0},
		{200, "<html>oops</html>", false, vendorkit.Unknown, false, true, 0},
		{200, `{"status":"fine"}`, false, vendorkit.Unknown, false, true, 0},
		{401, "Invalid apiKey", false, vendorkit.Auth, true, false, 0},
		{403, "", false, vendorkit.Auth, true, false, 0},
		{503, "", false, vendorkit.Unavailable, false, false, 7 * time.Second},
		{429, "slow down", false, vendorkit.RateLimited, false, false, 7 * time.Second},
		{502, "<html>bad gateway</html>", false, vendorkit.Unknown, false, false, 0},
		{404, "not found", false, vendorkit.NotFound, true, false, 0},
		{409, "conflict?", false, vendorkit.Duplicate, false, false, 0},
		{400, `{"code":0}`, false, vendorkit.Unknown, false, true, 0},
		{400, `{"code":113,"message":"?"}`, false, vendorkit.Invalid, false, false, 0},
	}
	for _, tc := range cases {
		resp := &httpx.Response{StatusCode: tc.status, Header: http.Header{}, Body: []byte(tc.body)}
		if tc.wait > 0 {
			resp.RetryAfter = tc.wait
		}
		res, err := cp.answer(opInsertLeadFast, resp, []*job{{}})
		if tc.ok {
			if err != nil || res[0].Err != nil {
				t.Errorf("%d %q: %v", tc.status, tc.body, err)
			}
			continue
		}
		var ne *Error
		if !errors.As(err, &ne) {
			t.Errorf("%d %q: %v is not an *Error", tc.status, tc.body, err)
			continue
		}
		if ne.Class != tc.class || ne.StopRun() != tc.stop || ne.RetryAfter() != tc.wait ||
			errors.Is(err, batch.ErrMalformedResponse) != tc.malformed {
			t.Errorf("%d %q: %v: class %v stop %v wait %v", tc.status, tc.body, err, ne.Class, ne.StopRun(), ne.RetryAfter())
		}
	}
}

// A bulk answer listing one result per lead is matched by njExternalLeadId.
func TestBulkPerLeadAnswer(t *testing.T) {
	t.Parallel()
	cp := testCampaign(t)
	chunk := []*job{{lead: Lead{ExternalID: "a"}}, {lead: Lead{ExternalID: "b"}}, {lead: Lead{ExternalID: "c"}}}
	body := `[{"njExternalLeadId":"c","code":104},{"njExternalLeadId":"a","code":0,"leadId":9},{"njExternalLeadId":"b","code":"109"}]`
	res, err := cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(body)}, chunk)
	if err != nil {
		t.Fatal(err)
	}
	var got []Code
	for _, r := range res {
		var ne *Error
		if errors.As(r.Err, &ne) {
			got = append(got, ne.Code)
		} else {
			got = append(got, CodeOK)
		}
	}
	if d := cmp.Diff([]Code{0, 109, 104}, got); d != "" || res[0].Value.LeadID != "9" {
		t.Errorf("codes (-want +got):\n%s lead id %q", d, res[0].Value.LeadID)
	}
	// In a per-lead list a 0 stands even under a failure status.
	res, err = cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 400, Header: http.Header{}, Body: []byte(`[{"code":0},{"code":104},{"code":0}]`)}, chunk)
	var ne *Error
	if err != nil || res[0].Err != nil || !errors.As(res[1].Err, &ne) || ne.Code != CodeDNC || res[2].Err != nil {
		t.Errorf("mixed answer under 400: %v %+v", err, res)
	}
	// One refusal naming one lead of the call refused the whole call: a
	// chunk-level error that isolation narrows down.
	_, err = cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 400, Header: http.Header{}, Body: []byte(`{"code":104,"njExternalLeadId":"b"}`)}, chunk)
	if !errors.As(err, &ne) || ne.Code != CodeDNC || !isolate(err) {
		t.Errorf("one named refusal: %v, isolate %v; want a 104 to isolate", err, isolate(err))
	}
	// Busy, a missing id and a local refusal are not isolated.
	for _, e := range []error{
		&Error{APIError: vendorkit.APIError[Code]{Code: CodeTooManyConcurrentRequests, Class: vendorkit.RateLimited}},
		&Error{APIError: vendorkit.APIError[Code]{Code: CodeCampaignIDRequired, Class: vendorkit.Invalid}},
		invalidLead("x", "", "local"),
	} {
		if isolate(e) {
			t.Errorf("%v is isolated", e)
		}
	}
	// One OK naming one lead of three cannot be matched: outcome unknown.
	_, err = cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(`{"code":0,"njExternalLeadId":"b"}`)}, chunk)
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("one named OK: %v", err)
	}
	// A count mismatch cannot be matched: outcome unknown for the chunk.
	_, err = cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(`[{"code":0},{"code":0}]`)}, chunk)
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("mismatched count: %v", err)
	}
}

// The client starts with Noojee's patient policy: its backoff ceilings add
// up to several minutes (302 s, as its doc says).
func TestDefaultBusyPolicyIsPatient(t *testing.T) {
	t.Parallel()
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.cfg.Engine.Retry
	if d := cmp.Diff(defaultRetry, p); d != "" {
		t.Fatalf("a new client's policy (-want +got):\n%s", d)
	}
	var worst time.Duration
	ceiling := p.BaseDelay
	for range p.MaxAttempts - 1 {
		worst += min(ceiling, p.MaxDelay)
		ceiling *= 2
	}
	if worst != 302*time.Second {
		t.Errorf("the waits of the default policy add up to at most %v; its doc says 302 s", worst)
	}
	if c.cfg.Engine.Concurrency != DefaultConcurrency || c.cfg.BatchSize != DefaultBatchSize || c.cfg.MaxRequestBytes != DefaultMaxRequestBytes {
		t.Errorf("defaults: %+v", c.cfg)
	}
}
