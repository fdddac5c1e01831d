package pardot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// waits records the import path's waits and moves clock (when set) by
// each, so no test waits on the wall clock.
type waits struct {
	mu    sync.Mutex
	clock *fakekit.ManualClock
	got   []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.got = append(w.got, d)
	w.mu.Unlock()
	if w.clock != nil {
		w.clock.Advance(d)
	}
	return ctx.Err()
}

// newImportServer is a fake that knows the custom field people() sets.
func newImportServer(t *testing.T) *pardottest.Server {
	t.Helper()
	srv := pardottest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddCustomField("favorite_color")
	return srv
}

// newImportClient is newClient with OAuth and the waits recorded in w.
func newImportClient(t *testing.T, srv *pardottest.Server, w *waits, opts ...pardot.Option) *pardot.Client {
	t.Helper()
	return newClient(t, srv, append([]pardot.Option{oauth(), pardot.WithImportWaitForTest(w.wait)}, opts...)...)
}

// wantFailed asserts the outcome at index i failed with a *pardot.Error
// whose message is msg.
func wantFailed(t *testing.T, rep *batch.Report[pardot.Result], i int, msg string) {
	t.Helper()
	o, ok := rep.Outcome(i)
	if !ok || o.Status != batch.Failed {
		t.Errorf("record %d: outcome %+v, want failed", i, o)
		return
	}
	var e *pardot.Error
	if !errors.As(o.Err, &e) || e.Message != msg {
		t.Errorf("record %d: error %v, want message %q", i, o.Err, msg)
	}
}

func TestImportUpsertPlacesEachErrorRowOnItsRecord(t *testing.T) {
	srv := newImportServer(t)
	ps := people(60)
	ps[7].Company = strings.Repeat("x", 300) // refused by the server: too long
	srv.FailImportRow(ps[21].Email, "Prospect is on the do-not-import list")
	srv.FailImportRow(ps[59].Email, "Invalid campaign")
	ps[30].Email = "not an email"               // refused before sending
	ps[40].Email = strings.ToUpper(ps[3].Email) // a repeat within the call
	c := newImportClient(t, srv, &waits{})

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps))
	checkRun(t, rep, err, counts(60, 55, 5, 0))
	wantFailed(t, rep, 7, fmt.Sprintf(pardottest.MsgImportTooLong, "company"))
	wantFailed(t, rep, 21, "Prospect is on the do-not-import list")
	wantFailed(t, rep, 59, "Invalid campaign")
	if o, _ := rep.Outcome(30); !errors.Is(o.Err, batch.ErrInvalid) || !pardotLocal(o.Err) {
		t.Errorf("record 30: %v, want a local invalid error", o.Err)
	}
	if o, _ := rep.Outcome(40); !errors.Is(o.Err, batch.ErrDuplicate) {
		t.Errorf("record 40: %v, want a duplicate", o.Err)
	}
	if got := srv.Len(); got != 55 {
		t.Errorf("stored %d prospects, want 55", got)
	}
	stored := srv.ByEmail(ps[1].Email)
	if len(stored) != 1 || stored[0].Fields["first_name"] != "First 1" || stored[0].Fields["favorite_color"] != "blue" {
		t.Errorf("prospect 1 stored as %+v", stored)
	}
	// create (with the file), submit, status, errors file.
	if rep.Requests != 4 || srv.ImportStats().Requests != 4 {
		t.Errorf("requests: report %d, server %d; want 4", rep.Requests, srv.ImportStats().Requests)
	}
	if srv.Stats().Requests != 0 {
		t.Errorf("%d batch requests, want none", srv.Stats().Requests)
	}
}

func pardotLocal(err error) bool {
	var e *pardot.Error
	return errors.As(err, &e) && e.Local
}

func TestImportUpdateOfUnknownProspectFailsWithServerMessage(t *testing.T) {
	srv := newImportServer(t)
	known := srv.Add(pardottest.Prospect{Email: "known@example.com"})
	ps := []pardot.Prospect{{ID: known.ID, City: "Paris"}, {ID: 999999, City: "Rome"}}
	c := newImportClient(t, srv, &waits{})

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpdate, slices.Values(ps))
	checkRun(t, rep, err, counts(2, 1, 1, 0))
	wantFailed(t, rep, 1, pardottest.MsgImportNoMatch)
	if got, _ := srv.Get(known.ID); got.Fields["city"] != "Paris" || got.Email != "known@example.com" {
		t.Errorf("known prospect after the update: %+v", got)
	}
	if srv.Len() != 1 {
		t.Errorf("an update created a prospect: %d stored", srv.Len())
	}
}

