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
)

// Every code of the vendor's table, with its name, HTTP status and class,
// decodes from a server answer to an error of the right class.
func TestEveryCodeDecodesToItsClass(t *testing.T) {
	type row struct {
		Name      string
		Status    int
		Class     Class
		Retryable bool
		Sentinel  error
	}
	want := map[Code]row{
		0:   {"OK", 200, ClassOK, false, nil},
		101: {"COULDNT_FIND_THE_LEAD", 400, ClassLead, false, ErrNotFound},
		102: {"NO_PHONE_FIELDS", 400, ClassLead, false, ErrInvalid},
		103: {"EXCEPTION", 500, ClassServer, true, ErrServer},
		104: {"DNC", 400, ClassLead, false, ErrDNC},
		105: {"DUPLICATE", 400, ClassLead, false, ErrDuplicate},
		106: {"INVALID_DISPOSTION", 400, ClassLead, false, ErrInvalid},
		107: {"DISPOSTION_ISNT_SET_AND_NOCHANGE_SPECIFIED", 400, ClassLead, false, ErrInvalid},
		108: {"IMPORT_BUT_NOCHANGE_SPECIFIED", 400, ClassLead, false, ErrInvalid},
		109: {"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS", 400, ClassBusy, true, ErrBusy},
		110: {"LEAD_NOT_UPDATED_DUE_TO_CONFLICT", 400, ClassConflict, false, ErrConflict},
		111: {"INVALID_TIMEZONE_SPECIFIED", 400, ClassLead, false, ErrInvalid},
		112: {"DUPLICATE_EXTERNAL_ID", 400, ClassLead, false, ErrDuplicate},
		114: {"INVALID_CALLBACK_DATE_FORMAT", 400, ClassLead, false, ErrInvalid},
		115: {"ALLOCATION_ID_REQUIRED", 400, ClassRequest, false, ErrInvalid},
		116: {"TEMPLATE_ID_REQUIRED", 400, ClassRequest, false, ErrInvalid},
		117: {"CAMPAIGN_ID_REQUIRED", 400, ClassRequest, false, ErrInvalid},
	}
	if len(Codes()) != len(want) {
		t.Fatalf("Codes() has %d codes, the table %d", len(Codes()), len(want))
	}
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	if err != nil {
		t.Fatal(err)
	}
	cp := c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
	sentinels := []error{ErrBusy, ErrServer, ErrConflict, ErrNotFound, ErrDuplicate, ErrDNC, ErrInvalid, ErrAuth}
	for _, code := range Codes() {
		w := want[code]
		got := row{code.Name(), code.HTTPStatus(), code.Class(), false, nil}
		// Answers in three shapes must decode alike.
		bodies := []string{
			fmt.Sprintf(`{"code":%d,"message":%q}`, code, w.Name),
			fmt.Sprintf(`{"Code":"%d","Message":"x"}`, code),
			fmt.Sprintf(`%d %s`, code, w.Name),
			w.Name,
		}
		for _, body := range bodies {
			resp := &httpx.Response{StatusCode: w.Status, Header: http.Header{}, Body: []byte(body)}
			res, err := cp.answer(EndpointInsertLeadFast, resp, []*job{{lead: Lead{ExternalID: "X-1"}}})
			if code == CodeOK {
				if err != nil || res[0].Err != nil || res[0].Value.Code != CodeOK {
					t.Errorf("%s: OK answer gave %v / %+v", body, err, res)
				}
				continue
			}
			var ne *Error
			if !errors.As(err, &ne) {
				t.Errorf("%s: err %v, want *Error", body, err)
				continue
			}
			if ne.Code != code || ne.HTTPStatus != w.Status || ne.ExternalID != "X-1" {
				t.Errorf("%s: decoded %+v", body, ne)
			}
			got.Retryable = ne.Retryable()
			got.Sentinel = nil
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
		}
		if d := cmp.Diff(w, got, cmp.Comparer(func(a, b error) bool { return a == b })); d != "" {
			t.Errorf("code %d (-want +got):\n%s", code, d)
		}
	}
}

func TestCodeStrings(t *testing.T) {
	cases := map[Code]string{CodeDNC: "104 DNC", CodeOK: "0 OK", 113: "113", CodeUnknown: "no code"}
	for c, want := range cases {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(c), got, want)
		}
	}
	if Code(113).Known() || Code(113).Class() != ClassUnknown || !CodeConflict.Known() {
		t.Error("Known/Class wrong for 113 or 110")
	}
	if ClassBusy.String() != "busy" || Class(99).String() != "Class(99)" {
		t.Error("Class.String")
	}
}

