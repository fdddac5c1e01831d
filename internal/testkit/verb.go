package testkit

import (
	"context"
	"iter"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
)

// Send returns a call of a bulk verb (a vendor method taking records and
// answering a report) with recs, keeping only its error: the entries of
// the tests' "every verb" tables.
func Send[T, R any](verb func(context.Context, iter.Seq[T]) (*batch.Report[R], error), recs ...T) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := verb(ctx, slices.Values(recs))
		return err
	}
}