func TestImportPollsAsTheStatesFollowTheClock(t *testing.T) {
	srv := newImportServer(t)
	clock := srv.UseManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	srv.SetImportTiming(10*time.Second, 3*time.Minute)
	w := &waits{clock: clock}
	c := newImportClient(t, srv, w)

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportCreate, slices.Values(people(5)))
	checkRun(t, rep, err, counts(5, 5, 0, 0))
	// Waiting then Processing until 3m10s: waits of 2, 4, 8, … seconds,
	// doubling up to a minute.
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, time.Minute, time.Minute, time.Minute}
	if !slices.Equal(w.got, want) {
		t.Errorf("waits %v, want %v", w.got, want)
	}
	if st := srv.ImportStats(); st.StatusReads != len(want) || rep.Requests != 2+len(want) {
		// create, submit, and one status read after each wait
		t.Errorf("status reads %d, requests %d; want %d and %d", st.StatusReads, rep.Requests, len(want), 2+len(want))
	}
}

func TestImportSplitsFilesAndImportsWithinTheLimits(t *testing.T) {
	srv := newImportServer(t)
	ps := people(400)
	c := newImportClient(t, srv, &waits{}, pardot.WithImportFileBytesForTest(2048))

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps))
	checkRun(t, rep, err, counts(400, 400, 0, 0))
	st := srv.ImportStats()
	if st.Imports < 2 || st.Batches <= pardottest.ImportMaxBatches || st.Rows != 400 {
		t.Errorf("stats %+v: want several imports of at most 10 files holding 400 rows", st)
	}
	// per import: create (first file), one request per further file,
	// submit and status read.
	if want := st.Batches + 2*st.Imports; rep.Requests != want {
		t.Errorf("requests %d, want %d", rep.Requests, want)
	}
	if srv.Len() != 400 {
		t.Errorf("stored %d, want 400", srv.Len())
	}
}

func TestImportNewHeaderStartsANewImport(t *testing.T) {
	srv := newImportServer(t)
	srv.AddCustomField("shoe_size")
	ps := people(4)
	ps[2].Fields = map[string]string{"shoe_size": "42"}
	c := newImportClient(t, srv, &waits{})

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps))
	checkRun(t, rep, err, counts(4, 4, 0, 0))
	if st := srv.ImportStats(); st.Imports != 3 {
		t.Errorf("%d imports, want 3 (the header changes twice)", st.Imports)
	}
	if got := srv.ByEmail(ps[2].Email); len(got) != 1 || got[0].Fields["shoe_size"] != "42" {
		t.Errorf("prospect 2 stored as %+v", got)
	}
}

func TestImportThresholdChoosesThePath(t *testing.T) {
	for _, tc := range []struct {
		n           int
		wantImports int
	}{{10, 0}, {11, 1}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			srv := newImportServer(t)
			c := newImportClient(t, srv, &waits{}, pardot.WithImportThreshold(10))
			rep, err := c.Prospects().Upsert(context.Background(), slices.Values(people(tc.n)))
			checkRun(t, rep, err, counts(tc.n, tc.n, 0, 0))
			if got := srv.ImportStats().Imports; got != tc.wantImports {
				t.Errorf("%d imports, want %d", got, tc.wantImports)
			}
			if srv.Len() != tc.n {
				t.Errorf("stored %d, want %d", srv.Len(), tc.n)
			}
		})
	}
}

func TestImportHonoursRetryAfterAndRetriesStatusReads(t *testing.T) {
	srv := newImportServer(t)
	srv.SetImportTiming(time.Second, 0)
	clock := srv.UseManualClock(time.Now())
	w := &waits{clock: clock}
	c := newImportClient(t, srv, w, withEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: time.Minute}}))
	srv.FailNext(1, pardottest.Fault{Status: 429, RetryAfter: 7 * time.Second}) // the create
	ps := people(3)

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps[:1]))
	checkRun(t, rep, err, counts(1, 1, 0, 0))
	if len(w.got) == 0 || w.got[0] != 7*time.Second {
		t.Errorf("waits %v, want the server's 7s first", w.got)
	}
	if rep.Retries != 1 {
		t.Errorf("retries %d, want 1", rep.Retries)
	}
}

func TestImportSubmittedButUnreadIsNeverSucceeded(t *testing.T) {
	srv := newImportServer(t)
	srv.SetImportTiming(time.Hour, 0)
	ctx, cancel := context.WithCancel(context.Background())
	c := newImportClient(t, srv, &waits{}, pardot.WithImportWaitForTest(func(context.Context, time.Duration) error {
		cancel()
		return context.Canceled
	}))

	rep, err := c.Prospects().Import(ctx, pardot.ImportCreate, slices.Values(people(4)))
	checkRun(t, rep, err, counts(4, 0, 4, 0))
	for _, o := range rep.Outcomes {
		if !errors.Is(o.Err, batch.ErrOutcomeUnknown) {
			t.Errorf("record %d: %v, want outcome unknown", o.Index, o.Err)
		}
	}
}

func TestImportRefusedBatchLeavesNothingWritten(t *testing.T) {
	srv := newImportServer(t)
	ps := people(30)
	c := newImportClient(t, srv, &waits{}, pardot.WithImportFileBytesForTest(2048))
	srv.FailNext(1, pardottest.Fault{}) // the create goes through
	srv.FailNext(1, pardottest.Fault{Status: 400, Code: "10000"})

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps))
	if err == nil || rep.NotAttempted == 0 || !rep.Balanced() {
		t.Fatalf("report %+v, err %v: want some not attempted", rep, err)
	}
	for _, o := range rep.Outcomes {
		if o.Status == batch.NotAttempted && len(srv.ByEmail(ps[o.Index].Email)) != 0 {
			t.Errorf("record %d not attempted but stored", o.Index)
		}
		if o.Status == batch.Succeeded && len(srv.ByEmail(ps[o.Index].Email)) != 1 {
			t.Errorf("record %d succeeded but not stored", o.Index)
		}
	}
}

