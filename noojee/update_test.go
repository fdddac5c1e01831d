package noojee_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
)

func TestUpdateEach(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetDispositions("Sale", "Callback")
	c := newClient(t, srv)
	camp := c.Campaign(target)
	leads := makeLeads(0, 5)
	if _, err := camp.Create(context.Background(), slices.Values(leads)); err != nil {
		t.Fatal(err)
	}
	updates := []noojee.Lead{
		{ExternalID: "CRM-0", Fields: map[string]string{"FirstPhone": noojee.NoChange, "PostCode": "3000"}, Disposition: "Sale"},
		{ExternalID: "CRM-1", Fields: map[string]string{"Name": "Renamed"}},
		{ExternalID: "CRM-404", Fields: map[string]string{"Name": "Ghost"}},            // 101
		{ExternalID: "CRM-2", Disposition: "Unheard of"},                               // 106
		{ExternalID: "CRM-3", Disposition: "<NO CHANGE>"},                              // 107: never dispositioned
		{ExternalID: "CRM-4", Fields: map[string]string{"njCallBackDate": "tomorrow"}}, // 114, local
	}
	rep, err := camp.Update(context.Background(), slices.Values(updates))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 6, Succeeded: 2, Failed: 4, NotAttempted: 0})
	got := map[int]noojee.Code{}
	local := map[int]bool{}
	for _, o := range rep.Outcomes {
		var ne *noojee.Error
		if errors.As(o.Err, &ne) {
			got[o.Index] = ne.Code
			local[o.Index] = ne.Local
		}
	}
	want := map[int]noojee.Code{2: 101, 3: 106, 4: 107, 5: 114}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("codes (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[int]bool{2: false, 3: false, 4: false, 5: true}, local); d != "" {
		t.Errorf("local flags (-want +got):\n%s", d)
	}
	if !errors.Is(err, batch.ErrNotFound) {
		t.Errorf("run error does not match ErrNotFound: %v", err)
	}
	l0, _ := srv.Lead(target.CampaignID, "CRM-0")
	if l0.Fields["FirstPhone"] != leads[0].Fields["FirstPhone"] || l0.Fields["PostCode"] != "3000" || l0.Fields["njDisposition"] != "Sale" || l0.Updates != 1 {
		t.Errorf("CRM-0 after update: %+v", l0)
	}
	if l1, _ := srv.Lead(target.CampaignID, "CRM-1"); l1.Fields["Name"] != "Renamed" {
		t.Errorf("CRM-1 after update: %+v", l1)
	}
	if n := srv.Stats().Requests["updateLeadFast"]; n != 5 {
		t.Errorf("fake saw %d update calls, want 5 (the local 114 is not sent)", n)
	}
	if n := srv.LeadCount(target.CampaignID); n != 5 {
		t.Errorf("an update created leads: %d stored", n)
	}
}

// 110 is never retried, even under the patient policy, and is marked as
// needing manual action; the lead is left as the person edited it.
func TestConflictNeverRetried(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	camp := c.Campaign(target)
	if _, err := camp.Create(context.Background(), slices.Values(makeLeads(0, 3))); err != nil {
		t.Fatal(err)
	}
	srv.SetConflict("CRM-1")
	upd := []noojee.Lead{
		{ExternalID: "CRM-0", Fields: map[string]string{"Name": "A"}},
		{ExternalID: "CRM-1", Fields: map[string]string{"Name": "B"}},
		{ExternalID: "CRM-2", Fields: map[string]string{"Name": "C"}},
	}
	rep, err := camp.Update(context.Background(), slices.Values(upd))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	o := rep.Outcomes[1]
	if o.Status != batch.Failed || o.Attempts != 1 {
		t.Fatalf("CRM-1: status %v after %d attempts, want failed after 1", o.Status, o.Attempts)
	}
	var ne *noojee.Error
	if !errors.As(err, &ne) || ne.Code != noojee.CodeConflict || ne.Retryable() || !isCode(err, noojee.CodeConflict) {
		t.Fatalf("err %v: want a 110 needing manual action", err)
	}
	if n := srv.Stats().Requests["updateLeadFast"]; n != 3 {
		t.Errorf("fake saw %d update calls, want 3: 110 must not be resent", n)
	}
	if l, _ := srv.Lead(target.CampaignID, "CRM-1"); l.Fields["Name"] != "Lead 1" || l.Updates != 0 {
		t.Errorf("CRM-1 was changed: %+v", l)
	}
	if _, err := camp.UpdateOne(context.Background(), upd[1]); !isCode(err, noojee.CodeConflict) {
		t.Errorf("UpdateLead: %v, want ErrConflict", err)
	}
}

// A stream is read as it goes and accounted for like a slice.
func TestStreamInput(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	camp := c.Campaign(target)
	leads := makeLeads(0, 7)
	seq := func(ls []noojee.Lead) func(func(noojee.Lead) bool) {
		return func(yield func(noojee.Lead) bool) {
			for _, l := range ls {
				if !yield(l) {
					return
				}
			}
		}
	}
	rep, err := camp.Create(context.Background(), seq(leads))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 7, Succeeded: 7, Failed: 0, NotAttempted: 0})
	checkLanded(t, srv, target.CampaignID, leads, rep)
	upd := []noojee.Lead{{ExternalID: "CRM-2", Fields: map[string]string{"City": "Carlton"}}, {ExternalID: "nope", Fields: map[string]string{"City": "x"}}}
	rep, err = camp.Update(context.Background(), seq(upd))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1, NotAttempted: 0})
	if !errors.Is(err, batch.ErrNotFound) {
		t.Errorf("err %v, want ErrNotFound", err)
	}
}
