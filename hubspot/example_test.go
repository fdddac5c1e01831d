package hubspot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Create contacts in bulk and read, record by record, what went in. The
// fake server stands in for HubSpot; with a real account, pass
// hubspot.WithToken(os.Getenv("HUBSPOT_TOKEN")) and drop WithBaseURL.
func ExampleObjects_Create() {
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.FailNext(1, fakekit.RateLimited(10*time.Millisecond)) // one burst 429, retried

	c, err := hubspot.New(
		hubspot.WithBaseURL(srv.BaseURL()),
		hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(100)}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values([]hubspot.CreateInput{
		{Properties: hubspot.Properties{"email": "ada@example.com", "firstname": "Ada"}},
		{Properties: hubspot.Properties{"email": "not-an-email", "firstname": "Bad"}},
		{Properties: hubspot.Properties{"email": "grace@example.com", "firstname": "Grace"}},
	}))
	fmt.Printf("%d succeeded, %d failed, %d not attempted, in %d requests\n",
		rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests)
	for _, o := range rep.Outcomes {
		var he *hubspot.Error
		switch {
		case o.Status == batch.Succeeded:
			fmt.Printf("record %d: created %s\n", o.Index, o.Result.Properties["email"])
		case errors.As(o.Err, &he):
			fmt.Printf("record %d: %s %s: %s\n", o.Index, he.Code, he.Errors[0].Code, he.Errors[0].Message)
		}
	}
	fmt.Println("validation errors:", errors.Is(err, batch.ErrInvalid))
	fmt.Println("contacts stored:", srv.Count("contacts"))
	// Output:
	// 2 succeeded, 1 failed, 0 not attempted, in 2 requests
	// record 0: created ada@example.com
	// record 1: VALIDATION_ERROR INVALID_EMAIL: Email address not-an-email is invalid
	// record 2: created grace@example.com
	// validation errors: true
	// contacts stored: 2
}

// Upsert by a unique property: Result.New says which records were created.
// Contacts keyed on email do not support partial upserts: send every
// property the contact should hold (or see the custom-property example).
func ExampleObjects_Upsert() {
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.Put("contacts", map[string]string{"email": "ada@example.com"})

	c, _ := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken))
	rep, _ := c.Objects("contacts").Upsert(context.Background(), slices.Values([]hubspot.UpsertInput{
		{IDProperty: "email", ID: "ada@example.com", Properties: hubspot.Properties{"firstname": "Ada"}},
		{IDProperty: "email", ID: "grace@example.com", Properties: hubspot.Properties{"firstname": "Grace"}},
	}))
	for _, o := range rep.Outcomes {
		fmt.Printf("%s: %s, new=%v\n", o.Key, o.Status, o.Result.New)
	}
	// Output:
	// email=ada@example.com: succeeded, new=false
	// email=grace@example.com: succeeded, new=true
}

// Upsert only what changed, keyed on a custom unique property. HubSpot
// does not support partial upserts of contacts keyed on email; a property
// created with hasUniqueValue (here crm_id, your system's id) takes them,
// and the properties left out keep their values.
func ExampleObjects_Upsert_customUniqueProperty() {
	srv := hubspottest.NewServer()
	defer srv.Close()
	srv.SetUniqueProperty("contacts", "crm_id") // in HubSpot: a contact property with hasUniqueValue
	id := srv.Put("contacts", map[string]string{"crm_id": "C-1042", "email": "ada@example.com", "firstname": "Ada"})

	c, _ := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken))
	rep, _ := c.Objects("contacts").Upsert(context.Background(), slices.Values([]hubspot.UpsertInput{
		{IDProperty: "crm_id", ID: "C-1042", Properties: hubspot.Properties{"phone": "+61 3 8321 8199"}},
		{IDProperty: "crm_id", ID: "C-2001", Properties: hubspot.Properties{"email": "grace@example.com", "firstname": "Grace"}},
	}))
	for _, o := range rep.Outcomes {
		fmt.Printf("%s: %s, new=%v\n", o.Key, o.Status, o.Result.New)
	}
	ada, _ := srv.Object("contacts", id)
	fmt.Println(ada.Properties["firstname"], ada.Properties["email"], ada.Properties["phone"])
	// Output:
	// crm_id=C-1042: succeeded, new=false
	// crm_id=C-2001: succeeded, new=true
	// Ada ada@example.com +61 3 8321 8199
}
