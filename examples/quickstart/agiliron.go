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

// runAgiliron adds 2,000 leads in batches of 100. Agiliron answers each
// batch at once with a batch id and reports the per-lead results later:
// here by calling a webhook served on a local listener, once twice (the
// repeat is ignored) and once never (the client falls back to polling
// BatchStatus). Five leads have a blank last name and are refused.
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
	leads := make([]agiliron.Lead, n)
	for i := range leads {
		leads[i] = agiliron.Lead{
			FirstName: "Lead", LastName: fmt.Sprintf("No. %04d", i), Company: "crmbatch",
			Email: fmt.Sprintf("lead%04d@example.com", i), LeadSource: "--None--", EmailOptOut: "0",
		}
	}
	for _, i := range []int{7, 420, 999, 1500, 1999} {
		leads[i].LastName = "" // "Lead Last Name cannot be blank"
	}
	rep, _ := c.AddLeads(ctx, leads)
	r := resultOf("Bulk-Leads POST + webhook", rep, func(err error) (string, string) {
		var ae *agiliron.Error
		if errors.As(err, &ae) {
			code := ""
			if ae.StatusCode != 0 {
				code = fmt.Sprint(ae.StatusCode)
			}
			return code, ae.Message
		}
		return "", plainMessage(err, "agiliron")
	}, func(i int) (string, string) { return leads[i].Email, "" })
	r.stored = srv.Len()
	return r
}
