package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// runPropel upserts 3,000 customers by sourceId into a fake whose schema
// lacks "middleName" (an older release): the two customers that carry one
// are refused with 10007 and the rest of their requests are re-sent
// without them. A token expiring mid-run and server errors are ridden out.
func runPropel(ctx context.Context, progress func(batch.Progress)) result {
	const n = 3000
	srv := propeltest.NewServer()
	defer srv.Close()
	srv.ForbidKey("customers", "middleName")  // unknown key → 10007 for that customer
	srv.FailNext(1, propeltest.ExpireToken()) // 401: refresh the token once, replay
	srv.FailNext(2, fakekit.Status(500))      // 500s: retried (upserts are idempotent)
	srv.FailNext(1, fakekit.DropAfterWrite()) // written, then the connection drops: the replay updates, never duplicates

	c, err := propel.New(
		propel.WithBaseURL(srv.BaseURL()),
		propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret),
		propel.WithEngine(batch.Config{Keep: batch.KeepFailures, OnProgress: progress}),
		propel.WithEngine(batch.Config{Concurrency: 4}),
	)
	if err != nil {
		return result{err: err}
	}
	customers := make([]propel.Customer, n)
	for i := range customers {
		customers[i] = propel.Customer{
			Source: "CRM", SourceID: fmt.Sprintf("C-%05d", i), Language: "NL",
			FirstName: "Customer", LastName: strconv.Itoa(i), Email: fmt.Sprintf("c%05d@example.com", i),
		}
	}
	customers[100].MiddleName = "Q"
	customers[2500].MiddleName = "Z"

	rep, _ := c.Customers().UpsertBySourceID(ctx, slices.Values(customers))
	r := resultOf("customers/bulk/sourceId", rep, func(err error) (string, string) {
		var pe *propel.Error
		if errors.As(err, &pe) && pe.Code != 0 {
			return strconv.Itoa(int(pe.Code)), strings.Join(pe.Messages, "; ")
		}
		return "", plainMessage(err, "propel")
	}, func(i int) (string, string) {
		who := customers[i].Source + "/" + customers[i].SourceID
		if customers[i].MiddleName != "" {
			return who, "schema without middleName"
		}
		return who, ""
	})
	r.stored = len(srv.Customers())
	return r
}
