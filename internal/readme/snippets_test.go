package readme

// The README's production snippets, as functions the test build compiles.
// They are never run: they would talk to the real vendors. The README test
// checks each README snippet appears here (or in another Go file) line for
// line. Vendor sections' snippets live in their packages' tests.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/propel"
)

func propelSnippet(ctx context.Context, clientID, clientSecret string) error {
	c, err := propel.New(propel.WithClientCredentials(clientID, clientSecret))
	if err != nil {
		return err
	}
	rep, err := c.Customers().UpsertBySourceID(ctx, slices.Values([]propel.Customer{
		{Source: "MY_CRM", SourceID: "C-1001", Language: "NL", FirstName: "Ada", Email: "ada@example.com"},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "saved")
	return err
}

func noojeeSnippet(ctx context.Context, apiKey string) error {
	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey(apiKey))
	if err != nil {
		return err
	}
	campaign := c.Campaign(noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"})
	rep, err := campaign.Create(ctx, slices.Values([]noojee.Lead{
		{ExternalID: "CRM-1", Fields: map[string]string{"Name": "Ada", "FirstPhone": "03 9000 0001"}, CallBack: time.Now()},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "inserted")
	return err
}

func errorsSnippet(rep *batch.Report[hubspot.Result], err error) {
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			log.Printf("record %d (%s) %s: %v", o.Index, o.Key, o.Status, o.Err)
		}
	}
	var he *hubspot.Error
	if errors.As(err, &he) && he.Code == hubspot.CodeValidation {
		log.Printf("HubSpot refused a record: %s", he.Message)
	}
	if errors.Is(err, batch.ErrOutcomeUnknown) {
		log.Print("some records may have been written: check them before sending them again")
	}
	var runErr *batch.RunError
	if errors.As(err, &runErr) {
		log.Printf("%d failed, %d not attempted", runErr.Failed, runErr.NotAttempted)
	}
}

func streamingSnippet(ctx context.Context, inputs iter.Seq[hubspot.CreateInput]) {
	c, _ := hubspot.New(hubspot.WithToken("…"), hubspot.WithEngine(batch.Config{
		Keep: batch.KeepNone, // counts only: memory stays flat
		OnOutcome: func(index int, key string, status batch.Status, err error) {
			if status != batch.Succeeded {
				log.Printf("record %d: %v", index, err)
			}
		},
	}))
	rep, _ := c.Objects("contacts").Create(ctx, inputs) // inputs is an iter.Seq[hubspot.CreateInput]
	_ = rep
}

func fakeSnippet() error {
	srv := hubspottest.NewServer()
	defer srv.Close()
	c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken))
	_ = c
	return err
}

var (
	_ = noojeeSnippet
	_ = errorsSnippet
	_ = streamingSnippet
	_ = fakeSnippet
	_ = propelSnippet
)
