package agiliron_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmbatch/crmbatch/agiliron"
)

// readmeSnippet is the README's Agiliron example, compiled here so that
// internal/readme's test finds it. It is never run: it would talk to
// Agiliron.
func readmeSnippet(ctx context.Context, apiKey, publicURL string) error {
	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret()) // serve it at publicURL
	if err != nil {
		return err
	}
	c, err := agiliron.New(
		agiliron.WithCompany("yourcompany"), // https://yourcompany.agiliron.net/agiliron/api-40.php/
		agiliron.WithAPIKey(apiKey),
		agiliron.WithWebhook(hook, publicURL), // for Bulk-* batches; without it, results are polled
	)
	if err != nil {
		return err
	}
	rep, err := c.Leads().Create(ctx, slices.Values([]agiliron.Lead{
		{FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Ltd", Email: "ada@example.com"},
	}))
	// ...
	crep, err := c.Contacts().Create(ctx, slices.Values([]agiliron.Contact{
		{FirstName: "Mary", LastName: "Somerville", AccountName: "Analytical Ltd", Email: "mary@example.com"},
	}))
	fmt.Println(rep.Succeeded, "leads and", crep.Succeeded, "contacts added")
	return err
}

var _ = readmeSnippet
