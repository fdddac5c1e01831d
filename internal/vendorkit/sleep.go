package vendorkit

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (then it returns ctx's error): the one
// context-aware wait of the vendors' own loops (import polling, status
// reads). A d of zero or less returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