func TestImportRenewsAnEndedSessionOnce(t *testing.T) {
	srv := newImportServer(t)
	app := connectedApp(srv)
	c := newClient(t, srv, pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID), pardot.WithImportWaitForTest((&waits{}).wait))
	if _, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(people(2))); err != nil {
		t.Fatal(err)
	}
	srv.ExpireSessions()
	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 3, 0, 0))
	if srv.Stats().TokensIssued != 2 {
		t.Errorf("%d tokens issued, want 2", srv.Stats().TokensIssued)
	}
}

func TestImportWithLegacyLoginAttemptsNothing(t *testing.T) {
	srv := newImportServer(t)
	c := newClient(t, srv, legacy())
	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 0, 0, 3))
	if !errors.Is(err, batch.ErrUnauthorized) || srv.ImportStats().Requests != 0 {
		t.Errorf("err %v, %d import requests; want unauthorized, none", err, srv.ImportStats().Requests)
	}
}

// pauseRecorder counts Waits and records PauseUntil calls.
type pauseRecorder struct {
	mu     sync.Mutex
	waits  int
	pauses []time.Time
}

func (l *pauseRecorder) Wait(context.Context) error {
	l.mu.Lock()
	l.waits++
	l.mu.Unlock()
	return nil
}

func (l *pauseRecorder) PauseUntil(t time.Time) {
	l.mu.Lock()
	l.pauses = append(l.pauses, t)
	l.mu.Unlock()
}

func TestImportWaitsOnTheLimiterAndTellsItOfServerWaits(t *testing.T) {
	srv := newImportServer(t)
	lim := &pauseRecorder{}
	c := newImportClient(t, srv, &waits{}, pardot.WithEngine(batch.Config{Limiter: lim}),
		withEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: time.Minute}}))
	srv.FailNext(1, pardottest.Fault{Status: 503, RetryAfter: 30 * time.Second})

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 3, 0, 0))
	if lim.waits != rep.Requests || len(lim.pauses) != 1 {
		t.Errorf("limiter: %d waits for %d requests, %d pauses; want one wait each and one pause", lim.waits, rep.Requests, len(lim.pauses))
	}
}

func TestImportCancelledWhileReadingWritesNothing(t *testing.T) {
	srv := newImportServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := newImportClient(t, srv, &waits{})
	input := func(yield func(pardot.Prospect) bool) {
		for i, p := range people(100) {
			if i == 5 {
				cancel()
			}
			if !yield(p) {
				return
			}
		}
	}
	rep, err := c.Prospects().Import(ctx, pardot.ImportUpsert, input)
	if !rep.InputIncomplete || !errors.Is(err, context.Canceled) || rep.NotAttempted != rep.Total || rep.Total > 6 {
		t.Errorf("report %+v, err %v: want the records read not attempted, the input incomplete", rep, err)
	}
	if srv.ImportStats().Requests != 0 || srv.Len() != 0 {
		t.Errorf("%d import requests, %d stored; want none", srv.ImportStats().Requests, srv.Len())
	}
}

func TestImportVersion4MatchesBySalesforceID(t *testing.T) {
	srv := newImportServer(t)
	known := srv.Add(pardottest.Prospect{Email: "sf@example.com", FID: "00Q000000000001"})
	ps := []pardot.Prospect{{FID: "00Q000000000001", JobTitle: "CTO"}, {FID: "00Q000000000002", Email: "new@example.com"}}
	c := newImportClient(t, srv, &waits{}, pardot.WithAPIVersion("4"))

	rep, err := c.Prospects().Import(context.Background(), pardot.ImportUpsert, slices.Values(ps))
	checkRun(t, rep, err, counts(2, 2, 0, 0))
	if got, _ := srv.Get(known.ID); got.Fields["job_title"] != "CTO" {
		t.Errorf("prospect matched by fid: %+v", got)
	}
	if got := srv.ByEmail("new@example.com"); len(got) != 1 || got[0].FID != "00Q000000000002" {
		t.Errorf("prospect created on no match: %+v", got)
	}
}

func TestImportOptionAndVerbChecks(t *testing.T) {
	if _, err := pardot.New(oauth(), pardot.WithImportThreshold(-1)); err == nil {
		t.Error("WithImportThreshold(-1) accepted")
	}
	srv := newImportServer(t)
	c := newImportClient(t, srv, &waits{})
	if _, err := c.Prospects().Import(context.Background(), pardot.ImportVerb(9), slices.Values(people(1))); err == nil {
		t.Error("an unknown ImportVerb accepted")
	}
	if srv.ImportStats().Requests != 0 {
		t.Error("a refused call sent a request")
	}
}
