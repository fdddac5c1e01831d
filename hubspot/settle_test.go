package hubspot

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
)

// matchInput is one record of a chunk in TestApplyMatching.
type matchInput struct{ trace, id, prop string }

// describe renders a settled record for comparison: "ok <id>", the
// *Error's category and message, or the class of a no-result error with
// whether it is resent (retry) or never resent (unknown); a result kept
// beside an error is appended as "+result <id>".
func describe(r batch.Result[Result]) string {
	var s string
	var he *Error
	switch {
	case r.Err == nil:
		return "ok " + r.Value.ID
	case errors.As(r.Err, &he):
		if !strings.HasPrefix(he.Message, "no result") {
			s = strings.TrimSpace(string(he.Code) + " " + he.Message)
			if batch.IsRetryable(r.Err) {
				s += ", retry"
			}
			break
		}
		s = "no result"
		if strings.Contains(r.Err.Error(), "numErrors") {
			s = "unlisted error"
		}
		if batch.IsRetryable(r.Err) {
			s += ", retry"
		}
		if errors.Is(r.Err, batch.ErrOutcomeUnknown) {
			s += ", unknown"
		}
	default:
		s = r.Err.Error()
	}
	if r.Value.ID != "" {
		s += " +result " + r.Value.ID
	}
	return s
}

