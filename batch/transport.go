package batch

import (
	"context"
	"sync/atomic"
)

// transportRetriesKey carries a counter in the context Send receives.
type transportRetriesKey struct{}

// AddTransportRetries tells the engine that the HTTP layer under Send sent
// its request n more times on its own, so that Report.Requests and
// Report.Retries count every request that went on the wire. crmbatch's own
// HTTP layer never needs it: it retries only requests that never reached
// the server, and leaves every status-based retry to the engine. It is for
// a Send built on an HTTP client that retries by itself. It does nothing
// when ctx does not come from the engine.
func AddTransportRetries(ctx context.Context, n int) {
	if c, ok := ctx.Value(transportRetriesKey{}).(*atomic.Int64); ok && n > 0 {
		c.Add(int64(n))
	}
}

// withTransportCounter returns ctx carrying counter.
func withTransportCounter(ctx context.Context, counter *atomic.Int64) context.Context {
	return context.WithValue(ctx, transportRetriesKey{}, counter)
}
