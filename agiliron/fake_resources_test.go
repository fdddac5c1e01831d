package agiliron_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// TestLeadsCreateThroughLeads: Leads().Create uses the documented Add Lead (POST
// Leads), which answers at once: no batch is queued, nothing is polled,
// nothing calls back. 500 leads with 7 invalid end 493 added once each
// and 7 rejected with Agiliron's message, the refused requests halved down
// to the lead at fault.
func TestLeadsCreateThroughLeads(t *testing.T) {
	t.Parallel()
	for _, format := range []agiliron.Format{agiliron.JSON, agiliron.XML} {
		t.Run(format.String(), func(t *testing.T) {
			e := newEnv(t, true, agiliron.WithFormat(format), agiliron.WithEngine(batch.Config{Concurrency: 4}), agiliron.WithBatchSize(50))
			in := newLeads(500, invalidIdx...)
			rep, err := e.c.Leads().Create(context.Background(), slices.Values(in))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 500, Succeeded: 493, Failed: 7})
			var re *batch.RunError
			if !errors.As(err, &re) || len(re.Records) != 7 {
				t.Fatalf("err = %v, want a RunError with 7 records", err)
			}
			for _, idx := range invalidIdx {
				o := rep.Outcomes[idx]
				var ae *agiliron.Error
				if !rejected(o.Err) || !errors.As(o.Err, &ae) || ae.Message != agilirontest.MsgLastNameBlank {
					t.Fatalf("outcome %d = %+v, want rejected with %q", idx, o, agilirontest.MsgLastNameBlank)
				}
			}
			seen := map[string]bool{}
			for _, l := range e.srv.All(agilirontest.Leads) {
				if seen[l.Get("Email")] || e.srv.Writes(l.Get("LeadId")) != 1 {
					t.Fatalf("lead %s stored twice", l.Get("Email"))
				}
				seen[l.Get("Email")] = true
			}
			if len(e.srv.All(agilirontest.Leads)) != 493 {
				t.Fatalf("fake holds %d leads, want 493", len(e.srv.All(agilirontest.Leads)))
			}
			st := e.srv.Stats()
			if st.Batches != 0 || st.StatusRequests != 0 || st.Callbacks != 0 || e.hook.Pending() != 0 {
				t.Fatalf("stats %+v: an add went through the asynchronous bulk flow", st)
			}
		})
	}
}

// TestLeadsCreateNewIDs: a request of one lead gets its new LeadId from the
// answer; a request of several is added whole, without claiming whose new
// id is whose.
func TestLeadsCreateNewIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false, agiliron.WithBatchSize(1))
	rep, err := e.c.Leads().Create(context.Background(), slices.Values(newLeads(2)))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range rep.Outcomes {
		got, ok := storedLead(e.srv, o.Result.ID)
		if !ok || got.Email != newLeads(2)[i].Email {
			t.Fatalf("outcome %d = %+v: not the stored lead", i, o)
		}
	}
	e = newEnv(t, false, agiliron.WithBatchSize(10))
	rep, err = e.c.Leads().Create(context.Background(), slices.Values(newLeads(3)))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 3, Failed: 0})
	if err != nil || rep.Outcomes[0].Result.ID != "" || len(e.srv.All(agilirontest.Leads)) != 3 {
		t.Fatalf("err %v, outcome 0 %+v, %d stored", err, rep.Outcomes[0], len(e.srv.All(agilirontest.Leads)))
	}
}

// TestLeadsCreateNeverResent: an Add Lead request that may have reached the
// server and got no usable answer leaves its leads ErrOutcomeUnknown and
// is not sent again; one refused before anything was written is.
func TestLeadsCreateNeverResent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		fault              fakekit.Fault
		timeout            time.Duration
		succeeded, unknown int
		requests, stored   int
	}{
		{"500 after the write", fakekit.Fault{Status: 500, AfterWrite: true}, 0, 10, 10, 2, 20},
		{"malformed answer", malformedAfterWrite, 0, 10, 10, 2, 20},
		{"timeout after the write", fakekit.Fault{Hang: true, AfterWrite: true}, 3 * time.Second, 10, 10, 2, 20},
		{"500 before the write", fakekit.Status(500), 0, 10, 10, 2, 10},
		{"429", fakekit.RateLimited(0), 0, 20, 0, 3, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []agiliron.Option{agiliron.WithBatchSize(10)}
			if tt.timeout > 0 {
				opts = append(opts, agiliron.WithHTTPClient(&http.Client{Timeout: tt.timeout}))
			}
			e := newEnv(t, false, opts...)
			e.srv.FailNext(1, tt.fault)
			rep, _ := e.c.Leads().Create(context.Background(), slices.Values(newLeads(20)))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: tt.succeeded, Failed: tt.unknown})
			for _, o := range rep.Outcomes {
				if o.Status == batch.Failed && (!errors.Is(o.Err, batch.ErrOutcomeUnknown) || o.Attempts != 1) {
					t.Fatalf("outcome %+v: want ErrOutcomeUnknown after one attempt", o)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := e.srv.Wait(ctx); err != nil {
				t.Fatal(err)
			}
			if st := e.srv.Stats(); st.Writes != tt.requests || len(e.srv.All(agilirontest.Leads)) != tt.stored {
				t.Fatalf("%d requests, %d stored; want %d, %d", st.Writes, len(e.srv.All(agilirontest.Leads)), tt.requests, tt.stored)
			}
		})
	}
}

