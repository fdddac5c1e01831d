package hubspot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// importClient is a client for srv whose imports poll every millisecond.
func importClient(t testing.TB, srv *hubspottest.Server, ic ImportConfig, opts ...Option) *Client {
	t.Helper()
	if ic.PollInterval == 0 {
		ic.PollInterval = time.Millisecond
	}
	ic.TempDir = t.TempDir()
	return newClient(t, srv, append([]Option{WithImports(ic)}, opts...)...)
}

// people yields n contact upserts keyed by email; the emails of the
// indexes in bad have no '@', which HubSpot refuses (INVALID_EMAIL).
func people(n int, bad map[int]bool) iter.Seq[UpsertInput] {
	return func(yield func(UpsertInput) bool) {
		for i := range n {
			email := fmt.Sprintf("p%07d@example.com", i)
			if bad[i] {
				email = fmt.Sprintf("invalid-%d", i)
			}
			in := UpsertInput{IDProperty: "email", ID: email, Properties: Properties{"firstname": fmt.Sprintf("F%d", i), "lastname": "L"}}
			if !yield(in) {
				return
			}
		}
	}
}

// seeded returns every step-th index of n, from start.
func seeded(n, start, step int) map[int]bool {
	m := map[int]bool{}
	for i := start; i < n; i += step {
		m[i] = true
	}
	return m
}

// checkImportReport checks that every index in bad failed with HubSpot's
// INVALID_EMAIL message, that every other record succeeded, and that the
// counts balance.
func checkImportReport(t *testing.T, rep *batch.Report[Result], n int, bad map[int]bool) {
	t.Helper()
	if !rep.Balanced() || rep.Total != n || rep.Failed != len(bad) || rep.Succeeded != n-len(bad) {
		t.Fatalf("report: total %d succeeded %d failed %d not attempted %d; want %d, %d, %d, 0", rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, n, n-len(bad), len(bad))
	}
	for i := range bad {
		o, ok := rep.Outcome(i)
		if !ok || o.Status != batch.Failed {
			t.Fatalf("record %d: %+v, want failed", i, o)
		}
		var e *Error
		if !errors.As(o.Err, &e) || !errors.Is(o.Err, batch.ErrInvalid) || e.Code != "INVALID_EMAIL" {
			t.Fatalf("record %d: error %v, want INVALID_EMAIL matching batch.ErrInvalid", i, o.Err)
		}
		if want := fmt.Sprintf("Email address invalid-%d is invalid", i); e.Message != want {
			t.Fatalf("record %d: message %q, want %q", i, e.Message, want)
		}
		if want := fmt.Sprintf("email=invalid-%d", i); o.Key != want {
			t.Fatalf("record %d: key %q, want %q", i, o.Key, want)
		}
	}
}

func TestImportUpsertSplitsAndPlacesRowErrors(t *testing.T) {
	srv := newFake(t)
	const n = 2500
	bad := seeded(n, 3, 97)
	c := importClient(t, srv, ImportConfig{MaxRows: 1000})
	rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
	if err == nil || !errors.Is(err, batch.ErrInvalid) {
		t.Fatalf("err = %v, want the run error wrapping the invalid rows", err)
	}
	checkImportReport(t, rep, n, bad)
	imports := srv.Imports()
	if len(imports) != 3 {
		t.Fatalf("%d imports, want 3 (1000 rows per file)", len(imports))
	}
	for i, im := range imports {
		if im.Operation != "UPSERT" || im.ObjectType != "contacts" {
			t.Fatalf("import %d: %s %s", i, im.Operation, im.ObjectType)
		}
	}
	if got := srv.Count("contacts"); got != n-len(bad) {
		t.Fatalf("fake holds %d contacts, want %d", got, n-len(bad))
	}
	if o, ok := srv.Find("contacts", "email", "p0002499@example.com"); !ok || o.Properties["firstname"] != "F2499" {
		t.Fatalf("last contact: %+v %v", o, ok)
	}
	st := srv.Stats()
	if rep.Requests != st.Requests {
		t.Fatalf("report counts %d requests, the fake saw %d", rep.Requests, st.Requests)
	}
	// 3 uploads, at least one state read and one errors page each.
	if st.ByOp["import"] != 3 || st.ByOp["import-state"] < 3 || st.ByOp["import-errors"] < 3 {
		t.Fatalf("fake ops %v", st.ByOp)
	}
	for i := range n {
		if o, ok := rep.Outcome(i); !ok || o.Index != i || (!bad[i] && o.Status != batch.Succeeded) {
			t.Fatalf("outcome %d: %+v", i, o)
		}
	}
}

