package pardot_test

import (
	"context"
	"fmt"

	"slices"

	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"golang.org/x/oauth2/clientcredentials"
)

// Example creates three prospects against the in-process fake, signed in
// through its Salesforce connected app (client credentials flow); one has
// an invalid email and is reported, not sent.
func Example() {
	srv := pardottest.NewServer()
	defer srv.Close()

	app := clientcredentials.Config{ // in production: your connected app, pardot_api scope,
		ClientID:     pardottest.ClientID, // TokenURL https://<MyDomain>.my.salesforce.com/services/oauth2/token
		ClientSecret: pardottest.ClientSecret,
		TokenURL:     srv.TokenURL(),
	}
	c, err := pardot.New(
		pardot.WithBaseURL(srv.BaseURL()),
		pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := c.Prospects().Create(context.Background(), slices.Values([]pardot.Prospect{
		{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"},
		{Email: "grace@example.com", FirstName: "Grace", Company: "Navy"},
		{Email: "not-an-email", FirstName: "Nobody"},
	}))
	fmt.Printf("succeeded %d, failed %d, requests %d\n", rep.Succeeded, rep.Failed, rep.Requests)
	fmt.Println(err)
	for _, p := range srv.Prospects() {
		fmt.Println(p.Email, p.Fields["first_name"])
	}
	// Output:
	// succeeded 2, failed 1, requests 1
	// pardot batchCreate: 1 of 3 records failed, 0 not attempted; record 2 (not-an-email) failed: pardot batchCreate: refused before sending: email "not-an-email" is not a valid address
	// ada@example.com Ada
	// grace@example.com Grace
}
