package hubspot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// Issue 13: HubSpot's current documents, point by point.

// A batch read asking for property histories sends at most 50 ids
// ("The maximum number of inputs supported in a batch request for
// property histories is 50"), so 120 ids take three requests and all
// succeed; without histories the same ids take two.
func TestHistoryReadsChunkAt50(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ids := make([]string, 120)
	for i := range ids {
		ids[i] = srv.Put("contacts", map[string]string{"email": fmt.Sprintf("h%d@example.com", i), "firstname": "H"})
	}
	c := newClient(t, srv)
	rep, err := c.Objects("contacts").Read(context.Background(), slices.Values(ids), ReadOptions{
		Properties: []string{"email"}, PropertiesWithHistory: []string{"firstname"}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 120, Succeeded: 120, Failed: 0, NotAttempted: 0})
	if st := srv.Stats(); rep.Requests != 3 || st.ByOp["read"] != 3 {
		t.Errorf("history read: %d requests, fake processed %d reads, want 3", rep.Requests, st.ByOp["read"])
	}
	for i, o := range rep.Outcomes {
		if o.Result.ID != ids[i] {
			t.Fatalf("record %d: got object %q, want %q", i, o.Result.ID, ids[i])
		}
	}

	rep, err = c.Objects("contacts").Read(context.Background(), slices.Values(ids), ReadOptions{Properties: []string{"email"}})
	if err != nil || rep.Requests != 2 {
		t.Errorf("plain read: %d requests (want 2), err %v", rep.Requests, err)
	}

	// A batch size under 50 still rules.
	small := newClient(t, srv, WithBatchSize(20))
	rep, _ = small.Objects("contacts").Read(context.Background(), slices.Values(ids), ReadOptions{PropertiesWithHistory: []string{"firstname"}})
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 120, Succeeded: 120, Failed: 0, NotAttempted: 0})
	if rep.Requests != 6 {
		t.Errorf("history read at batch size 20: %d requests, want 6", rep.Requests)
	}
}

// From 2026-09 (the default) HubSpot holds API writes to the portal's
// validation rules: a deal set closedwon without a closedate is refused
// with a VALIDATION_ERROR, the others of its request go in. Under the
// legacy v3 paths the same write is accepted.
func TestWriteValidationRulesFrom2026_09(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.RequireWhen("deals", "closedate", "dealstage", "closedwon")
	deals := []CreateInput{
		{Properties: Properties{"dealname": "won, dated", "dealstage": "closedwon", "closedate": "1794787200000"}},
		{Properties: Properties{"dealname": "won, undated", "dealstage": "closedwon"}},
		{Properties: Properties{"dealname": "open", "dealstage": "appointmentscheduled"}},
	}

	rep, err := newClient(t, srv).Objects("deals").Create(context.Background(), slices.Values(deals))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if o := rep.Outcomes[1]; !errors.Is(o.Err, batch.ErrInvalid) || o.Attempts != 1 {
		t.Errorf("undated won deal under 2026-09: %v after %d attempts, want batch.ErrInvalid at once", o.Err, o.Attempts)
	}
	if !errors.Is(err, batch.ErrInvalid) || srv.Count("deals") != 2 {
		t.Errorf("err %v, %d deals stored (want 2)", err, srv.Count("deals"))
	}

	// An update that closes a deal without a date is refused too: the rule
	// holds for the object the write would leave.
	open := rep.Outcomes[2].Result.ID
	up, _ := newClient(t, srv).Objects("deals").Update(context.Background(), slices.Values([]UpdateInput{
		{ID: open, Properties: Properties{"dealstage": "closedwon"}}}))
	testkit.CheckCounts(t, up, testkit.Counts{Total: 1, Succeeded: 0, Failed: 1, NotAttempted: 0})
	if got, _ := srv.Object("deals", open); got.Properties["dealstage"] != "appointmentscheduled" {
		t.Errorf("the refused update landed: %v", got.Properties)
	}

	legacy := newClient(t, srv, WithAPIVersion(LegacyAPIVersion))
	rep, err = legacy.Objects("deals").Create(context.Background(), slices.Values(deals[1:2]))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
	if err != nil || rep.Outcomes[0].Status != batch.Succeeded {
		t.Errorf("v3 ignores the portal's rules; got %v", err)
	}
}

// The history asked for comes back on each object, newest first.
func TestHistoryComesBack(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	id := srv.Put("contacts", map[string]string{"email": "ada@example.com", "firstname": "Ada"})
	if _, err := c.Objects("contacts").Update(context.Background(), slices.Values([]UpdateInput{{ID: id, Properties: Properties{"firstname": "Augusta"}}})); err != nil {
		t.Fatal(err)
	}
	rep, err := c.Objects("contacts").Read(context.Background(), slices.Values([]string{id}), ReadOptions{
		Properties: []string{"firstname"}, PropertiesWithHistory: []string{"firstname", "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Outcomes[0].Result
	var values []string
	for _, ch := range o.PropertiesWithHistory["firstname"] {
		if ch.Timestamp.IsZero() || ch.SourceType == "" {
			t.Errorf("change without timestamp or source: %+v", ch)
		}
		values = append(values, ch.Value)
	}
	if fmt.Sprint(values) != "[Augusta Ada]" || o.Properties["firstname"] != "Augusta" {
		t.Errorf("firstname %q, history %v; want Augusta, [Augusta Ada]", o.Properties["firstname"], values)
	}
	if _, ok := o.PropertiesWithHistory["phone"]; ok {
		t.Error("a property without a value came back with a history")
	}
}
