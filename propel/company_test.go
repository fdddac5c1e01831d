package propel_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/google/go-cmp/cmp"
)

// guideCompany is the integration guide's example company: the keys only
// the guide shows (sources, email, phone) and no flat source/sourceId.
var guideCompany = propel.Company{
	Sources: []propel.CompanySource{{Name: "MY_ERP", ID: "1032644"}}, Language: "NL",
	Name: "Bakker Bouw B.V.", DebtorID: "29931", TaxNumber: "NL812345678B01", CocNumber: "12345678",
	Email: "info@bakkerbouw.nl", Phone: "0301234567",
}

// TestCompaniesFollowTheReference: the fake follows Propeller's bulk
// company reference, which lists attributes and neither email nor phone.
// A company with attributes lands and reads back; one sending the guide's
// email or phone is refused alone with 10007, the others land.
func TestCompaniesFollowTheReference(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	withAttrs := propel.Company{Source: "MY_ERP", SourceID: "1", Language: "NL", Name: "ACME",
		Attributes: []propel.Attribute{
			{Class: "company", Name: "CREDIT_LIMIT", Type: "integer", Value: "5000"},
			{Class: "company", Name: "SEGMENT", Type: "text"}, // no value: reset to the parent's
		}}
	withEmail := propel.Company{Source: "MY_ERP", SourceID: "2", Language: "NL", Name: "Mail B.V.", Email: "info@example.com"}
	plain := propel.Company{Source: "MY_ERP", SourceID: "3", Language: "NL", Name: "Plain B.V.", Budget: "H"}
	rep, err := c.Companies().UpsertBySourceID(context.Background(), slices.Values([]propel.Company{withAttrs, withEmail, plain}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	var pe *propel.Error
	if !errors.As(err, &pe) || rep.Outcomes[1].Status != batch.Failed || !errors.As(rep.Outcomes[1].Err, &pe) ||
		pe.Code != 10007 || len(pe.Messages) != 1 || pe.Messages[0] != "#/companies/1: extraneous key [email] is not permitted" {
		t.Fatalf("the company sending email: %v, want 10007 naming it", rep.Outcomes[1].Err)
	}
	got, ok := srv.Company("MY_ERP", "1", "NL")
	if !ok {
		t.Fatal("the company with attributes was not stored")
	}
	withAttrs.ID = got.ID
	if d := cmp.Diff(withAttrs, decoded[propel.Company](t, got)); d != "" {
		t.Errorf("stored company (-sent +stored):\n%s", d)
	}
	if _, ok := srv.Company("MY_ERP", "2", "NL"); ok {
		t.Error("the refused company was stored")
	}
}

// TestGuideOnlyCompanyFields: the guide's example (sources[], email,
// phone) is sent as the guide writes it and lands on a server that accepts
// those keys; the report keys it by the sources entry.
func TestGuideOnlyCompanyFields(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	srv.AcceptGuideKeys(true)
	rep, err := c.Companies().UpsertBySourceID(context.Background(), slices.Values([]propel.Company{guideCompany}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
	if k := rep.Outcomes[0].Key; k != "MY_ERP/1032644/NL" {
		t.Errorf("report key %q", k)
	}
	got, ok := srv.Company("MY_ERP", "1032644", "NL")
	if !ok {
		t.Fatal("not stored under the sources entry")
	}
	want := guideCompany
	want.ID = got.ID
	if d := cmp.Diff(want, decoded[propel.Company](t, got)); d != "" {
		t.Errorf("stored company (-sent +stored):\n%s", d)
	}
	// a contact can name it as parent by source and sourceId
	rep, err = c.Contacts().UpsertBySourceID(context.Background(), slices.Values([]propel.Contact{{Source: "MY_ERP", SourceID: "P-1",
		Parent: &propel.Parent{Source: "MY_ERP", SourceID: "1032644"}}}))
	if err != nil || rep.Succeeded != 1 {
		t.Fatalf("contact under the guide-form company: %v", err)
	}

	// the same company on a server that follows the reference: refused
	srv2, c2 := newFake(t)
	rep, _ = c2.Companies().UpsertBySourceID(context.Background(), slices.Values([]propel.Company{guideCompany}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 0, Failed: 1, NotAttempted: 0})
	var pe *propel.Error
	if !errors.As(rep.Outcomes[0].Err, &pe) || pe.Code != 10007 {
		t.Fatalf("err %v, want 10007", rep.Outcomes[0].Err)
	}
	if len(srv2.Companies()) != 0 {
		t.Error("stored")
	}
}
