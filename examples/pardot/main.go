// Command pardot upserts a few hundred prospects into Pardot (Salesforce
// Account Engagement) with the crmbatch pardot client and prints the report.
//
// Credentials come from the environment; set one kind:
//
//	PARDOT_CLIENT_ID, PARDOT_CLIENT_SECRET, PARDOT_TOKEN_URL   Salesforce OAuth, client credentials
//	  and PARDOT_BUSINESS_UNIT_ID                              flow of a connected app (recommended)
//	PARDOT_ACCESS_TOKEN and PARDOT_BUSINESS_UNIT_ID            a Salesforce access token you got
//	PARDOT_EMAIL, PARDOT_PASSWORD and PARDOT_USER_KEY          legacy Pardot login (deprecated:
//	                                                           retired on 2021-02-15 for SSO users)
//
// PARDOT_TOKEN_URL is https://<MyDomain>.my.salesforce.com/services/oauth2/token;
// the connected app needs the pardot_api scope and a run-as user with
// Account Engagement access. With it a session that ends mid-run is renewed
// (code 184: one new token, one replay).
//
// Optional: PARDOT_BASE_URL (default https://pi.pardot.com; use
// https://pi.demo.pardot.com for sandboxes) and PARDOT_API_VERSION ("3" or
// "4", default "3"). With no credentials set it starts the in-process fake from
// pardot/pardottest, with some faults switched on, and runs against that.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
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

func main() {
	opts, cleanup := options()
	defer cleanup()

	c, err := pardot.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	prospects := make([]pardot.Prospect, 300)
	for i := range prospects {
		prospects[i] = pardot.Prospect{
			Email:     fmt.Sprintf("crmbatch.example.%03d@example.com", i),
			FirstName: "Example",
			LastName:  strconv.Itoa(i),
			Company:   "crmbatch",
		}
	}
	prospects[42].Email = "not an email" // reported as failed, never sent

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := c.Prospects().Upsert(ctx, slices.Values(prospects))
	fmt.Printf("upserted %d of %d prospects in %d requests (%d retries), %d failed, %d not attempted, %v\n",
		rep.Succeeded, rep.Total, rep.Requests, rep.Retries, rep.Failed, rep.NotAttempted, rep.Elapsed.Round(time.Millisecond))
	var runErr *batch.RunError
	if errors.As(err, &runErr) {
		for _, r := range runErr.Records {
			fmt.Println("  ", r)
		}
	}
}

// options returns the client options from the environment, or the options
// for an in-process fake when no credentials are set.
func options() ([]pardot.Option, func()) {
	var opts []pardot.Option
	if v := os.Getenv("PARDOT_API_VERSION"); v != "" {
		opts = append(opts, pardot.WithAPIVersion(v))
	}
	if u := os.Getenv("PARDOT_BASE_URL"); u != "" {
		opts = append(opts, pardot.WithBaseURL(u))
	}
	switch {
	case os.Getenv("PARDOT_CLIENT_ID") != "":
		app := clientcredentials.Config{
			ClientID:     os.Getenv("PARDOT_CLIENT_ID"),
			ClientSecret: os.Getenv("PARDOT_CLIENT_SECRET"),
			TokenURL:     os.Getenv("PARDOT_TOKEN_URL"),
		}
		return append(opts, pardot.WithTokenFunc(app.Token, os.Getenv("PARDOT_BUSINESS_UNIT_ID"))), func() {}
	case os.Getenv("PARDOT_ACCESS_TOKEN") != "":
		return append(opts, pardot.WithToken(os.Getenv("PARDOT_ACCESS_TOKEN"), os.Getenv("PARDOT_BUSINESS_UNIT_ID"))), func() {}
	case os.Getenv("PARDOT_EMAIL") != "":
		//lint:ignore SA1019 kept for accounts that still have a Pardot-only API user
		return append(opts, pardot.WithLegacyLogin(os.Getenv("PARDOT_EMAIL"), os.Getenv("PARDOT_PASSWORD"), os.Getenv("PARDOT_USER_KEY"))), func() {}
	}
	fmt.Println("no PARDOT_* credentials set: running against the in-process fake (pardottest), with faults on")
	srv := pardottest.NewServer()
	srv.FailNext(1, pardottest.ErrorCode(int(pardot.CodeConcurrencyLimit))) // retried
	srv.FailNext(1, fakekit.Status(503))                                    // retried
	srv.FailProspect("crmbatch.example.007@example.com", int(pardot.CodeConflictingUpdate), 1)
	// Any request carrying prospect 123 is refused whole (code 71): the
	// client splits it until only that prospect fails.
	srv.RejectBatchWith("crmbatch.example.123@example.com", int(pardot.CodeInvalidInput))
	// The Salesforce session ends once 100 prospects are done: code 184,
	// one new token from the connected app, one replay.
	var expired atomic.Bool
	app := clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
	opts = append(opts,
		pardot.WithBaseURL(srv.BaseURL()),
		pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID),
		pardot.WithEngine(batch.Config{
			OnProgress: func(p batch.Progress) {
				if p.Done >= 100 && expired.CompareAndSwap(false, true) {
					srv.ExpireSessions()
				}
			},
			Retry: batch.RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond},
		}),
	)
	return opts, srv.Close
}
