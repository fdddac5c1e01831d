package hubspot_test

// The README's HubSpot snippets, as functions the test build compiles.
// They are never run: they would talk to the real HubSpot. The README test
// (internal/readme) checks each README snippet appears in a Go file of the
// module line for line.

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
)

// readmeUpsertByEmail is the README's HubSpot example: an upsert keyed on
// email sends every property the contact should hold.
func readmeUpsertByEmail(ctx context.Context, token string) error {
	c, err := hubspot.New(
		hubspot.WithToken(token), // private-app token, or WithTokenSource for OAuth
		hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(190)}), // stay under the app's burst limit
	)
	if err != nil {
		return err
	}
	// Keyed on email, an upsert is not partial: send every property the contact should hold.
	rep, err := c.Objects("contacts").Upsert(ctx, slices.Values([]hubspot.UpsertInput{
		{IDProperty: "email", ID: "ada@example.com", Properties: hubspot.Properties{"firstname": "Ada", "lastname": "Lovelace", "phone": "+61 3 8321 8199"}},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "upserted")
	return err
}

// readmeUpsertByCustomProperty is the README's partial upsert, keyed on a
// custom unique property.
func readmeUpsertByCustomProperty(ctx context.Context, c *hubspot.Client) error {
	rep, err := c.Objects("contacts").Upsert(ctx, slices.Values([]hubspot.UpsertInput{
		{IDProperty: "crm_id", ID: "C-1042", Properties: hubspot.Properties{"phone": "+61 3 8321 8199"}},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "upserted")
	return err
}

// The snippets are compiled, never run.
var _, _ = readmeUpsertByEmail, readmeUpsertByCustomProperty
