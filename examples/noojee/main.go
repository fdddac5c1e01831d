// Command noojee inserts campaign leads into Noojee Contact through the
// CampaignAPI and then updates one of them, printing what became of each.
//
// With real credentials it talks to your server; set
//
//	NOOJEE_HOST           server host name, e.g. pbx.example.com (https)
//	NOOJEE_API_KEY        the apiKey issued by Noojee Support
//	NOOJEE_TEMPLATE_ID    campaign template id (fTemplateId)
//	NOOJEE_CAMPAIGN_ID    campaign id (fCampaignId)
//	NOOJEE_ALLOCATION_ID  allocation id (fAllocationId)
//
// and it inserts three sample leads (CRM-EXAMPLE-1..3, phone field
// "FirstPhone"). Without them it starts the in-memory fake
// (noojee/noojeetest) with faults switched on — a 109 storm, a concurrency
// limit, a number on the DNC list — and pushes 2,000 leads through it.
//
//	go run ./examples/noojee
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
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	host, key := os.Getenv("NOOJEE_HOST"), os.Getenv("NOOJEE_API_KEY")
	target := noojee.Target{
		TemplateID:   os.Getenv("NOOJEE_TEMPLATE_ID"),
		CampaignID:   os.Getenv("NOOJEE_CAMPAIGN_ID"),
		AllocationID: os.Getenv("NOOJEE_ALLOCATION_ID"),
		PhoneFields:  []string{"FirstPhone"},
	}
	opts := []noojee.Option{noojee.WithHost(host), noojee.WithAPIKey(key)}
	n := 3
	var srv *noojeetest.Server
	if host == "" || key == "" {
		fmt.Println("NOOJEE_HOST / NOOJEE_API_KEY not set: running against the in-process fake (noojeetest), faults on.")
		srv = noojeetest.NewServer()
		defer srv.Close()
		srv.SetConcurrencyLimit(2)                          // more than 2 calls in flight → 109
		srv.SetBusyRetryAfter(10 * time.Millisecond)        // the fake's 109s ask for a short wait
		srv.FailNext(2, noojeetest.Exception())             // two 103s first (a lead is sent at most 3 times while 103 is the cause)
		srv.FailNext(20, noojeetest.Busy(time.Millisecond)) // a 109 storm at the start
		srv.AddDNC("03 9000 0007")                          // one lead on the Do-Not-Call list
		target = noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3", PhoneFields: []string{"FirstPhone"}}
		opts = []noojee.Option{
			noojee.WithBaseURL(srv.BaseURL()),
			noojee.WithAPIKey(noojeetest.APIKey),
			// The fake answers in microseconds; real servers get the patient default.
			noojee.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}}),
			noojee.WithEngine(batch.Config{Concurrency: 4}),
			noojee.WithBatchSize(100),
		}
		n = 2000
	}
	c, err := noojee.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	camp := c.Campaign(target)

	leads := make([]noojee.Lead, n)
	for i := range leads {
		leads[i] = noojee.Lead{
			ExternalID: fmt.Sprintf("CRM-EXAMPLE-%d", i+1),
			Fields: map[string]string{
				"Name":       fmt.Sprintf("Example Lead %d", i+1),
				"FirstPhone": fmt.Sprintf("03 9%03d %04d", (i+1)/10000, (i+1)%10000),
			},
			Priority: noojee.PriorityOf(10),
			CallBack: time.Now(), // dial as soon as possible
		}
	}

	start := time.Now()
	// Bulk insertLeadsFast; one insertLeadFast call per lead on a server without it.
	rep, err := camp.Create(ctx, slices.Values(leads))
	fmt.Printf("insert: %d leads, %d succeeded, %d failed, %d not attempted; %d requests (%d retries) in %v\n",
		rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests, rep.Retries, time.Since(start).Round(time.Millisecond))
	report(err)

	upd := noojee.Lead{ExternalID: leads[0].ExternalID, Fields: map[string]string{"FirstPhone": noojee.NoChange, "Name": "Example Lead 1 (updated)"}}
	if _, err := camp.UpdateOne(ctx, upd); err != nil {
		fmt.Println("update:", err)
	} else {
		fmt.Println("update: CRM-EXAMPLE-1 renamed")
	}
	if srv != nil {
		st := srv.Stats()
		fmt.Printf("fake: %d leads stored, %d listed as rejected in bulk answers, %d calls answered 109, %d answered 103\n",
			srv.LeadCount("42"), st.Rejected, st.Codes[109], st.Codes[103])
	}
}

// report prints each failed lead (the first few).
func report(err error) {
	var run *batch.RunError
	if !errors.As(err, &run) {
		return
	}
	for i, r := range run.Records {
		if i == 5 {
			fmt.Printf("  … and %d more\n", len(run.Records)-5)
			break
		}
		var ne *noojee.Error
		switch {
		case errors.As(r, &ne) && ne.Code == noojee.CodeConflict:
			fmt.Printf("  %s: %v — needs manual action\n", r.Key, ne.Code)
		case errors.As(r, &ne):
			fmt.Printf("  %s: %v\n", r.Key, ne.Code)
		default:
			fmt.Printf("  %s: %v\n", r.Key, r.Err)
		}
	}
}
