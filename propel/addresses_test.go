package propel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"
)

func addresses(n int, street string) []propel.Address {
	out := make([]propel.Address, n)
	for i := range out {
		out[i] = propel.Address{Type: propel.AddressDelivery, Code: fmt.Sprintf("D-%02d", i), Street: street,
			Number: fmt.Sprint(i + 1), PostalCode: "3511 AB", City: "Utrecht", Country: "NL"}
	}
	out[0].Type, out[0].IsDefault = propel.AddressInvoice, propel.Yes
	return out
}

// checkBook asserts the owner's stored addresses are want, each created
// once, with the ids the report gave.
func checkBook(t *testing.T, stored []propeltest.Record, want []propel.Address, rep *batch.Report[propel.Result]) {
	t.Helper()
	if len(stored) != len(want) {
		t.Fatalf("%d addresses stored, want %d", len(stored), len(want))
	}
	// requests run concurrently: compare in code order
	stored = slices.SortedFunc(slices.Values(stored), func(a, b propeltest.Record) int { return strings.Compare(a.Text("code"), b.Text("code")) })
	ids := map[string]int64{}
	for _, o := range rep.Outcomes {
		ids[o.Key] = o.Result.ID
	}
	for i, rec := range stored {
		value := decoded[propel.Address](t, rec)
		if rec.Creates != 1 {
			t.Errorf("address %s created %d times", value.Code, rec.Creates)
		}
		if id, ok := ids[value.Code]; ok && id != rec.ID {
			t.Errorf("address %s: result id %d, stored id %d", value.Code, id, rec.ID)
		}
		if d := cmp.Diff(want[i], value); d != "" {
			t.Errorf("address %d (-want +stored):\n%s", i, d)
		}
	}
}

// TestBulkCustomerAddressesUpsertOnCode: the addresses of one customer are
// created, then matched on code and updated, never duplicated, across
// requests and through a connection dropped after the write.
func TestBulkCustomerAddressesUpsertOnCode(t *testing.T) {
	t.Parallel()
	// directives are configured but the addresses endpoint documents none:
	// the fake would refuse a "directives" key with 10007
	srv, c := newFake(t, propel.WithBatchSize(4), propel.WithDirectives(propel.SkipCreate()))
	ctx := context.Background()
	owner := propel.Customer{Source: "CRM", SourceID: "C-1", Language: "NL", LastName: "Lovelace"}
	c2, _ := propel.New(append(fakeOptions(srv), propel.WithEngine(batch.Config{Retry: fastRetry}))...)
	if _, err := c2.Customers().UpsertBySourceID(ctx, slices.Values([]propel.Customer{owner})); err != nil {
		t.Fatal(err)
	}
	stored, _ := srv.Customer("CRM", "C-1", "NL")

	in := addresses(10, "Kerkstraat")
	srv.FailNext(1, fakekit.Fault{})
	srv.FailNext(1, fakekit.DropAfterWrite()) // the second request is written, its answer lost
	rep, err := c.Customers().Addresses(propel.BySourceID("CRM", "C-1")).Upsert(ctx, slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10, Failed: 0, NotAttempted: 0})
	for _, o := range rep.Outcomes {
		if o.Key != in[o.Index].Code || o.Result.LookupKey != "code" || o.Result.ID == 0 {
			t.Errorf("outcome %d: key %q result %+v", o.Index, o.Key, o.Result)
		}
	}
	checkBook(t, srv.CustomerAddresses(stored.ID), in, rep)

	// again by id: three changed, two new; the rest untouched
	again := addresses(12, "Kerkstraat")[7:]
	for i := range again {
		again[i].Street = "Domplein"
	}
	rep, err = c.Customers().Addresses(propel.ByID(stored.ID)).Upsert(ctx, slices.Values(again))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 5, Failed: 0, NotAttempted: 0})
	actions := map[string]int{}
	for _, o := range rep.Outcomes {
		actions[o.Result.Action]++
	}
	if d := cmp.Diff(map[string]int{"update": 3, "create": 2}, actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	checkBook(t, srv.CustomerAddresses(stored.ID), append(in[:7:7], again...), rep)
}

// TestBulkCompanyAddresses: the company variant writes the company's book.
func TestBulkCompanyAddresses(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	id := srv.AddCompany(propel.Company{Source: "ERP", SourceID: "1032644", Language: "NL", Name: "Bakker Bouw B.V."})
	in := addresses(3, "Industrieweg")
	rep, err := c.Companies().Addresses(propel.BySourceID("ERP", "1032644")).Upsert(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 3, Failed: 0, NotAttempted: 0})
	checkBook(t, srv.CompanyAddresses(id), in, rep)
	if len(srv.CustomerAddresses(id)) != 0 {
		t.Error("a company's addresses landed on a customer")
	}
}

// TestBulkAddressesRefusedBeforeSending: an address without the code the
// endpoint matches on, or without a required field, fails before any
// request; so does every address when the owner is not named properly.
func TestBulkAddressesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	srv.AddCompany(propel.Company{ID: 7, Name: "ACME"})
	in := addresses(3, "Main")
	in[1].Code = ""
	in[2].Country = "Netherlands"
	rep, _ := c.Companies().Addresses(propel.ByID(7)).Upsert(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 1, Failed: 2, NotAttempted: 0})
	for i, field := range map[int]string{1: "code", 2: "country"} {
		var ve *propel.Error
		if !errors.As(rep.Outcomes[i].Err, &ve) || ve.Field != field || !ve.Local {
			t.Errorf("address %d: %v, want a ValidationError on %s", i, rep.Outcomes[i].Err, field)
		}
	}
	if srv.Stats().Requests != 1 {
		t.Errorf("%d requests, want 1 (the valid address only)", srv.Stats().Requests)
	}
	for _, owner := range []propel.RecordRef{{}, {ID: 7, Source: "ERP", SourceID: "1"}, {SourceID: "1"}, {ID: -1}} {
		rep, err := c.Companies().Addresses(owner).Upsert(context.Background(), slices.Values(addresses(2, "Main")))
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 0, Failed: 2, NotAttempted: 0})
		if !errors.Is(err, batch.ErrInvalid) {
			t.Errorf("owner %+v: %v", owner, err)
		}
	}
	if srv.Stats().Requests != 1 {
		t.Errorf("%d requests after invalid owners, want still 1", srv.Stats().Requests)
	}
}

// TestBulkAddressesOwnerMissingStopsTheRun: a 404 for the customer ends
// the run: nothing was written, every address is not attempted, those of
// the refused request with the 404 as their reason.
func TestBulkAddressesOwnerMissingStopsTheRun(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(2), propel.WithEngine(batch.Config{Concurrency: 1}))
	rep, err := c.Customers().Addresses(propel.BySourceID("CRM", "nobody")).Upsert(context.Background(), slices.Values(addresses(6, "Main")))
	if !errors.Is(err, batch.ErrNotFound) {
		t.Fatalf("err %v, want ErrNotFound", err)
	}
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 6})
	if srv.Stats().Requests != 1 {
		t.Fatalf("%d requests, want 1: the 404 names the owner every request would name", srv.Stats().Requests)
	}
	for _, o := range rep.Outcomes[:2] {
		if !errors.Is(o.Err, batch.ErrNotFound) {
			t.Errorf("address %d: %v, want the 404", o.Index, o.Err)
		}
	}
}