// Answers without a code: classified by HTTP status; a 2xx that cannot be
// read is outcome unknown; an empty 2xx is success.
func TestUndecodableAnswers(t *testing.T) {
	c, _ := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	cp := c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
	cases := []struct {
		status      int
		body        string
		ok          bool
		class       Class
		retryable   bool
		stop        bool
		unknown     bool
		malformed   bool
		retryAfterS int
	}{
		{200, "", true, ClassOK, false, false, false, false, 0},
		{204, "  ", true, ClassOK, false, false, false, false, 0},
		{200, "<html>oops</html>", false, 0, false, false, true, true, 0},
		{200, `{"status":"fine"}`, false, 0, false, false, true, true, 0},
		{401, "Invalid apiKey", false, ClassAuth, false, true, false, false, 0},
		{403, "", false, ClassAuth, false, true, false, false, 0},
		{503, "", false, ClassBusy, true, false, false, false, 7},
		{502, "<html>bad gateway</html>", false, 0, false, false, true, true, 0},
		{404, "not found", false, ClassEndpoint, false, true, false, false, 0},
		{409, "conflict?", false, 0, false, false, false, true, 0},
		{400, `{"code":0}`, false, 0, false, false, true, true, 0},
		{400, `{"code":113,"message":"?"}`, false, ClassUnknown, false, false, false, false, 0},
	}
	for _, tc := range cases {
		h := http.Header{}
		if tc.retryAfterS > 0 {
			h.Set("Retry-After", fmt.Sprint(tc.retryAfterS))
		}
		resp := &httpx.Response{StatusCode: tc.status, Header: h, Body: []byte(tc.body)}
		res, err := cp.answer(EndpointInsertLeadFast, resp, []*job{{}})
		if tc.ok {
			if err != nil || res[0].Err != nil {
				t.Errorf("%d %q: %v", tc.status, tc.body, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%d %q: no error", tc.status, tc.body)
			continue
		}
		if errors.Is(err, ErrOutcomeUnknown) != tc.unknown || errors.Is(err, ErrMalformedResponse) != tc.malformed {
			t.Errorf("%d %q: %v: unknown/malformed want %v/%v", tc.status, tc.body, err, tc.unknown, tc.malformed)
		}
		var ne *Error
		if errors.As(err, &ne) {
			if ne.Class() != tc.class || ne.Retryable() != tc.retryable || ne.StopRun() != tc.stop || ne.RetryAfter().Seconds() != float64(tc.retryAfterS) {
				t.Errorf("%d %q: class %v retryable %v stop %v after %v", tc.status, tc.body, ne.Class(), ne.Retryable(), ne.StopRun(), ne.RetryAfter())
			}
		} else if !tc.malformed {
			t.Errorf("%d %q: %v is not an *Error", tc.status, tc.body, err)
		}
	}
}

// A bulk answer listing one result per lead is matched by njExternalLeadId.
func TestBulkPerLeadAnswer(t *testing.T) {
	c, _ := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	cp := c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
	chunk := []*job{{lead: Lead{ExternalID: "a"}}, {lead: Lead{ExternalID: "b"}}, {lead: Lead{ExternalID: "c"}}}
	body := `[{"njExternalLeadId":"c","code":104},{"njExternalLeadId":"a","code":0,"leadId":9},{"njExternalLeadId":"b","code":"109"}]`
	res, err := cp.answer(EndpointInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(body)}, chunk)
	if err != nil {
		t.Fatal(err)
	}
	var codes []Code
	for _, r := range res {
		var ne *Error
		if errors.As(r.Err, &ne) {
			codes = append(codes, ne.Code)
		} else {
			codes = append(codes, r.Value.Code)
		}
	}
	if d := cmp.Diff([]Code{0, 109, 104}, codes); d != "" || res[0].Value.LeadID != "9" {
		t.Errorf("codes (-want +got):\n%s lead id %q", d, res[0].Value.LeadID)
	}
	// In a per-lead list a 0 stands even under a failure status.
	res, err = cp.answer(EndpointInsertLeadsFast, &httpx.Response{StatusCode: 400, Header: http.Header{}, Body: []byte(`[{"code":0},{"code":104},{"code":0}]`)}, chunk)
	if err != nil || res[0].Err != nil || !errors.Is(res[1].Err, ErrDNC) || res[2].Err != nil {
		t.Errorf("mixed answer under 400: %v %+v", err, res)
	}
	// One refusal naming one lead of the call refused the whole call: a
	// chunk-level error that isolation narrows down.
	_, err = cp.answer(EndpointInsertLeadsFast, &httpx.Response{StatusCode: 400, Header: http.Header{}, Body: []byte(`{"code":104,"njExternalLeadId":"b"}`)}, chunk)
	if !errors.Is(err, ErrDNC) || !isolate(err) {
		t.Errorf("one named refusal: %v, isolate %v; want a 104 to isolate", err, isolate(err))
	}
	// One OK naming one lead of three cannot be matched: outcome unknown.
	_, err = cp.answer(EndpointInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(`{"code":0,"njExternalLeadId":"b"}`)}, chunk)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("one named OK: %v", err)
	}
	// A count mismatch cannot be matched: outcome unknown for the chunk.
	_, err = cp.answer(EndpointInsertLeadsFast, &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(`[{"code":0},{"code":0}]`)}, chunk)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("mismatched count: %v", err)
	}
}

// The 109 retry default is patient: a client built without WithRetryPolicy
// uses DefaultRetryPolicy, whose backoff ceilings add up to several
// minutes (the doc says at most 302 s), and a 109 leaves the attempt limit
// to that policy.
func TestDefaultBusyPolicyIsPatient(t *testing.T) {
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("k-123456"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.cfg.engine.Config().Retry
	if d := cmp.Diff(DefaultRetryPolicy(), p); d != "" {
		t.Fatalf("a client without WithRetryPolicy does not use DefaultRetryPolicy (-want +got):\n%s", d)
	}
	var worst time.Duration
	ceiling := p.BaseDelay
	for range p.MaxAttempts - 1 {
		worst += min(ceiling, p.MaxDelay)
		ceiling *= 2
	}
	if worst != 302*time.Second {
		t.Errorf("the waits of DefaultRetryPolicy add up to at most %v; its doc says 302 s", worst)
	}
	if worst < 3*time.Minute || worst > 10*time.Minute || p.MaxAttempts < 8 {
		t.Errorf("DefaultRetryPolicy %+v waits at most %v over %d sends: not 'patient, several minutes in all'", p, worst, p.MaxAttempts)
	}
	if busy := (&Error{Code: CodeTooManyConcurrentRequests, HTTPStatus: 400}); !busy.Retryable() || batch.MaxAttemptsOf(busy) != 0 {
		t.Errorf("109: retryable %v, own limit %d; want true and none (the policy decides)", busy.Retryable(), batch.MaxAttemptsOf(busy))
	}
}
