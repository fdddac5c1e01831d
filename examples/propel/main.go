// Command propel upserts a few companies, contacts, customers and one
// customer's addresses into Propeller Commerce through the bulk endpoints
// and prints what became of each record.
//
// Credentials come from the environment:
//
//	PROPEL_CLIENT_ID      the API key's client id
//	PROPEL_CLIENT_SECRET  the API key's client secret
//	PROPEL_BASE_URL       optional, default https://api.helice.cloud/v2
//
// When PROPEL_CLIENT_ID or PROPEL_CLIENT_SECRET is unset, it starts the
// in-memory fake from package propeltest, with a few faults switched on,
// and runs against that instead: go run ./examples/propel
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
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	opts := []propel.Option{propel.WithEngine(batch.Config{Concurrency: 2})}
	id, secret := os.Getenv("PROPEL_CLIENT_ID"), os.Getenv("PROPEL_CLIENT_SECRET")
	if id == "" || secret == "" {
		srv := propeltest.NewServer()
		defer srv.Close()
		// a token that runs out mid-run, a 503 and a lost answer: none loses a record
		srv.FailNext(1, propeltest.ExpireToken())
		srv.FailNext(1, fakekit.Status(503))
		srv.FailNext(1, fakekit.DropAfterWrite())
		fmt.Println("PROPEL_CLIENT_ID/PROPEL_CLIENT_SECRET not set: running against the in-memory fake at", srv.BaseURL())
		opts = append(opts, propel.WithBaseURL(srv.BaseURL()),
			propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret),
			propel.WithEngine(batch.Config{Retry: batch.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond}}))
	} else {
		opts = append(opts, propel.WithClientCredentials(id, secret))
		if base := os.Getenv("PROPEL_BASE_URL"); base != "" {
			opts = append(opts, propel.WithBaseURL(base))
		}
	}
	client, err := propel.New(opts...)
	if err != nil {
		log.Fatal(err)
	}

	// Companies first: a contact's parent company must exist.
	companies := []propel.Company{
		{Source: "MY_ERP", SourceID: "1032644", Language: "NL", Name: "Bakker Bouw B.V.", TaxNumber: "NL812345678B01",
			Addresses: []propel.Address{{Type: propel.AddressInvoice, Code: "34766", Street: "Kerkstraat", Number: "34",
				PostalCode: "3511 AB", City: "Utrecht", Country: "NL", IsDefault: propel.Yes}}},
	}
	rep, err := client.Companies().UpsertBySourceID(ctx, slices.Values(companies))
	report("companies", rep, err)

	contacts := []propel.Contact{
		{Source: "MY_ERP", SourceID: "P-1", Language: "NL", FirstName: "Jan", LastName: "Bakker", Email: "jan@bakkerbouw.nl",
			Parent: &propel.Parent{Source: "MY_ERP", SourceID: "1032644"}},
		{Source: "MY_ERP", SourceID: "P-2", Language: "NL", FirstName: "Piet", // parent missing: fails alone
			Parent: &propel.Parent{Source: "MY_ERP", SourceID: "999999"}},
	}
	rep, err = client.Contacts().UpsertBySourceID(ctx, slices.Values(contacts))
	report("contacts", rep, err)

	customers := make([]propel.Customer, 250)
	for i := range customers {
		customers[i] = propel.Customer{Source: "MY_CRM", SourceID: fmt.Sprintf("C-%04d", i), Language: "NL",
			FirstName: "Customer", LastName: fmt.Sprint(i), Email: fmt.Sprintf("customer%d@example.com", i)}
	}
	customers[7].Email = "not-an-email" // refused before sending
	rep, err = client.Customers().UpsertBySourceID(ctx, slices.Values(customers))
	report("customers", rep, err)

	// One customer's addresses, matched on their codes: sent twice, the
	// second run updates the same two addresses.
	addresses := []propel.Address{
		{Type: propel.AddressDelivery, Code: "D1", Street: "Kerkstraat", Number: "34", PostalCode: "3511 AB", City: "Utrecht", Country: "NL"},
		{Type: propel.AddressInvoice, Code: "I1", Street: "Domplein", Number: "1", City: "Utrecht", Country: "NL", IsDefault: propel.Yes},
	}
	for range 2 {
		rep, err = client.Customers().Addresses(propel.BySourceID("MY_CRM", "C-0001")).Upsert(ctx, slices.Values(addresses))
		report("addresses of C-0001", rep, err)
	}
}

func report(what string, rep *batch.Report[propel.Result], err error) {
	fmt.Printf("%s: %d succeeded, %d failed, %d not attempted of %d (%d requests, %d retries, %v)\n",
		what, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Total, rep.Requests, rep.Retries, rep.Elapsed.Round(time.Millisecond))
	for _, o := range rep.Outcomes {
		if o.Status != batch.Succeeded {
			fmt.Printf("  record %d (%s) %s: %v\n", o.Index, o.Key, o.Status, o.Err)
		}
	}
	var pe *propel.Error
	switch {
	case !errors.As(err, &pe):
	case pe.Local:
		fmt.Printf("  first error: refused before sending: %s\n", pe.Message)
	default:
		fmt.Printf("  first API error: code %d, type %q, x-request-id %q\n", pe.Code, pe.Type, pe.RequestID)
	}
}
