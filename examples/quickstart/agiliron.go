package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
)

// runAgiliron adds 2,000 contacts through Bulk-Contacts in batches of
// 100. Agiliron answers each batch at once with a batch id and reports the
// per-contact results later: here by calling a webhook served on a local
// listener, once twice (the repeat is ignored) and once never (the client
// falls back to polling BatchStatus). Five contacts have a blank last name
// and are refused. (Leads are added with AddLeads, Agiliron's synchronous
// Add Lead, which has no batch or callback to show.)
func runAgiliron(ctx context.Context, progress func(batch.Progress)) result {
	const n = 2000
	srv := agilirontest.NewServer()
	defer srv.Close()
	srv.FailNext(1, agilirontest.TooManyRequests) // 429: retried (it never reached the queue)
	srv.FailNext(1, agilirontest.CallbackTwice)   // a repeated delivery changes nothing
	srv.FailNext(1, agilirontest.CallbackNever)   // no callback: finished by polling

	hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
	if err != nil {
		return result{err: err}
	}
	listener := httptest.NewServer(hook) // the local webhook listener
	defer listener.Close()

	c, err := agiliron.New(
		agiliron.WithBaseURL(srv.BaseURL()),
		agiliron.WithAPIKey(agilirontest.APIKey),
		agiliron.WithWebhook(hook, listener.URL+"/agiliron"),
		agiliron.WithCallbackTimeout(300*time.Millisecond),
		agiliron.WithPollInterval(20*time.Millisecond),
		agiliron.WithBatchSize(100),
		agiliron.WithConcurrency(4),
		agiliron.WithKeep(batch.KeepFailures),
		agiliron.WithProgress(progress),
		agiliron.WithRetryPolicy(batch.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}),
	)
	if err != nil {
		return result{err: err}
	}
	contacts := make([]agiliron.Contact, n)
	for i := range contacts {
		contacts[i] = agiliron.Contact{
			FirstName: "Contact", LastName: fmt.Sprintf("No. %04d", i), AccountName: "crmbatch",
			Email: fmt.Sprintf("contact%04d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
		}
	}
	for _, i := range []int{7, 420, 999, 1500, 1999} {
		contacts[i].LastName = "" // refused by Agiliron: a contact needs a last name
	}
	rep, _ := c.AddContacts(ctx, contacts)
	r := resultOf("Bulk-Contacts POST + webhook", rep, func(err error) string {
		var ae *agiliron.Error
		if errors.As(err, &ae) && ae.StatusCode != 0 {
			return fmt.Sprint(ae.StatusCode)
		}
		return ""
	})
	r.stored = len(srv.Contacts())
	return r
}
