// Command hubspot upserts contacts into HubSpot in bulk with crmbatch and
// prints what became of each record.
//
// Environment:
//
//	HUBSPOT_TOKEN   a private-app access token with the
//	                crm.objects.contacts.write scope. When it is unset, the
//	                program starts the in-memory fake (hubspottest), with a
//	                few injected faults, and runs against that instead: no
//	                network and no account needed.
//	HUBSPOT_BASE_URL optional API root (default https://api.hubapi.com).
//
// With a real token it upserts three example contacts (by email); against
// the fake it upserts 2,500 through rate-limit bursts, a 423 Locked, a 502
// and a rejected email.
//
//	go run ./examples/hubspot
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

func main() {
	log.SetFlags(0)
	token := os.Getenv("HUBSPOT_TOKEN")
	// Stay under the burst limit: per 10 s, 100 for Free/Starter private
	// apps, 190 for Professional/Enterprise ones, 110 for a public OAuth
	// app in each account that installed it.
	burst := 100
	opts := []hubspot.Option{
		hubspot.WithEngine(batch.Config{OnProgress: func(p batch.Progress) {
			if p.Done == p.Total {
				fmt.Printf("progress: %d/%d done in %d requests (%d retries)\n", p.Done, p.Total, p.Requests, p.Retries)
			}
		}}),
		hubspot.WithEngine(batch.Config{Concurrency: 4}),
	}
	n := 3
	if token == "" {
		srv := hubspottest.NewServer()
		defer srv.Close()
		srv.FailNext(2, fakekit.RateLimited(20*time.Millisecond))
		srv.FailNext(1, hubspottest.Locked())
		srv.FailNext(1, fakekit.Status(502))
		fmt.Println("HUBSPOT_TOKEN is not set: running against the in-memory fake HubSpot at", srv.BaseURL())
		token = hubspottest.DefaultToken
		burst = hubspottest.DefaultRateLimit
		opts = append(opts, hubspot.WithBaseURL(srv.BaseURL()),
			// The fake's lock is as short as we like; HubSpot's lasts 2 s.
			hubspot.WithLockedWait(50*time.Millisecond))
		n = 2500
	} else if base := os.Getenv("HUBSPOT_BASE_URL"); base != "" {
		opts = append(opts, hubspot.WithBaseURL(base))
	}
	opts = append(opts, hubspot.WithToken(token), hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(burst)}))

	c, err := hubspot.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	// Keyed on email, HubSpot does not take partial upserts: each input
	// carries every property the example contact holds. To send only what
	// changed, key on a custom property created with hasUniqueValue.
	inputs := make([]hubspot.UpsertInput, n)
	for i := range inputs {
		inputs[i] = hubspot.UpsertInput{
			IDProperty: "email",
			ID:         fmt.Sprintf("crmbatch-example-%d@example.com", i),
			Properties: hubspot.Properties{"firstname": "Example", "lastname": fmt.Sprint("No. ", i)},
		}
	}
	if n > 3 {
		inputs[7].ID = "not-an-email" // HubSpot refuses it; the rest go in
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := c.Objects("contacts").Upsert(ctx, slices.Values(inputs))

	fmt.Printf("%d records: %d succeeded, %d failed, %d not attempted (%d requests, %v)\n",
		rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests, rep.Elapsed.Round(time.Millisecond))
	created := 0
	for _, o := range rep.Outcomes {
		if o.Status == batch.Succeeded && o.Result.New {
			created++
		}
		if o.Status != batch.Succeeded {
			fmt.Printf("  record %d (%s): %v\n", o.Index, o.Key, o.Err)
		}
	}
	fmt.Printf("%d created, %d updated\n", created, rep.Succeeded-created)
	if rl := c.RateLimit(); rl.Max >= 0 {
		fmt.Printf("rate limit: %d of %d left in the %v window\n", rl.Remaining, rl.Max, rl.Interval)
	}
	if err != nil && !errors.Is(err, batch.ErrInvalid) {
		log.Fatal(err)
	}
}