func TestImportRefusesBeforeSending(t *testing.T) {
	srv := newFake(t)
	c := importClient(t, srv, ImportConfig{})
	in := []UpsertInput{
		{IDProperty: "email", ID: "a@example.com", Properties: Properties{"firstname": "A"}},
		{IDProperty: "email", ID: "b@example.com", Properties: Properties{"firstname": "B\nC"}},      // line break
		{IDProperty: "email", ID: "c@example.com", Properties: Properties{"phone": "1"}},             // not a column
		{IDProperty: "crm_id", ID: "x", Properties: Properties{"firstname": "X"}},                    // another idProperty
		{ID: "d@example.com", Properties: Properties{"firstname": "D"}},                              // no idProperty
		{IDProperty: "email", ID: "e@example.com", Properties: Properties{"email": "f@example.com"}}, // id and property differ
		{IDProperty: "email", ID: "g@example.com", Properties: Properties{"firstname": "G"}},
	}
	rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), slices.Values(in))
	var got []batch.Status
	for _, o := range rep.Outcomes {
		got = append(got, o.Status)
		if o.Status == batch.Failed && !errors.Is(o.Err, batch.ErrInvalid) {
			t.Errorf("record %d: %v, want batch.ErrInvalid", o.Index, o.Err)
		}
	}
	want := []batch.Status{batch.Succeeded, batch.Failed, batch.Failed, batch.Failed, batch.Failed, batch.Failed, batch.Succeeded}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if ims := srv.Imports(); len(ims) != 1 || ims[0].Rows != 2 {
		t.Fatalf("imports %+v, want one of 2 rows", ims)
	}
	if _, err := c.Objects("p_cars").ImportUpsert(context.Background(), slices.Values(in[:1])); !errors.Is(err, batch.ErrInvalid) {
		t.Fatalf("object name without a type id: %v", err)
	}
}

func TestImportThresholdChoosesThePath(t *testing.T) {
	srv := newFake(t)
	c := importClient(t, srv, ImportConfig{Threshold: 10})
	rep, err := c.Objects("contacts").Upsert(context.Background(), people(9, nil))
	if err != nil || rep.Succeeded != 9 || srv.Stats().ByOp["import"] != 0 || srv.Stats().ByOp["upsert"] != 1 {
		t.Fatalf("below the threshold: %v %+v %v", err, rep, srv.Stats().ByOp)
	}
	rep, err = c.Objects("contacts").Upsert(context.Background(), people(10, nil))
	if err != nil || rep.Succeeded != 10 || srv.Stats().ByOp["import"] != 1 {
		t.Fatalf("at the threshold: %v %+v %v", err, rep, srv.Stats().ByOp)
	}
	if o, ok := rep.Outcome(9); !ok || o.Key != "email=p0000009@example.com" || o.Status != batch.Succeeded {
		t.Fatalf("outcome 9: %+v", o)
	}
	// Update by record id through the import path.
	var ids []UpdateInput
	for _, o := range srv.Objects("contacts")[:10] {
		ids = append(ids, UpdateInput{ID: o.ID, Properties: Properties{"lastname": "Updated"}})
	}
	ids = append(ids, UpdateInput{ID: "999999", Properties: Properties{"lastname": "Nobody"}})
	rep, _ = c.Objects("contacts").Update(context.Background(), slices.Values(ids))
	if rep.Succeeded != 10 || rep.Failed != 1 || srv.Stats().ByOp["import"] != 2 {
		t.Fatalf("update: %+v %v", rep, srv.Stats().ByOp)
	}
	if o, _ := rep.Outcome(10); !errors.Is(o.Err, batch.ErrNotFound) || o.Key != "999999" {
		t.Fatalf("missing id: %+v", o)
	}
	if o, _ := srv.Object("contacts", ids[0].ID); o.Properties["lastname"] != "Updated" {
		t.Fatalf("not updated: %+v", o)
	}
}

