package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// runNoojee inserts 2,000 campaign leads in bulk calls of 100 into a fake
// that answers 109 (too many concurrent requests) to everything for a
// while and beyond 2 calls in flight, with one number on the Do-Not-Call
// list: that lead is isolated by halving and the rest go in.
// dncNumber is the number the demo puts on the Do-Not-Call list.
const dncNumber = "0390001234"

func runNoojee(ctx context.Context, progress func(batch.Progress)) result {
	const n = 2000
	srv := noojeetest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)                 // the client sends 4 at once: 109, retried
	srv.BusyFor(300 * time.Millisecond)        // a 109 storm at the start
	srv.FailNext(2, noojeetest.FaultException) // two 103 EXCEPTIONs, retried
	srv.AddDNC(dncNumber)                      // one lead's number is on the DNC list

	c, err := noojee.New(
		noojee.WithBaseURL(srv.URL),
		noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithConcurrency(4),
		noojee.WithBatchSize(100),
		noojee.WithKeep(batch.KeepFailures),
		noojee.WithProgress(progress),
		noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 200, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}),
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
	rep, _ := camp.InsertLeads(ctx, leads)
	r := resultOf("insertLeadsFast (bulk)", rep, func(err error) (string, string) {
		var ne *noojee.Error
		if errors.As(err, &ne) && ne.Code != noojee.CodeUnknown {
			msg := ne.Message
			if msg == ne.Code.Name() {
				msg = "" // the code says it all
			}
			return strconv.Itoa(int(ne.Code)) + " " + ne.Code.Name(), msg
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
