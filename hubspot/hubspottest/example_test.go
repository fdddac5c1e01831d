package hubspottest_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// A fault is a literal of the fake's Fault type, with no other import: here
// two 503s, which the engine retries, then the fake answers as usual.
func ExampleServer_FailNext() {
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.FailNext(2, hubspottest.Fault{Status: 503})
	c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{Retry: batch.RetryPolicy{BaseDelay: 1, MaxDelay: 1}}))
	if err != nil {
		panic(err)
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values([]hubspot.CreateInput{
		{Properties: hubspot.Properties{"email": "ada@example.com"}},
	}))
	fmt.Println(rep.Succeeded, "succeeded after", rep.Requests, "requests;", err, srv.Count("contacts"))
	// Output: 1 succeeded after 3 requests; <nil> 1
}
