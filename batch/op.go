package batch

import (
	"context"
	"errors"
	"fmt"
)

// Op describes one vendor operation to the engine. Vendor packages build
// one per endpoint; callers normally never see it.
type Op[T, R any] struct {
	// Name names the operation in errors and logs, e.g.
	// "contacts batch/update".
	Name string

	// Send sends one chunk in one request and returns one Result per record,
	// in the chunk's order (the vendor matches the response to its records by
	// key, not by position). A non-nil error means the chunk as a whole got no
	// per-record answer; the engine then retries it, isolates it, stops the
	// run or fails every record of it, as the error says.
	// Send must neither keep nor modify the chunk slice: it is reused after
	// Send returns, and with RunSlice it may be a part of the caller's own
	// slice.
	Send func(ctx context.Context, chunk []T) ([]Result[R], error)

	// Key returns the record's vendor key (email, id, sourceId …), kept on
	// its Outcome. Optional.
	Key func(T) string

	// Validate checks a record before any request. A non-nil error fails the
	// record without sending it. Optional.
	Validate func(T) error

	// MaxItems is the most records one request may carry; 0 means 1.
	MaxItems int

	// MaxBytes, when > 0, is the most encoded bytes the records of one
	// request may add up to, as measured by Size.
	MaxBytes int

	// Size returns a record's encoded size in bytes; required when MaxBytes > 0.
	Size func(T) int

	// UniqueKeys keeps records with the same Key out of one request (a later
	// duplicate starts the next request), for vendors whose request is a map
	// keyed by identifier or that reject repeated ids.
	UniqueKeys bool

	// Isolate reports whether a chunk-level error that names no record
	// should be isolated: the chunk is split in halves and each half sent
	// again, down to single records, so only the bad records fail. Set it only
	// where such a rejection wrote nothing. Optional.
	Isolate func(error) bool
}

// check refuses an operation the engine cannot run as written: no Send, a
// byte limit with no Size to measure records by, negative limits.
func (op *Op[T, R]) check() error {
	var errs []error
	if op.Send == nil {
		errs = append(errs, errors.New("Send is nil"))
	}
	if op.MaxBytes > 0 && op.Size == nil {
		errs = append(errs, errors.New("MaxBytes is set but Size is nil"))
	}
	if op.MaxItems < 0 || op.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("negative limit (MaxItems %d, MaxBytes %d)", op.MaxItems, op.MaxBytes))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("batch: operation %q cannot run: %w", op.Name, err)
	}
	return nil
}
