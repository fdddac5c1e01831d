package batch_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// TestOutcomeUnknownIsOneValue: a vendor error wrapping the HTTP layer's
// unknown-outcome error matches the public batch.ErrOutcomeUnknown.
func TestOutcomeUnknownIsOneValue(t *testing.T) {
	err := fmt.Errorf("vendor: create: %w", &httpx.TransportError{MaybeSent: true, Err: errors.New("EOF")})
	if !errors.Is(err, batch.ErrOutcomeUnknown) {
		t.Errorf("%v does not match batch.ErrOutcomeUnknown", err)
	}
}
