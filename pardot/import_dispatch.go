package pardot

import (
	"context"
	"iter"

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
	all, big, stop := vendorkit.AtLeast(ps, n+1)
	defer stop()
	if !big {
		return vendorkit.Run(ctx, c.op(o), c.cfg.Engine, all)
	}
	return c.runImport(ctx, o, all)
}
