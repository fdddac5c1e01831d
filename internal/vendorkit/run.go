package vendorkit

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

// Run runs op over records with the engine and returns the report and its
// error (nil when every record went in). A nil records is an empty input.
func Run[T, R any](ctx context.Context, op batch.Op[T, R], cfg batch.Config, records iter.Seq[T]) (*batch.Report[R], error) {
	if records == nil {
		records = func(func(T) bool) {}
	}
	rep := batch.Run(ctx, op, cfg, records)
	return rep, rep.Err()
}