// clockStep is a limiter that moves the fake's clock on before every
// request, so the imports pass through their states in a known number of
// state reads, however fast the client polls.
type clockStep struct {
	clock *fakekit.ManualClock
	step  time.Duration
}

func (c clockStep) Wait(context.Context) error {
	c.clock.Advance(c.step)
	return nil
}

func TestImportPollsUntilDone(t *testing.T) {
	srv := newFake(t)
	clock := srv.UseManualClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	srv.SetImportSpeed(10) // 200 rows: 20 s on the fake's clock
	c := importClient(t, srv, ImportConfig{}, WithEngine(batch.Config{Limiter: clockStep{clock: clock, step: 5 * time.Second}}))
	bad := seeded(200, 150, 20)
	rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(200, bad))
	checkImportReport(t, rep, 200, bad)
	// Created at +5 s, final at +25 s: read at +10, +15, +20 and +25 s at least.
	if polls := srv.Stats().ByOp["import-state"]; polls < 4 {
		t.Fatalf("%d state reads, want at least 4 (STARTED or PROCESSING until 20 s have passed)", polls)
	}
}

func TestImportNeverConfirmedIsUnknown(t *testing.T) {
	for _, state := range []string{"FAILED", "CANCELED", "REVERTED"} {
		t.Run(state, func(t *testing.T) {
			srv := newFake(t)
			srv.SetImportFinalState(state)
			c := importClient(t, srv, ImportConfig{})
			bad := seeded(50, 7, 10)
			rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(50, bad))
			if rep.Succeeded != 0 || rep.Failed != 50 || !rep.Balanced() {
				t.Fatalf("report %+v", rep)
			}
			for _, o := range rep.Outcomes {
				want := batch.ErrOutcomeUnknown
				if bad[o.Index] {
					want = batch.ErrInvalid // its own error is known
				}
				if !errors.Is(o.Err, want) {
					t.Fatalf("record %d: %v, want %v", o.Index, o.Err, want)
				}
			}
		})
	}
}

func TestImportUploadFaults(t *testing.T) {
	t.Run("throttled upload is sent again", func(t *testing.T) {
		srv := newFake(t)
		srv.FailNext(1, hubspottest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Millisecond})
		c := importClient(t, srv, ImportConfig{})
		rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(20, nil))
		if err != nil || rep.Succeeded != 20 || rep.Retries != 1 || len(srv.Imports()) != 1 {
			t.Fatalf("%v %+v imports %d", err, rep, len(srv.Imports()))
		}
	})
	t.Run("upload answered 500 is unknown and not sent again", func(t *testing.T) {
		srv := newFake(t)
		srv.FailNext(1, hubspottest.Fault{Status: http.StatusInternalServerError, AfterWrite: true})
		c := importClient(t, srv, ImportConfig{})
		rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(20, nil))
		if rep.Failed != 20 || rep.Requests != 1 || len(srv.Imports()) != 1 {
			t.Fatalf("%+v imports %d", rep, len(srv.Imports()))
		}
		if o, _ := rep.Outcome(0); !errors.Is(o.Err, batch.ErrOutcomeUnknown) {
			t.Fatalf("%v", o.Err)
		}
	})
	t.Run("state read 503 is read again", func(t *testing.T) {
		srv := newFake(t)
		c := importClient(t, srv, ImportConfig{}, WithEngine(batch.Config{Limiter: &faultAt{srv: srv, at: 2, n: 1}}))
		rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(20, nil))
		if err != nil || rep.Succeeded != 20 || rep.Retries != 1 {
			t.Fatalf("%v %+v", err, rep)
		}
	})
	t.Run("state never read is unknown", func(t *testing.T) {
		srv := newFake(t)
		c := importClient(t, srv, ImportConfig{}, WithEngine(batch.Config{Limiter: &faultAt{srv: srv, at: 2, n: 2}}),
			WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}}))
		rep, _ := c.Objects("contacts").ImportUpsert(context.Background(), people(20, nil))
		if rep.Succeeded != 0 || rep.Failed != 20 {
			t.Fatalf("%+v", rep)
		}
		if o, _ := rep.Outcome(3); !errors.Is(o.Err, batch.ErrOutcomeUnknown) || !strings.Contains(o.Err.Error(), "state could not be read") {
			t.Fatalf("%v", o.Err)
		}
	})
}

