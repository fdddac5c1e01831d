package hubspot

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Every status class HubSpot documents gets the retry decision the issue
// asks for, with the default configuration.
func TestResponseClassification(t *testing.T) {
	t.Parallel()
	c, err := New(WithToken("tok-123456"))
	if err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		Retryable, StopRun, Unknown, Isolatable bool
		Wait                                    time.Duration
	}
	burst := `{"status":"error","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING","message":"You have reached your ten_secondly_rolling limit."}`
	cases := []struct {
		name       string
		kind       opKind
		status     int
		retryAfter string
		body       string
		want       verdict
	}{
		{"429 burst with Retry-After", opCreate, 429, "3", burst, verdict{Retryable: true, Wait: 3 * time.Second}},
		{"429 burst without Retry-After waits the window", opUpdate, 429, "", burst, verdict{Retryable: true, Wait: 10 * time.Second}},
		{"429 secondly", opUpdate, 429, "", `{"policyName":"SECONDLY","message":"m"}`, verdict{Retryable: true, Wait: time.Second}},
		{"429 daily", opUpdate, 429, "", `{"policyName":"DAILY","message":"You have reached your daily limit."}`, verdict{StopRun: true}},
		{"429 daily named in the message only", opUpdate, 429, "", `{"message":"You have reached your daily limit."}`, verdict{StopRun: true}},
		{"423 waits at least 2 s", opUpsert, 423, "", `{"message":"locked"}`, verdict{Retryable: true, Wait: 2 * time.Second}},
		{"423 with a longer Retry-After", opUpsert, 423, "5", `{"message":"locked"}`, verdict{Retryable: true, Wait: 5 * time.Second}},
		{"477 honours Retry-After", opCreate, 477, "3600", `{"message":"Migration in progress"}`, verdict{Retryable: true, Wait: time.Hour}},
		{"401 stops", opRead, 401, "", `{"category":"INVALID_AUTHENTICATION","message":"m"}`, verdict{StopRun: true}},
		{"403 stops", opRead, 403, "", `{"category":"MISSING_SCOPES","message":"m"}`, verdict{StopRun: true}},
		{"503 create is safe to resend", opCreate, 503, "", "", verdict{Retryable: true}},
		{"502 update backs off", opUpdate, 502, "", "", verdict{Retryable: true}},
		{"504 create is unknown", opCreate, 504, "", "", verdict{Unknown: true}},
		{"500 create is unknown", opCreate, 500, "", "", verdict{Unknown: true}},
		{"400 is final", opUpdate, 400, "", `{"category":"VALIDATION_ERROR","message":"m"}`, verdict{}},
		{"409 is final", opCreate, 409, "", `{"category":"CONFLICT","message":"m"}`, verdict{}},
		{"307 not followed is final", opCreate, 307, "", "<a href=\"https://elsewhere\">Temporary Redirect</a>.", verdict{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.retryAfter != "" {
				h.Set("Retry-After", tc.retryAfter)
			}
			resp := &httpx.Response{StatusCode: tc.status, Header: h, Body: []byte(tc.body)}
			resp.RetryAfter, _ = httpx.ParseRetryAfter(tc.retryAfter, time.Now())
			e := c.responseError(tc.kind, "contacts batch/x", resp)
			got := verdict{Retryable: e.Retryable(), StopRun: e.StopRun(), Unknown: errors.Is(e, batch.ErrOutcomeUnknown), Isolatable: e.isolate, Wait: e.RetryAfter()}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
