package propel_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// Upsert customers by source id against the in-memory fake; with real
// credentials leave out WithBaseURL.
func ExampleResource_UpsertBySourceID() {
	srv := propeltest.NewServer()
	defer srv.Close()
	client, err := propel.New(propel.WithBaseURL(srv.BaseURL()),
		propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
	if err != nil {
		panic(err)
	}
	customers := []propel.Customer{
		{Source: "MY_CRM", SourceID: "C-1001", Language: "NL", FirstName: "Ada", LastName: "Lovelace",
			Email: "ada@example.com", Gender: propel.GenderFemale, DateOfBirth: "1815-12-10",
			Addresses: []propel.Address{{Type: propel.AddressInvoice, Code: "A1", Street: "Kerkstraat",
				Number: "34", PostalCode: "3511 AB", City: "Utrecht", Country: "NL", IsDefault: propel.Yes}}},
		{Source: "MY_CRM", SourceID: "C-1002", Language: "NL", FirstName: "Alan", Email: "not an email"},
	}
	rep, err := client.Customers().UpsertBySourceID(context.Background(), slices.Values(customers))
	fmt.Printf("succeeded %d, failed %d of %d in %d request(s)\n", rep.Succeeded, rep.Failed, rep.Total, rep.Requests)
	for _, o := range rep.Outcomes {
		fmt.Println(o.Index, o.Key, o.Status, o.Result.Action, o.Err)
	}
	fmt.Println(err != nil)
	// Output:
	// succeeded 1, failed 1 of 2 in 1 request(s)
	// 0 MY_CRM/C-1001/NL succeeded create <nil>
	// 1 MY_CRM/C-1002/NL failed  propel: refused before sending: email: not a valid email address
	// true
}

// Create or update one customer's addresses, matched on their codes.
func ExampleAddressBook_Upsert() {
	srv := propeltest.NewServer()
	defer srv.Close()
	client, err := propel.New(propel.WithBaseURL(srv.BaseURL()),
		propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	_, _ = client.Customers().UpsertBySourceID(ctx, slices.Values([]propel.Customer{{Source: "MY_CRM", SourceID: "C-1001", Language: "NL"}}))

	rep, err := client.Customers().Addresses(propel.BySourceID("MY_CRM", "C-1001")).Upsert(ctx, slices.Values([]propel.Address{
		{Type: propel.AddressDelivery, Code: "D1", Street: "Kerkstraat", Number: "34", City: "Utrecht", Country: "NL"},
		{Type: propel.AddressInvoice, Code: "I1", Street: "Domplein", Number: "1", City: "Utrecht", Country: "NL"},
	}))
	fmt.Println(rep.Succeeded, "of", rep.Total, "addresses written", err)
	// Output:
	// 2 of 2 addresses written <nil>
}