// faultAt is a limiter that queues n 503s on the fake before the at-th
// request (the first state read is the second request of one import).
type faultAt struct {
	srv   *hubspottest.Server
	at, n int
	calls int
}

func (f *faultAt) Wait(context.Context) error {
	f.calls++
	if f.calls == f.at {
		f.srv.FailNext(f.n, hubspottest.Fault{Status: http.StatusServiceUnavailable})
	}
	return nil
}

func TestImportsOptionRefusesOutOfLimits(t *testing.T) {
	for _, ic := range []ImportConfig{{Threshold: -1}, {MaxRows: MaxImportRows + 1}, {MaxFileBytes: MaxImportFileBytes + 1}, {PollInterval: -1}} {
		if _, err := New(WithToken("t"), WithImports(ic)); err == nil {
			t.Errorf("%+v accepted", ic)
		}
	}
}

// cancelAt is a limiter that cancels the call's context before its at-th
// request.
type cancelAt struct {
	cancel context.CancelFunc
	at     int
	calls  int
}

func (c *cancelAt) Wait(ctx context.Context) error {
	c.calls++
	if c.calls == c.at {
		c.cancel()
	}
	return ctx.Err()
}

func TestImportStopped(t *testing.T) {
	t.Run("context ended while polling: unknown", func(t *testing.T) {
		srv := newFake(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := importClient(t, srv, ImportConfig{}, WithEngine(batch.Config{Limiter: &cancelAt{cancel: cancel, at: 2}}))
		rep, err := c.Objects("contacts").ImportUpsert(ctx, people(30, nil))
		if rep.Succeeded != 0 || rep.Failed != 30 || !rep.Balanced() || !errors.Is(err, batch.ErrOutcomeUnknown) {
			t.Fatalf("%+v %v", rep, err)
		}
		if o, _ := rep.Outcome(29); !errors.Is(o.Err, context.Canceled) {
			t.Fatalf("%v", o.Err)
		}
	})
	t.Run("daily limit on the upload: nothing succeeds", func(t *testing.T) {
		srv := newFake(t)
		srv.FailNext(1, hubspottest.DailyLimit())
		c := importClient(t, srv, ImportConfig{})
		rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(30, nil))
		if rep.Succeeded != 0 || rep.Failed != 30 || rep.InputIncomplete || !errors.Is(err, batch.ErrQuotaExceeded) || len(srv.Imports()) != 0 {
			t.Fatalf("%+v %v", rep, err)
		}
	})
	t.Run("more files than imports a day: refused", func(t *testing.T) {
		srv := newFake(t)
		c := importClient(t, srv, ImportConfig{MaxRows: 1})
		rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(MaxImportsPerDay+3, nil))
		if rep.Succeeded != MaxImportsPerDay || rep.Failed != 1 || !rep.InputIncomplete || !errors.Is(err, batch.ErrQuotaExceeded) || len(srv.Imports()) != MaxImportsPerDay {
			t.Fatalf("succeeded %d, imports %d, %v", rep.Succeeded, len(srv.Imports()), err)
		}
		var re *batch.RunError
		if !errors.As(err, &re) || re.Cause == nil || !strings.Contains(re.Cause.Error(), "more than 500 imports") {
			t.Fatalf("run error cause: %v", err)
		}
	})
}
