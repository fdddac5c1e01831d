package pardot_test

// The README's Pardot snippet, compiled (internal/readme checks that each
// README snippet appears line for line in a Go file). Never run: it would
// talk to Salesforce.

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmbatch/crmbatch/pardot"
	"golang.org/x/oauth2/clientcredentials"
)

func readmeSnippet(ctx context.Context, clientID, clientSecret, myDomain, businessUnitID string) error {
	app := clientcredentials.Config{ // your connected app, with the pardot_api scope
		ClientID:     clientID,
		ClientSecret: clientSecret,
		TokenURL:     "https://" + myDomain + ".my.salesforce.com/services/oauth2/token",
	}
	c, err := pardot.New(
		pardot.WithTokenFunc(app.Token, businessUnitID), // "0Uv…": a new token whenever a session ends
		pardot.WithAPIVersion("4"),                      // accounts that allow several prospects per email
	)
	if err != nil {
		return err
	}
	rep, err := c.Prospects().Upsert(ctx, slices.Values([]pardot.Prospect{
		{FID: "00Q000000000001", Email: "ada@example.com", FirstName: "Ada"},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "upserted")
	return err
}

var _ = readmeSnippet
