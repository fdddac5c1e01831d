package hubspot_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// An upsert through the Imports API against the fake: one import, its
// state polled, its errors placed back on the records.
func ExampleObjects_ImportUpsert() {
	srv := hubspottest.NewServer()
	defer srv.Close()
	c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithImports(hubspot.ImportConfig{PollInterval: 10 * time.Millisecond}))
	if err != nil {
		panic(err)
	}
	in := []hubspot.UpsertInput{
		{IDProperty: "email", ID: "ada@example.com", Properties: hubspot.Properties{"firstname": "Ada"}},
		{IDProperty: "email", ID: "not-an-email", Properties: hubspot.Properties{"firstname": "Bob"}},
	}
	rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), slices.Values(in))
	fmt.Println(rep.Succeeded, "succeeded,", rep.Failed, "failed")
	o, _ := rep.Outcome(1)
	fmt.Println(o.Key, o.Err)
	// Output:
	// 1 succeeded, 1 failed
	// email=not-an-email hubspot contacts import/upsert: [INVALID_EMAIL] Email address not-an-email is invalid
}
