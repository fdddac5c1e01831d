package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// runHubSpot creates 3,000 contacts in requests of 100 through a burst of
// 429s (retried after the server's Retry-After), a 503 and a 423 Locked,
// and answers 207 multi-status for requests holding a contact the fake
// refuses: those contacts fail with HubSpot's category and message, the
// others of their request go in.
func runHubSpot(ctx context.Context, progress func(batch.Progress)) result {
	const n = 3000
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.FailNext(4, fakekit.RateLimited(30*time.Millisecond)) // a 429 burst (TEN_SECONDLY_ROLLING)
	srv.FailNext(1, fakekit.Status(503))                      // 503: nothing was written, so retried
	srv.FailNext(1, hubspottest.Locked())                     // 423: wait, then retry
	srv.FailInputs(func(in hubspottest.Input) *hubspottest.InputError {
		if strings.HasPrefix(in.Properties["email"], "blocked") {
			return &hubspottest.InputError{Category: string(hubspot.CodeValidation), Message: "Email address is on the blocklist", Code: "BLOCKED_EMAIL", In: "email"}
		}
		return nil
	})

	c, err := hubspot.New(
		hubspot.WithEngine(batch.Config{Keep: batch.KeepFailures, OnProgress: progress,
			Retry: batch.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}}),
		hubspot.WithBaseURL(srv.BaseURL()),
		hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(hubspottest.DefaultRateLimit)}),
		hubspot.WithEngine(batch.Config{Concurrency: 4}),
		hubspot.WithLockedWait(50*time.Millisecond), // HubSpot's lock lasts 2 s; the fake's is as short as we like
	)
	if err != nil {
		return result{err: err}
	}
	inputs := make([]hubspot.CreateInput, n)
	for i := range inputs {
		inputs[i] = hubspot.CreateInput{Properties: hubspot.Properties{
			"email": fmt.Sprintf("contact%05d@example.com", i), "firstname": "Contact", "lastname": fmt.Sprint(i),
		}}
	}
	for _, i := range []int{250, 251, 1777} {
		inputs[i].Properties["email"] = fmt.Sprintf("blocked%05d@example.com", i)
	}
	inputs[2024].Properties["email"] = "not-an-email" // HubSpot: VALIDATION_ERROR INVALID_EMAIL

	rep, _ := c.Objects("contacts").Create(ctx, slices.Values(inputs))
	r := resultOf("contacts batch/create", rep, func(err error) (string, string) {
		var he *hubspot.Error
		if !errors.As(err, &he) {
			return "", plainMessage(err, "hubspot")
		}
		for _, d := range he.Errors { // the detail says it better than the summary
			if d.Code != "" {
				return string(he.Code), d.Code + ": " + d.Message
			}
		}
		return string(he.Code), he.Message
	}, func(i int) (string, string) {
		email := inputs[i].Properties["email"]
		if strings.HasPrefix(email, "blocked") {
			return email, "a blocklist rule"
		}
		return email, ""
	})
	r.stored = srv.Count("contacts")
	return r
}
