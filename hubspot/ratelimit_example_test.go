package hubspot_test

import (
	"os"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
)

// Two clients of one HubSpot app share its burst limit: one limiter for
// both. A 429's Retry-After, passed to the limiter by the engine, holds
// both back.
func ExampleBurstLimiter() {
	token := os.Getenv("HUBSPOT_TOKEN")
	shared := hubspot.BurstLimiter(180) // one HubSpot app allowed 190 per 10 s, with room for jitter
	contacts, _ := hubspot.New(hubspot.WithToken(token), hubspot.WithEngine(batch.Config{Limiter: shared}))
	deals, _ := hubspot.New(hubspot.WithToken(token), hubspot.WithEngine(batch.Config{Limiter: shared}))
	_, _ = contacts, deals
}
