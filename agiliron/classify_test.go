package agiliron

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// TestTransportErrorClasses: a request that may have reached Agiliron is
// never reported as refused, and only an update is sent again.
func TestTransportErrorClasses(t *testing.T) {
	t.Parallel()
	dial := errors.New("dial tcp: connection refused")
	tests := []struct {
		name      string
		err       error
		unknown   bool
		retryable bool
	}{
		{"put never sent", &httpx.TransportError{Err: dial, Idempotent: true}, false, true},
		{"post never sent", &httpx.TransportError{Err: dial}, false, true},
		{"put written, then cut", &httpx.TransportError{Err: dial, Idempotent: true, MaybeSent: true}, false, true},
		{"post written, then cut", &httpx.TransportError{Err: dial, MaybeSent: true}, true, false},
		{"post cancelled after writing", fmt.Errorf("%w: %w", context.Canceled, &httpx.TransportError{Err: dial, MaybeSent: true}), true, false},
		{"post answer too large", &httpx.TransportError{Err: httpx.ErrBodyTooLarge, MaybeSent: true, Status: 200}, true, false},
		{"put answer too large", &httpx.TransportError{Err: httpx.ErrBodyTooLarge, MaybeSent: true, Idempotent: true, Status: 200}, false, true},
	}
	for _, tt := range tests {
		e := transportError("X Bulk-Leads", tt.err)
		if errors.Is(e, batch.ErrOutcomeUnknown) != tt.unknown || e.Retryable() != tt.retryable {
			t.Errorf("%s: %v: class %v retryable %v; want unknown %v, retryable %v", tt.name, e, e.Class, e.Retryable(), tt.unknown, tt.retryable)
		}
	}
}

// TestResponseErrorClasses: the status decides; 401/403 stop the run (as
// in the other four vendors); a create's 5xx is an unknown outcome, an
// update's is sent again; 400/413/422 are isolated.
func TestResponseErrorClasses(t *testing.T) {
	t.Parallel()
	c, err := New(WithBaseURL("https://h.example"), WithAPIKey("k-123456"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		status     int
		idempotent bool
		sentinel   error
		stops      bool
		isolated   bool
	}{
		{401, false, batch.ErrUnauthorized, true, false},
		{403, true, batch.ErrUnauthorized, true, false},
		{429, false, batch.ErrRateLimited, false, false},
		{503, false, batch.ErrUnavailable, false, false},
		{500, false, batch.ErrOutcomeUnknown, false, false},
		{502, true, batch.ErrUnavailable, false, false},
		{400, false, batch.ErrInvalid, false, true},
		{413, false, nil, false, true},
	}
	for _, tt := range tests {
		resp := &httpx.Response{StatusCode: tt.status, Header: http.Header{}, Body: []byte(`{"Error":{"Message":"m"}}`), RetryAfter: time.Second}
		e := c.responseError("PUT Bulk-Leads", resp, tt.idempotent)
		if tt.sentinel != nil && !errors.Is(e, tt.sentinel) {
			t.Errorf("%d: %v does not match %v", tt.status, e, tt.sentinel)
		}
		if e.StopRun() != tt.stops || isolate(e) != tt.isolated || e.HTTPStatus != tt.status || e.Message == "" {
			t.Errorf("%d: stops %v isolated %v (%+v)", tt.status, e.StopRun(), isolate(e), e)
		}
	}
}
