package noojee_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
)

// Leads that break a documented rule fail before any request: with the
// code the server would answer when it has one (Local set, batch.ErrInvalid).
func TestLocalValidation(t *testing.T) {
	t.Parallel()
	phone := map[string]string{"FirstPhone": "0383218199"}
	withPhone := func(kv ...string) map[string]string {
		m := map[string]string{"FirstPhone": "0383218199"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name   string
		target noojee.Target
		update bool
		lead   noojee.Lead
		code   noojee.Code // 0: a rule with no vendor code
	}{
		{"no template", noojee.Target{CampaignID: "1", AllocationID: "1"}, false, noojee.Lead{Fields: phone}, noojee.CodeTemplateIDRequired},
		{"no campaign", noojee.Target{TemplateID: "1", AllocationID: "1"}, false, noojee.Lead{Fields: phone}, noojee.CodeCampaignIDRequired},
		{"no allocation", noojee.Target{TemplateID: "1", CampaignID: "1"}, true, noojee.Lead{ExternalID: "x"}, noojee.CodeAllocationIDRequired},
		{"no phone", noojee.Target{TemplateID: "1", CampaignID: "1", AllocationID: "1", PhoneFields: []string{"FirstPhone", "Mobile"}}, false, noojee.Lead{Fields: map[string]string{"Name": "x", "FirstPhone": " "}}, noojee.CodeNoPhoneFields},
		{"no change on insert", target, false, noojee.Lead{Fields: withPhone("City", "<no change>")}, noojee.CodeImportButNoChange},
		{"no change disposition on insert", target, false, noojee.Lead{Fields: phone, Disposition: noojee.NoChange}, noojee.CodeImportButNoChange},
		{"bad callback", target, false, noojee.Lead{Fields: withPhone("njCallBackDate", "2024-05-01 09:30")}, noojee.CodeInvalidCallbackDateFormat},
		{"bad callback on update", target, true, noojee.Lead{ExternalID: "x", Fields: map[string]string{"njCallBackDate": "1/5/2024 9:30"}}, noojee.CodeInvalidCallbackDateFormat},
		{"priority high", target, false, noojee.Lead{Fields: phone, Priority: noojee.PriorityOf(101)}, 0},
		{"priority negative", target, false, noojee.Lead{Fields: phone, Priority: noojee.PriorityOf(-1)}, 0},
		{"raw priority", target, false, noojee.Lead{Fields: withPhone("njPriority", "high")}, 0},
		{"disposition on insert", target, false, noojee.Lead{Fields: phone, Disposition: "Sale"}, 0},
		{"update without id", target, true, noojee.Lead{Fields: phone}, 0},
		{"update with no-change id", target, true, noojee.Lead{ExternalID: noojee.NoChange}, 0},
		{"field twice", target, false, noojee.Lead{Fields: withPhone("njExternalLeadId", "a"), ExternalID: "b"}, 0},
		{"system field misspelt", target, false, noojee.Lead{Fields: withPhone("NJPRIORITY", "5")}, 0},
		{"empty field name", target, false, noojee.Lead{Fields: withPhone("", "x")}, 0},
	}
	srv := newFake(t)
	c := newClient(t, srv)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			camp := c.Campaign(tc.target)
			var err error
			if tc.update {
				_, err = camp.UpdateOne(context.Background(), tc.lead)
			} else {
				_, err = camp.CreateOne(context.Background(), tc.lead)
			}
			if err == nil {
				t.Fatal("no error")
			}
			var ne *noojee.Error
			if tc.code == 0 {
				if !errors.Is(err, batch.ErrInvalid) || !errors.As(err, &ne) || !ne.Local {
					t.Fatalf("err %v, want a local *noojee.Error matching batch.ErrInvalid", err)
				}
				return
			}
			if !errors.As(err, &ne) || ne.Code != tc.code || !ne.Local || ne.HTTPStatus != 0 {
				t.Fatalf("err %v, want local code %v", err, tc.code)
			}
			if !errors.Is(err, batch.ErrInvalid) {
				t.Errorf("err %v does not match ErrInvalid", err)
			}
		})
	}
	st := srv.Stats()
	if n := st.Requests["insertLeadFast"] + st.Requests["updateLeadFast"]; n != 0 {
		t.Errorf("invalid leads reached the server: %d calls", n)
	}
}

// Valid edge cases pass: NoChange on updates, a raw callback date, the
// bounds of njPriority, a declared phone field.
func TestValidationAccepts(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	tg := target
	tg.PhoneFields = []string{"Mobile", "FirstPhone"}
	camp := c.Campaign(tg)
	ins := []noojee.Lead{
		{ExternalID: "a", Fields: map[string]string{"Mobile": "0400 000 001"}, Priority: noojee.PriorityOf(0)},
		{ExternalID: "b", Fields: map[string]string{"FirstPhone": "0400 000 002", "njCallBackDate": "2024/05/01 09:30", "njPriority": "100"}},
		{ExternalID: "c", Fields: map[string]string{"FirstPhone": "0400 000 003"}, CallBack: time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)},
	}
	srv.SetPhoneFields("Mobile", "FirstPhone")
	rep, err := camp.Create(context.Background(), slices.Values(ins))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 3, Failed: 0, NotAttempted: 0})
	if l, _ := srv.Lead(tg.CampaignID, "c"); l.Fields["njCallBackDate"] != "2024/01/02 03:04" {
		t.Errorf("callback written as %q", l.Fields["njCallBackDate"])
	}
	upd := noojee.Lead{ExternalID: "b", Fields: map[string]string{"FirstPhone": "<NO CHANGE>", "njCallBackDate": noojee.NoChange}}
	if _, err := camp.UpdateOne(context.Background(), upd); err != nil {
		t.Fatal(err)
	}
	if l, _ := srv.Lead(tg.CampaignID, "b"); l.Fields["FirstPhone"] != "0400 000 002" || l.Fields["njCallBackDate"] != "2024/05/01 09:30" {
		t.Errorf("NoChange did not keep values: %+v", l.Fields)
	}
}
