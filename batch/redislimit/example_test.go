package redislimit_test

import (
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/batch/redislimit"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/pardot"
)

// Every process (service instance, job, host) that draws on one HubSpot
// account builds the same limiter: same Redis, same key, same numbers.
func ExampleNewRateLimiter() {
	var portalID, token string // from your configuration
	// 190 per 10 s (Professional private app), less 10 for other
	// integrations, with 500 ms allowed between a grant and HubSpot's count.
	rdb := redis.NewClient(&redis.Options{Addr: "10.0.0.5:6379"})
	rate, err := redislimit.NewRateLimiter(rdb, "hubspot:"+portalID, 180, 10*time.Second+500*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	contacts, err := hubspot.New(hubspot.WithToken(token), hubspot.WithEngine(batch.Config{Limiter: rate}), hubspot.WithEngine(batch.Config{Concurrency: 4}))
	if err != nil {
		log.Fatal(err)
	}
	_ = contacts
}

// Pardot allows 5 requests in flight per account: a semaphore of 5 leased
// slots shared by every process keeps them all under it, and a process
// killed mid-request gives its slots back within the lease TTL.
func ExampleNewSemaphore() {
	var businessUnitID, accessToken string // from your configuration
	rdb := redis.NewClient(&redis.Options{Addr: "10.0.0.5:6379"})
	slots, err := redislimit.NewSemaphore(rdb, "pardot:"+businessUnitID, 5, redislimit.WithLeaseTTL(10*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	prospects, err := pardot.New(pardot.WithToken(accessToken, businessUnitID), pardot.WithEngine(batch.Config{Limiter: slots}), pardot.WithEngine(batch.Config{Concurrency: 5}))
	if err != nil {
		log.Fatal(err)
	}
	_ = prospects
}
