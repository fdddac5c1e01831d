// Command agiliron adds a few hundred leads (Add Lead, answered at once)
// and contacts (Bulk-Contacts, answered later by webhook or BatchStatus)
// to Agiliron and prints what became of every failed record.
//
// Real credentials come from the environment:
//
//	AGILIRON_COMPANY        your company name (https://{company}.agiliron.net)
//	AGILIRON_API_KEY        your API key
//	AGILIRON_CALLBACK_URL   optional: the public URL Agiliron calls back
//	                        when a Bulk-Contacts batch is done, served by
//	                        this program on AGILIRON_WEBHOOK_ADDR (default
//	                        :8080); without it the program polls BatchStatus
//
// When AGILIRON_COMPANY or AGILIRON_API_KEY is unset, the program starts the
// in-process fake (package agilirontest), with a few faults switched on,
// says so, and runs against it: no network, no credentials.
//
//	go run ./examples/agiliron
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
	if err != nil {
		log.Fatal(err)
	}
	engine := batch.Config{
		Concurrency: 4,
		OnProgress: func(p batch.Progress) {
			fmt.Printf("  progress: %d/%d done (%d failed)\n", p.Done, p.Total, p.Failed)
		},
	}
	opts := []agiliron.Option{agiliron.WithBatchSize(50)}
	company, key := os.Getenv("AGILIRON_COMPANY"), os.Getenv("AGILIRON_API_KEY")
	if company == "" || key == "" {
		fmt.Println("AGILIRON_COMPANY/AGILIRON_API_KEY not set: running against the in-process fake Agiliron")
		srv := agilirontest.NewServer()
		defer srv.Close()
		srv.FailNext(1, fakekit.RateLimited(0))          // an Add Lead sent again by the engine
		srv.FailCallbacks(1, agilirontest.CallbackNever) // that batch's result comes from BatchStatus
		engine.Retry = batch.RetryPolicy{BaseDelay: 10 * time.Millisecond}
		hooks := httptest.NewServer(hook)
		defer hooks.Close()
		opts = append(opts,
			agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey),
			agiliron.WithWebhook(hook, hooks.URL+"/agiliron"),
			agiliron.WithCallbackTimeout(200*time.Millisecond), agiliron.WithPollInterval(50*time.Millisecond))
	} else {
		opts = append(opts, agiliron.WithCompany(company), agiliron.WithAPIKey(key))
		if cb := os.Getenv("AGILIRON_CALLBACK_URL"); cb != "" {
			addr := os.Getenv("AGILIRON_WEBHOOK_ADDR")
			if addr == "" {
				addr = ":8080"
			}
			go func() { log.Println(http.ListenAndServe(addr, hook)) }()
			opts = append(opts, agiliron.WithWebhook(hook, cb))
		}
	}
	c, err := agiliron.New(append(opts, agiliron.WithEngine(engine))...)
	if err != nil {
		log.Fatal(err)
	}

	leads := make([]agiliron.Lead, 200)
	for i := range leads {
		leads[i] = agiliron.Lead{
			FirstName: "Ada", LastName: fmt.Sprintf("Lovelace %03d", i), Company: "Analytical Ltd",
			Email: fmt.Sprintf("ada.%03d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
			CustomFields: []agiliron.CustomField{{Name: "Source", Value: "crmbatch example"}},
		}
	}
	leads[42].LastName = "" // Agiliron refuses it: "Lead Last Name cannot be blank"

	rep, _ := c.Leads().Create(ctx, slices.Values(leads)) // per-lead failures are listed below
	show("leads", rep)

	contacts := make([]agiliron.Contact, 200)
	for i := range contacts {
		contacts[i] = agiliron.Contact{
			FirstName: "Mary", LastName: fmt.Sprintf("Somerville %03d", i), AccountName: "Analytical Ltd",
			Email: fmt.Sprintf("mary.%03d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
			CustomFields: []agiliron.CustomField{{Name: "Source", Value: "crmbatch example"}},
		}
	}
	contacts[7].LastName = "" // Agiliron refuses it in the batch result
	crep, _ := c.Contacts().Create(ctx, slices.Values(contacts))
	show("contacts", crep)
}

// show prints a report's counts and every failed record.
func show[R any](what string, rep *batch.Report[R]) {
	fmt.Printf("added %d of %d %s: %d failed, %d not attempted, %d requests in %v\n",
		rep.Succeeded, rep.Total, what, rep.Failed, rep.NotAttempted, rep.Requests, rep.Elapsed.Round(time.Millisecond))
	for _, o := range rep.Outcomes {
		if o.Err == nil {
			continue
		}
		var ae *agiliron.Error
		switch {
		case errors.As(o.Err, &ae) && ae.BatchID != "":
			fmt.Printf("  %s %d (%s): %s [batch %s]\n", what, o.Index, o.Key, ae.Message, ae.BatchID)
		case errors.As(o.Err, &ae):
			fmt.Printf("  %s %d (%s): %s\n", what, o.Index, o.Key, ae.Message)
		default:
			fmt.Printf("  %s %d (%s): %v\n", what, o.Index, o.Key, o.Err)
		}
	}
	if !rep.Balanced() {
		log.Fatal("report does not balance")
	}
}
