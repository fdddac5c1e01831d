package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// runNoojee inserts 2,000 campaign leads in bulk calls of 100 into a fake
// that answers 109 (too many concurrent requests) to everything for a
// while and beyond 2 calls in flight, with one number on the Do-Not-Call
// list: the bulk answer's import summary names that lead in its CSV error
// rows, the client places it back on its lead, and the rest go in.
// dncNumber is the number the demo puts on the Do-Not-Call list.
const dncNumber = "0390001234"

func runNoojee(ctx context.Context, progress func(batch.Progress)) result {
	const n = 2000
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)                          // the client sends 4 at once: 109, retried
	srv.SetBusyRetryAfter(10 * time.Millisecond)        // the fake's 109s ask for a short wait
	srv.FailNext(2, noojeetest.Exception())             // two 103 EXCEPTIONs, retried
	srv.FailNext(20, noojeetest.Busy(time.Millisecond)) // a 109 storm at the start
	srv.AddDNC(dncNumber)                               // one lead's number is on the DNC list

	c, err := noojee.New(
		noojee.WithBaseURL(srv.BaseURL()),
		noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithEngine(batch.Config{Keep: batch.KeepFailures, OnProgress: progress,
			Retry: batch.RetryPolicy{MaxAttempts: 200, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}}),
		noojee.WithEngine(batch.Config{Concurrency: 4}),
		noojee.WithBatchSize(100),
	)
	if err != nil {
		return result{err: err}
	}
	const campaign = "42"
	camp := c.Campaign(noojee.Target{TemplateID: "7", CampaignID: campaign, AllocationID: "3", PhoneFields: []string{"FirstPhone"}})
	leads := make([]noojee.Lead, n)
	for i := range leads {
		leads[i] = noojee.Lead{
			ExternalID: fmt.Sprintf("CRM-%05d", i),
			Fields:     map[string]string{"Name": fmt.Sprintf("Lead %d", i), "FirstPhone": fmt.Sprintf("039000%04d", i)},
			Priority:   noojee.PriorityOf(10),
		}
	}
	rep, _ := camp.Create(ctx, slices.Values(leads))
	r := resultOf("insertLeadsFast (bulk)", rep, func(err error) (string, string) {
		var ne *noojee.Error
		if errors.As(err, &ne) && ne.Code != 0 {
			msg := ne.Message
			if code := ne.Code.String(); strings.HasSuffix(code, " "+msg) {
				msg = "" // the code says it all
			}
			return ne.Code.String(), msg
		}
		return "", plainMessage(err, "noojee")
	}, func(i int) (string, string) {
		if leads[i].Fields["FirstPhone"] == dncNumber {
			return leads[i].ExternalID, "number on the DNC list"
		}
		return leads[i].ExternalID, ""
	})
	r.stored = srv.LeadCount(campaign)
	return r
}