// TestAccountsAddAndUpdate: accounts go through Bulk-Accounts as contacts
// do: adds are placed by Record number (and by AccountName without one),
// an update replaces the whole record, an unknown AccountID is rejected
// with the fake's message, and a blank AccountName is refused before
// sending.
func TestAccountsAddAndUpdate(t *testing.T) {
	t.Parallel()
	for _, omit := range []bool{false, true} {
		e := newEnv(t, true, agiliron.WithBatchSize(7), agiliron.WithFormat(agiliron.XML))
		e.srv.SetOmitRecordNumbers(omit)
		in := make([]agiliron.Account, 20)
		for i := range in {
			in[i] = agiliron.Account{AccountName: "Account " + string(rune('A'+i)), ParentCompany: "Self", Telephone: "555"}
		}
		in[4].AccountName = " "
		rep, _ := e.c.Accounts().Create(context.Background(), slices.Values(in))
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 20, Succeeded: 19, Failed: 1})
		if o := rep.Outcomes[4]; !errors.Is(o.Err, batch.ErrInvalid) || o.Attempts != 0 {
			t.Fatalf("outcome 4 = %+v, want ErrInvalid, not sent", o)
		}
		for i, o := range rep.Outcomes {
			if o.Status != batch.Succeeded {
				continue
			}
			got, ok := storedAccount(e.srv, o.Result.ID)
			if !ok || got.AccountName != in[i].AccountName || o.Result.Name != in[i].AccountName {
				t.Fatalf("omit=%v: account %d reported as %+v, stored %+v", omit, i, o.Result, got)
			}
			in[i].AccountID = o.Result.ID
		}
		up := append([]agiliron.Account(nil), in[:4]...)
		for i := range up {
			up[i].Telephone = "" // an update replaces the whole record
		}
		up[3].AccountID = "424242"
		urep, _ := e.c.Accounts().Update(context.Background(), slices.Values(up))
		testkit.CheckCounts(t, urep, testkit.Counts{Total: 4, Succeeded: 3, Failed: 1})
		if o := urep.Outcomes[3]; !rejected(o.Err) || o.Result.Message != agilirontest.MsgNoSuchAccount {
			t.Fatalf("outcome 3 = %+v", o)
		}
		for _, a := range up[:3] {
			if got, _ := storedAccount(e.srv, a.AccountID); got.Telephone != "" || e.srv.Writes(a.AccountID) != 2 {
				t.Fatalf("account %s stored as %+v after the update (%d writes)", a.AccountID, got, e.srv.Writes(a.AccountID))
			}
		}
	}
}

// TestContactsUpdateValidation: Contacts().Update refuses a contact without
// a numeric ContactId or a LastName before sending, and replaces the rest.
func TestContactsUpdateValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	in := newContacts(4)
	for i := range in {
		in[i].ContactID = putContact(e.srv, agiliron.Contact{LastName: "Old", HomePhone: "555"})
	}
	in[1].ContactID = "x1"
	in[2].LastName = ""
	rep, _ := e.c.Contacts().Update(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 4, Succeeded: 2, Failed: 2})
	for _, i := range []int{1, 2} {
		if o := rep.Outcomes[i]; !errors.Is(o.Err, batch.ErrInvalid) || o.Attempts != 0 {
			t.Fatalf("outcome %d = %+v", i, o)
		}
	}
	if got, _ := storedContact(e.srv, in[0].ContactID); got.HomePhone != "" || got.Email != in[0].Email {
		t.Fatalf("contact 0 stored as %+v", got)
	}
}