// How a 2xx answer is matched to the records of a chunk: by
// objectWriteTraceId first and alone when present, numErrors checked
// against errors[], CANCELED never a success.
func TestApplyMatching(t *testing.T) {
	t.Parallel()
	sameID := []matchInput{{"t0", "512", ""}, {"t1", "512", "custom_id"}}
	twoCreates := []matchInput{{"t0", "", ""}, {"t1", "", ""}}
	byEmail := []matchInput{{"t0", "ada@example.com", "email"}, {"t1", "grace@example.com", "email"}}
	cases := []struct {
		name   string
		kind   opKind
		status int // 207 when 0
		inputs []matchInput
		body   string
		want   []string
	}{
		{"an error naming a trace id does not spill over to another input with the same id", opUpdate, 0, sameID,
			`{"status":"COMPLETE","numErrors":1,"errors":[{"category":"VALIDATION_ERROR","message":"bad","context":{"objectWriteTraceId":["t0"],"ids":["512"]}}]}`,
			[]string{"VALIDATION_ERROR bad", "no result, retry"}},
		{"results matched by trace id, not by order or id", opUpdate, 0, sameID,
			`{"status":"COMPLETE","results":[{"id":"900","objectWriteTraceId":"t1"},{"id":"512","objectWriteTraceId":"t0"}]}`,
			[]string{"ok 512", "ok 900"}},
		{"a result echoing a trace id this request did not send matches nothing", opUpdate, 0, sameID,
			`{"status":"COMPLETE","results":[{"id":"512","objectWriteTraceId":"zz"}]}`,
			[]string{"no result, retry", "no result, retry"}},
		{"a result without a trace id falls back to the record id", opUpdate, 0, []matchInput{{"t0", "512", ""}, {"t1", "513", ""}},
			`{"status":"COMPLETE","results":[{"id":"513"},{"id":"512"}]}`,
			[]string{"ok 512", "ok 513"}},
		{"an error naming only ids is matched by id and unique value", opUpdate, 0, []matchInput{{"t0", "512", ""}, {"t1", "ada@example.com", "email"}},
			`{"status":"COMPLETE","errors":[{"category":"OBJECT_NOT_FOUND","message":"gone","context":{"ids":["512"]}},{"category":"CONFLICT","message":"dup","context":{"ids":["ADA@example.com"]}}]}`,
			[]string{"OBJECT_NOT_FOUND gone", "CONFLICT dup"}},
		{"an error naming a record that also has a result fails it, keeping the result", opCreate, 0, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"},{"id":"2","objectWriteTraceId":"t1"}],"numErrors":1,"errors":[{"category":"VALIDATION_ERROR","message":"half done","context":{"objectWriteTraceId":["t0"]}}]}`,
			[]string{"VALIDATION_ERROR half done +result 1", "ok 2"}},
		{"a retryable error naming a record that also has a result is not resent", opCreate, 0, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"}],"numErrors":2,"errors":[{"category":"RATE_LIMITS","message":"slow","context":{"objectWriteTraceId":["t0","t1"]}}]}`,
			[]string{"RATE_LIMITS slow +result 1", "RATE_LIMITS slow, retry"}},
		{"an error naming an input of another request is not pinned on these", opCreate, 0, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"}],"numErrors":1,"errors":[{"category":"VALIDATION_ERROR","message":"other","context":{"objectWriteTraceId":["t9"]}}]}`,
			[]string{"ok 1", "no result, unknown"}},
		{"an error naming no input fails the records nothing else settled", opCreate, 0, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"}],"numErrors":1,"errors":[{"category":"VALIDATION_ERROR","message":"some input was bad"}]}`,
			[]string{"ok 1", "VALIDATION_ERROR some input was bad"}},
		{"numErrors above the errors listed: the unmentioned create is unknown", opCreate, 0, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1","objectWriteTraceId":"t0"}],"numErrors":1,"errors":[]}`,
			[]string{"ok 1", "unlisted error, unknown"}},
		{"numErrors above the errors listed: the unmentioned update is resent", opUpdate, 0, sameID,
			`{"status":"COMPLETE","results":[{"id":"512","objectWriteTraceId":"t0"}],"numErrors":3,"errors":[]}`,
			[]string{"ok 512", "unlisted error, retry"}},
		{"archive: records no listed error names are done", opArchive, 0, []matchInput{{"", "1", ""}, {"", "2", ""}},
			`{"status":"COMPLETE","numErrors":1,"errors":[{"category":"OBJECT_NOT_FOUND","message":"gone","context":{"ids":["2"]}}]}`,
			[]string{"ok ", "OBJECT_NOT_FOUND gone"}},
		{"archive: numErrors above the errors listed fails the unmentioned", opArchive, 0, []matchInput{{"", "1", ""}, {"", "2", ""}},
			`{"status":"COMPLETE","numErrors":2,"errors":[{"category":"OBJECT_NOT_FOUND","message":"gone","context":{"ids":["2"]}}]}`,
			[]string{"unlisted error, retry", "OBJECT_NOT_FOUND gone"}},
		{"canceled: results are not successes; named errors stay; the unnamed error's message is kept", opUpdate, 0, []matchInput{{"t0", "1", ""}, {"t1", "2", ""}, {"t2", "3", ""}},
			`{"status":"CANCELED","results":[{"id":"1","objectWriteTraceId":"t0"}],"numErrors":2,"errors":[{"category":"MISSING_SCOPES","message":"no scope"},{"category":"VALIDATION_ERROR","message":"bad","context":{"objectWriteTraceId":["t2"]}}]}`,
			[]string{"CANCELED HubSpot canceled the batch; its records are not confirmed: no scope +result 1",
				"CANCELED HubSpot canceled the batch; its records are not confirmed: no scope",
				"VALIDATION_ERROR bad"}},
		{"canceled in lower case is still canceled", opCreate, 0, twoCreates,
			`{"status":"canceled","results":[{"id":"1","objectWriteTraceId":"t0"},{"id":"2","objectWriteTraceId":"t1"}]}`,
			[]string{"CANCELED HubSpot canceled the batch; its records are not confirmed +result 1",
				"CANCELED HubSpot canceled the batch; its records are not confirmed +result 2"}},
		{"update by email, 200 COMPLETE, no trace echoed: the lone record gets the lone result", opUpdate, 200, byEmail[:1],
			`{"status":"COMPLETE","results":[{"id":"900","properties":{}}]}`,
			[]string{"ok 900"}},
		{"update by email, 200 COMPLETE, no trace echoed, one result each: all succeeded, results untold", opUpdate, 200, byEmail,
			`{"status":"COMPLETE","results":[{"id":"901","properties":{}},{"id":"900","properties":{}}]}`,
			[]string{"ok ", "ok "}},
		{"the same as a 207: not vouched for", opUpdate, 207, byEmail,
			`{"status":"COMPLETE","results":[{"id":"901","properties":{}},{"id":"900","properties":{}}]}`,
			[]string{"no result, retry", "no result, retry"}},
		{"the same with fewer results than inputs: not vouched for", opUpsert, 200, byEmail,
			`{"status":"COMPLETE","results":[{"id":"901","properties":{}}]}`,
			[]string{"no result, retry", "no result, retry"}},
		{"the same while processing: not vouched for", opUpdate, 200, byEmail,
			`{"status":"PROCESSING","results":[{"id":"901","properties":{}},{"id":"900","properties":{}}]}`,
			[]string{"no result, retry", "no result, retry"}},
		{"the same with a trace id echoed that is not ours: not vouched for", opUpdate, 200, byEmail,
			`{"status":"COMPLETE","results":[{"id":"901","objectWriteTraceId":"zz"},{"id":"900"}]}`,
			[]string{"no result, retry", "no result, retry"}},
		{"update by record id, 200 COMPLETE: a record must find its own id", opUpdate, 200, []matchInput{{"t0", "512", ""}, {"t1", "513", ""}},
			`{"status":"COMPLETE","results":[{"id":"512"},{"id":"999"}]}`,
			[]string{"ok 512", "no result, retry"}},
		{"a create is never vouched for without its trace ids", opCreate, 200, twoCreates,
			`{"status":"COMPLETE","results":[{"id":"1"},{"id":"2"}]}`,
			[]string{"no result, unknown", "no result, unknown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			br, err := decodeBatchResponse([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			x := newChunkIndex(len(tc.inputs), tc.kind != opArchive && tc.kind != opRead)
			for i, in := range tc.inputs {
				if x.trace != nil && !x.addTrace(in.trace, i) {
					t.Fatalf("trace %q repeated", in.trace)
				}
				if in.id != "" {
					x.addID(in.id, in.prop, i)
				}
			}
			res := make([]batch.Result[Result], len(tc.inputs))
			status := tc.status
			if status == 0 {
				status = 207
			}
			x.apply(tc.kind, "contacts batch/x", status, br, res, func(s string) string { return s })
			got := make([]string, len(res))
			for i, r := range res {
				got[i] = describe(r)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
