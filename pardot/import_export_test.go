package pardot

import (
	"context"
	"time"
)

// WithImportWaitForTest replaces the import path's waits (between status
// reads, before a request sent again) with wait, so tests drive them with
// a clock they control.
func WithImportWaitForTest(wait func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) error { c.importWait = wait; return nil }
}

// WithImportFileBytesForTest caps the import path's batch files at n bytes
// of CSV, so tests reach the batch and import limits with small inputs.
func WithImportFileBytesForTest(n int) Option {
	return func(c *config) error { c.importFileBytes = n; return nil }
}
