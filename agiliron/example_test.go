package agiliron_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
)

// Example adds three leads to the fake Agiliron, one of them without a
// last name. Add Lead answers at once: the refused request is halved
// until the lead at fault is named, and the others are added.
func Example() {
	srv := agilirontest.NewServer()
	defer srv.Close()

	c, err := agiliron.New(
		agiliron.WithBaseURL(srv.BaseURL()), // in production: agiliron.WithCompany("yourcompany")
		agiliron.WithAPIKey(agilirontest.APIKey),
	)
	if err != nil {
		panic(err)
	}
	leads := []agiliron.Lead{
		{FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Ltd", Email: "ada@example.com", LeadSource: "--None--"},
		{FirstName: "Charles", LastName: "", Company: "Difference Engines", Email: "charles@example.com"},
		{FirstName: "Mary", LastName: "Somerville", Company: "Connexion Ltd", Email: "mary@example.com"},
	}
	rep, err := c.Leads().Create(context.Background(), slices.Values(leads))
	fmt.Printf("%d succeeded, %d failed\n", rep.Succeeded, rep.Failed)
	for _, o := range rep.Outcomes {
		var ae *agiliron.Error
		switch {
		case o.Err == nil:
			fmt.Printf("lead %d: added as %s\n", o.Index, o.Result.ID)
		case errors.As(o.Err, &ae) && errors.Is(o.Err, agiliron.ErrRejected):
			fmt.Printf("lead %d: rejected: %s\n", o.Index, ae.Message)
		}
	}
	fmt.Println("error:", err != nil, "- stored:", len(srv.All(agilirontest.Leads)))
	// Output:
	// 2 succeeded, 1 failed
	// lead 0: added as 1000
	// lead 1: rejected: Lead Last Name cannot be blank
	// lead 2: added as 1001
	// error: true - stored: 2
}

// ExampleResource_Create_contacts adds three contacts through Bulk-Contacts,
// one of them without a last name, and takes the final results from the
// webhook Agiliron calls when the batch is done.
func ExampleResource_Create_contacts() {
	srv := agilirontest.NewServer()
	defer srv.Close()

	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
	if err != nil {
		panic(err)
	}
	hooks := httptest.NewServer(hook)
	defer hooks.Close()

	c, err := agiliron.New(
		agiliron.WithBaseURL(srv.BaseURL()),
		agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithWebhook(hook, hooks.URL+"/agiliron"),
		agiliron.WithPollInterval(10*time.Millisecond),
	)
	if err != nil {
		panic(err)
	}
	contacts := []agiliron.Contact{
		{FirstName: "Ada", LastName: "Lovelace", AccountName: "Analytical Ltd", Email: "ada@example.com"},
		{FirstName: "Charles", LastName: "", AccountName: "Difference Engines", Email: "charles@example.com"},
		{FirstName: "Mary", LastName: "Somerville", AccountName: "Connexion Ltd", Email: "mary@example.com"},
	}
	rep, err := c.Contacts().Create(context.Background(), slices.Values(contacts))
	fmt.Printf("%d succeeded, %d failed\n", rep.Succeeded, rep.Failed)
	for _, o := range rep.Outcomes {
		var ae *agiliron.Error
		switch {
		case o.Err == nil:
			fmt.Printf("contact %d: added as %s (%s)\n", o.Index, o.Result.ID, o.Result.Name)
		case errors.As(o.Err, &ae) && errors.Is(o.Err, agiliron.ErrRejected):
			fmt.Printf("contact %d: rejected: %s\n", o.Index, ae.Message)
		}
	}
	fmt.Println("error:", err != nil, "- stored:", len(srv.All(agilirontest.Contacts)))
	// Output:
	// 2 succeeded, 1 failed
	// contact 0: added as 1000 (Ada Lovelace)
	// contact 1: rejected: Contact Last Name cannot be blank
	// contact 2: added as 1001 (Mary Somerville)
	// error: true - stored: 2
}
