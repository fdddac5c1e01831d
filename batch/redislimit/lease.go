package redislimit

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Answers of a renew script.
const (
	leaseLost    = 0 // another holder has the place
	leaseRenewed = 1
	leaseRetaken = 2 // the place had vanished (Redis lost it) and was taken back
)

// holdLease keeps a lease alive while its request is in flight: renew runs
// every third of ttl until the returned release is called, which stops the
// renewals and runs done (bounded by ttl; if done fails, the lease ends by
// itself within ttl). Release is idempotent.
func holdLease(ttl time.Duration, g *guard, logger *slog.Logger, account, place string,
	renew func(context.Context) (int, error), done func(context.Context) error) (release func()) {
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		every := ttl / 3
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), every)
			state, err := renew(ctx)
			cancel()
			switch {
			case err != nil:
				g.failed()
				logger.Warn("redislimit: could not renew a lease; retrying", "key", account, "place", place, "err", err)
			case state == leaseLost:
				g.succeeded()
				logger.Warn("redislimit: lease lost to another holder while its request was in flight (Redis restarted, or renewals failed for a whole TTL); the account may briefly have one request too many",
					"key", account, "place", place)
			case state == leaseRetaken:
				g.succeeded()
				logger.Warn("redislimit: lease had vanished (Redis restarted?) and was taken back", "key", account, "place", place)
			default:
				g.succeeded()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-stopped
			ctx, cancel := context.WithTimeout(context.Background(), ttl)
			defer cancel()
			if err := done(ctx); err != nil {
				logger.Warn("redislimit: could not end a lease; it ends by itself within the lease TTL",
					"key", account, "place", place, "err", err)
			}
		})
	}
}
