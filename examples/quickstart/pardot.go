package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"golang.org/x/oauth2/clientcredentials"
)

// runPardot upserts 3,000 prospects (API v3, Salesforce OAuth through the
// fake's connected app) into a fake that allows 3 requests in flight while
// the client sends 5 (code 66 beyond) and ends the Salesforce session
// mid-run (code 184: one new token, one replay), with one invalid email
// caught before sending and one prospect refused by the server.
func runPardot(ctx context.Context, progress func(batch.Progress)) result {
	const n = 3000
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(3)                       // the client sends 5 at once: code 66, retried
	srv.FailNext(2, fakekit.Status(503))             // two server errors, retried
	srv.FailProspect("p01234@example.com", 4, 1<<30) // "invalid prospect email": fails that prospect

	app := clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
	var expired atomic.Bool
	c, err := pardot.New(
		pardot.WithBaseURL(srv.BaseURL()),
		pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID),
		pardot.WithEngine(batch.Config{Concurrency: 5}),
		pardot.WithEngine(batch.Config{
			Keep: batch.KeepFailures,
			OnProgress: func(p batch.Progress) {
				if p.Done >= n/2 && expired.CompareAndSwap(false, true) {
					srv.ExpireSessions() // the Salesforce session ends mid-run
				}
				progress(p)
			},
			Retry: batch.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond},
		}),
	)
	if err != nil {
		return result{err: err}
	}
	prospects := make([]pardot.Prospect, n)
	for i := range prospects {
		prospects[i] = pardot.Prospect{
			Email: fmt.Sprintf("p%05d@example.com", i), FirstName: "Prospect", LastName: strconv.Itoa(i), Company: "crmbatch",
		}
	}
	prospects[17].Email = "not-an-email" // refused before any request

	rep, _ := c.Prospects().Upsert(ctx, slices.Values(prospects))
	r := resultOf("prospect batchUpsert v3", rep, func(err error) (string, string) {
		var pe *pardot.Error
		if errors.As(err, &pe) && pe.Code != 0 {
			return strconv.Itoa(int(pe.Code)), pe.Message
		}
		return "", plainMessage(err, "pardot")
	}, func(i int) (string, string) {
		if i == 1234 {
			return prospects[i].Email, "the fake set to refuse it"
		}
		return prospects[i].Email, ""
	})
	r.stored = srv.Len()
	return r
}
