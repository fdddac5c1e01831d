package pardot

import (
	"context"
	"iter"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// dispatch runs a bulk verb through the batch endpoints, or through the
// Import API v5 when the call holds more prospects than
// WithImportThreshold allows. It reads up to threshold+1 prospects to
// decide; the input is read once either way.
func (c *Client) dispatch(ctx context.Context, o operation, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	n := c.cfg.importThreshold
	if n == 0 || c.cfg.legacy != nil || ps == nil {
		return vendorkit.Run(ctx, c.op(o), c.cfg.Engine, ps)
	}
	next, stop := iter.Pull(ps)
	defer stop()
	head := make([]Prospect, 0, min(n+1, 1024))
	for len(head) <= n {
		p, ok := next()
		if !ok {
			return vendorkit.Run(ctx, c.op(o), c.cfg.Engine, slices.Values(head))
		}
		head = append(head, p)
	}
	all := func(yield func(Prospect) bool) {
		for i := range head {
			if !yield(head[i]) {
				return
			}
		}
		head = nil
		for {
			p, ok := next()
			if !ok || !yield(p) {
				return
			}
		}
	}
	return c.runImport(ctx, o, all)
}
