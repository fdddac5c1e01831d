package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// runAgiliron adds 2,000 leads in requests of 100 through Agiliron's Add
// Lead (POST Leads), which answers each request at once. Five leads have a
// blank last name: Agiliron refuses the request that holds one, which is
// halved until the lead at fault is named, and the others go in. One
// request is first answered 429 and sent again. (Contacts and accounts go
// through Bulk-Contacts and Bulk-Accounts, whose results come later by
// webhook or BatchStatus: see examples/agiliron.)
func runAgiliron(ctx context.Context, progress func(batch.Progress)) result {
	const n = 2000
	srv := agilirontest.NewServer()
	defer srv.Close()
	srv.FailNext(1, fakekit.RateLimited(0)) // 429: sent again by the engine (nothing was written)

	c, err := agiliron.New(
		agiliron.WithBaseURL(srv.BaseURL()),
		agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithBatchSize(100),
		agiliron.WithEngine(batch.Config{
			Concurrency: 4, Keep: batch.KeepFailures, OnProgress: progress,
			Retry: batch.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond},
		}),
	)
	if err != nil {
		return result{err: err}
	}
	leads := make([]agiliron.Lead, n)
	for i := range leads {
		leads[i] = agiliron.Lead{
			FirstName: "Lead", LastName: fmt.Sprintf("No. %04d", i), Company: "crmbatch",
			Email: fmt.Sprintf("lead%04d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
		}
	}
	for _, i := range []int{7, 420, 999, 1500, 1999} {
		leads[i].LastName = "" // "Lead Last Name cannot be blank"
	}
	rep, _ := c.Leads().Create(ctx, slices.Values(leads))
	r := resultOf("Add Lead (POST Leads)", rep, func(err error) (string, string) {
		var ae *agiliron.Error
		if errors.As(err, &ae) {
			code := ""
			if ae.HTTPStatus != 0 {
				code = fmt.Sprint(ae.HTTPStatus)
			}
			return code, ae.Message
		}
		return "", plainMessage(err, "agiliron")
	}, func(i int) (string, string) { return leads[i].Email, "" })
	r.stored = len(srv.All(agilirontest.Leads))
	return r
}
