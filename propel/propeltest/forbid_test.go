package propeltest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// TestForbidKeyFailsOnlyTheItemCarryingIt: a server whose schema lacks a
// key refuses the one record that sends it, and the rest land.
func TestForbidKeyFailsOnlyTheItemCarryingIt(t *testing.T) {
	srv := propeltest.NewServer()
	defer srv.Close()
	srv.ForbidKey("customers", "middleName")
	c, err := propel.New(srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	customers := []propel.Customer{
		{Source: "CRM", SourceID: "1", FirstName: "Ada"},
		{Source: "CRM", SourceID: "2", FirstName: "Bob", MiddleName: "X"},
		{Source: "CRM", SourceID: "3", FirstName: "Cy"},
	}
	rep, _ := c.BulkCustomersBySourceID(context.Background(), customers)
	if !rep.Balanced() || rep.Succeeded != 2 || rep.Failed != 1 || rep.Outcomes[1].Status.String() != "failed" || rep.Requests != 2 {
		t.Fatalf("succeeded %d failed %d in %d requests; want record 1 alone failed, the others resent once", rep.Succeeded, rep.Failed, rep.Requests)
	}
	var pe *propel.Error
	want := []string{"#/customers/1: extraneous key [middleName] is not permitted"}
	if !errors.As(rep.Outcomes[1].Err, &pe) || pe.Code != 10007 || len(pe.Messages) != 1 || pe.Messages[0] != want[0] {
		t.Errorf("err = %v, want a 10007 *propel.Error", rep.Outcomes[1].Err)
	}
	if got := len(srv.Customers()); got != 2 {
		t.Errorf("fake holds %d customers, want 2", got)
	}
}
