package agiliron

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// TestSendErrorClasses: a bulk request that may have reached Agiliron is
// never reported as refused, and only an update is sent again.
func TestSendErrorClasses(t *testing.T) {
	dial := errors.New("dial tcp: connection refused")
	tests := []struct {
		name       string
		err        error
		idempotent bool
		kind       error
		retryable  bool
	}{
		{"put never sent", &httpx.TransportError{Err: dial, Idempotent: true}, true, ErrBatchRefused, true},
		{"post never sent", &httpx.TransportError{Err: dial}, false, ErrBatchRefused, true},
		{"put written, then cut", &httpx.TransportError{Err: dial, Idempotent: true, MaybeSent: true}, true, ErrOutcomeUnknown, true},
		{"post written, then cut", &httpx.TransportError{Err: dial, MaybeSent: true}, false, ErrOutcomeUnknown, false},
		{"post cancelled after writing", fmt.Errorf("%w: %w", context.Canceled, &httpx.TransportError{Err: dial, MaybeSent: true}), false, ErrOutcomeUnknown, false},
		{"put answer too large", fmt.Errorf("httpx: %w", httpx.ErrBodyTooLarge), true, ErrOutcomeUnknown, true},
		{"post answer too large", fmt.Errorf("httpx: %w", httpx.ErrBodyTooLarge), false, ErrOutcomeUnknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sendError("X Bulk-Leads", tt.err, tt.idempotent)
			if !errors.Is(e, tt.kind) || e.Retryable() != tt.retryable {
				t.Fatalf("%v: kind %v retryable %v; want %v, %v", e, e.kind, e.Retryable(), tt.kind, tt.retryable)
			}
		})
	}
}
