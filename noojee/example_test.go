package noojee_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// Insert leads in bulk while the server is busy at first (code 109) and
// one number is on the Do-Not-Call list.
func ExampleCampaign_Create() {
	srv := noojeetest.NewServer() // in-memory CampaignAPI
	defer srv.Close()
	srv.FailNext(3, noojeetest.Busy(time.Millisecond)) // three 109s: sent again after the wait
	srv.AddDNC("03 9999 0000")                         // this lead will be refused with 104

	c, err := noojee.New(
		noojee.WithBaseURL(srv.BaseURL()), // real use: noojee.WithHost("pbx.example.com")
		noojee.WithAPIKey(noojeetest.APIKey),
		noojee.WithEngine(batch.Config{Retry: batch.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}}),
	)
	if err != nil {
		panic(err)
	}
	camp := c.Campaign(noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"})
	leads := []noojee.Lead{
		{ExternalID: "CRM-1", Fields: map[string]string{"Name": "Ada", "FirstPhone": "03 9000 0001"}, Priority: noojee.PriorityOf(5)},
		{ExternalID: "CRM-2", Fields: map[string]string{"Name": "Charles", "FirstPhone": "03 9999 0000"}},
		{ExternalID: "CRM-3", Fields: map[string]string{"Name": "Grace", "FirstPhone": "03 9000 0003"}},
	}
	rep, err := camp.Create(context.Background(), slices.Values(leads))
	fmt.Printf("succeeded %d, failed %d, not attempted %d\n", rep.Succeeded, rep.Failed, rep.NotAttempted)
	var ne *noojee.Error
	if errors.As(err, &ne) {
		fmt.Printf("%s refused: %v, in the import summary: %v\n", ne.ExternalID, ne.Code, ne.InBulkSummary)
	}
	fmt.Println("stored:", srv.LeadCount("42"))
	// Output:
	// succeeded 2, failed 1, not attempted 0
	// CRM-2 refused: 104 DNC, in the import summary: true
	// stored: 2
}
