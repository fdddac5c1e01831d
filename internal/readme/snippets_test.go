package readme

// The README's production snippets, as functions the test build compiles.
// They are never run: they would talk to the real vendors. The README test
// checks each README snippet appears here (or in another Go file) line for
// line.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/propel"
	"golang.org/x/time/rate"
)

func hubspotSnippet(ctx context.Context, token string) error {
	c, err := hubspot.New(
		hubspot.WithToken(token),                       // private-app token, or WithTokenSource for OAuth
		hubspot.WithLimiter(hubspot.BurstLimiter(190)), // stay under the account's burst limit
	)
	if err != nil {
		return err
	}
	rep, err := c.Objects("contacts").BatchUpsert(ctx, []hubspot.UpsertInput{
		{IDProperty: "email", ID: "ada@example.com", Properties: hubspot.Properties{"firstname": "Ada"}},
	})
	fmt.Println(rep.Succeeded, "of", rep.Total, "upserted")
	return err
}

func pardotSnippet(ctx context.Context, accessToken, businessUnitID string) error {
	c, err := pardot.New(
		pardot.WithToken(accessToken, businessUnitID), // or pardot.WithLegacyLogin(email, password, userKey)
		pardot.WithVersion(4),                         // accounts that allow several prospects per email
	)
	if err != nil {
		return err
	}
	rep, err := c.BatchUpsert(ctx, []pardot.Prospect{
		{FID: "00Q000000000001", Email: "ada@example.com", FirstName: "Ada"},
	})
	fmt.Println(rep.Succeeded, "of", rep.Total, "upserted")
	return err
}

func noojeeSnippet(ctx context.Context, apiKey string) error {
	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey(apiKey))
	if err != nil {
		return err
	}
	campaign := c.Campaign(noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"})
	rep, err := campaign.InsertEach(ctx, []noojee.Lead{
		{ExternalID: "CRM-1", Fields: map[string]string{"Name": "Ada", "FirstPhone": "03 9000 0001"}, CallBack: time.Now()},
	})
	fmt.Println(rep.Succeeded, "of", rep.Total, "inserted")
	return err
}

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

func agilironSnippet(ctx context.Context, apiKey, publicURL string) error {
	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret()) // serve it at publicURL
	if err != nil {
		return err
	}
	c, err := agiliron.New(
		agiliron.WithCompany("yourcompany"),
		agiliron.WithAPIKey(apiKey),
		agiliron.WithWebhook(hook, publicURL), // without a webhook, results are polled
	)
	if err != nil {
		return err
	}
	rep, err := c.AddLeads(ctx, []agiliron.Lead{
		{FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Ltd", Email: "ada@example.com"},
	})
	fmt.Println(rep.Succeeded, "of", rep.Total, "added")
	return err
}

func errorsSnippet(rep *batch.Report[hubspot.Object], err error) {
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			log.Printf("record %d (%s) %s: %v", o.Index, o.Key, o.Status, o.Err)
		}
	}
	var he *hubspot.Error
	if errors.As(err, &he) && he.Category == hubspot.CategoryValidation {
		log.Printf("HubSpot refused a record: %s", he.Message)
	}
	var runErr *batch.RunError
	if errors.As(err, &runErr) {
		log.Printf("%d failed, %d not attempted", runErr.Failed, runErr.NotAttempted)
	}
}

func sharedLimiterSnippet(token string) {
	shared := rate.NewLimiter(rate.Limit(19), 19) // one HubSpot account: 190 per 10 s
	contacts, _ := hubspot.New(hubspot.WithToken(token), hubspot.WithLimiter(shared))
	deals, _ := hubspot.New(hubspot.WithToken(token), hubspot.WithLimiter(shared))
	_, _ = contacts, deals
}

func streamingSnippet(ctx context.Context, inputs func(yield func(hubspot.CreateInput) bool)) {
	c, _ := hubspot.New(hubspot.WithToken("…"),
		hubspot.WithKeep(batch.KeepNone), // counts only: memory stays flat
		hubspot.WithOutcomeHook(func(index int, key string, status batch.Status, err error) {
			if status != batch.Succeeded {
				log.Printf("record %d: %v", index, err)
			}
		}),
	)
	rep, _ := c.Objects("contacts").BatchCreateSeq(ctx, inputs)
	log.Printf("%d of %d created", rep.Succeeded, rep.Total)
}
