package agiliron_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
)

// Example adds three leads to the fake Agiliron, one of them without a
// last name, and takes the final results from the webhook.
func Example() {
	srv := agilirontest.NewServer()
	defer srv.Close()

	// Where Agiliron calls back when a batch is done.
	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
	if err != nil {
		panic(err)
	}
	hooks := httptest.NewServer(hook)
	defer hooks.Close()

	c, err := agiliron.New(
		agiliron.WithBaseURL(srv.BaseURL()), // in production: agiliron.WithCompany("yourcompany")
		agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithWebhook(hook, hooks.URL+"/agiliron"),
		agiliron.WithPollInterval(10*time.Millisecond),
	)
	if err != nil {
		panic(err)
	}
	leads := []agiliron.Lead{
		{FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Ltd", Email: "ada@example.com", LeadSource: "--None--"},
		{FirstName: "Charles", LastName: "", Company: "Difference Engines", Email: "charles@example.com"},
		{FirstName: "Mary", LastName: "Somerville", Company: "Connexion Ltd", Email: "mary@example.com"},
	}
	rep, err := c.AddLeads(context.Background(), leads)
	fmt.Printf("%d succeeded, %d failed\n", rep.Succeeded, rep.Failed)
	for _, o := range rep.Outcomes {
		var ae *agiliron.Error
		switch {
		case o.Err == nil:
			fmt.Printf("lead %d: added as %s (%s)\n", o.Index, o.Result.LeadID, o.Result.LeadName)
		case errors.As(o.Err, &ae) && errors.Is(o.Err, agiliron.ErrRejected):
			fmt.Printf("lead %d: rejected: %s\n", o.Index, ae.Message)
		}
	}
	fmt.Println("error:", err != nil, "- stored:", srv.Len())
	// Output:
	// 2 succeeded, 1 failed
	// lead 0: added as 1000 (Ada Lovelace)
	// lead 1: rejected: Lead Last Name cannot be blank
	// lead 2: added as 1001 (Mary Somerville)
	// error: true - stored: 2
}
