package pardot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

// fastRetry keeps test retries in milliseconds.
var fastRetry = batch.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}

func newClient(t *testing.T, srv *pardottest.Server, opts ...pardot.Option) *pardot.Client {
	t.Helper()
	base := []pardot.Option{
		pardot.WithBaseURL(srv.URL),
		pardot.WithRetryPolicy(fastRetry),
		pardot.WithTransportRetries(2, time.Millisecond, 5*time.Millisecond),
	}
	c, err := pardot.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func legacy() pardot.Option {
	return pardot.WithLegacyLogin(pardottest.Email, pardottest.Password, pardottest.UserKey)
}

func oauth() pardot.Option {
	return pardot.WithToken(pardottest.AccessToken, pardottest.BusinessUnitID)
}

// people returns n prospects with distinct emails.
func people(n int) []pardot.Prospect {
	ps := make([]pardot.Prospect, n)
	for i := range ps {
		ps[i] = pardot.Prospect{
			Email: fmt.Sprintf("p%04d@example.com", i), FirstName: "First " + strconv.Itoa(i),
			LastName: "Last", Fields: map[string]string{"favorite_color": "blue"},
		}
	}
	return ps
}

// checkReport asserts the accounting invariant and the exact counts.
func checkReport(t *testing.T, rep *batch.Report[pardot.Result], err error, total, succeeded, failed, notAttempted int) {
	t.Helper()
	if rep == nil {
		t.Fatal("nil report")
	}
	if !rep.Balanced() {
		t.Errorf("report not balanced: %d+%d+%d != %d", rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Total)
	}
	got := [4]int{rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted}
	want := [4]int{total, succeeded, failed, notAttempted}
	if got != want {
		t.Errorf("total/succeeded/failed/not attempted = %v, want %v (err %v)", got, want, err)
	}
	if (err == nil) != (failed+notAttempted == 0) {
		t.Errorf("err = %v with %d failed, %d not attempted", err, failed, notAttempted)
	}
}

// checkLandedOnce asserts every succeeded create landed exactly once.
func checkLandedOnce(t *testing.T, srv *pardottest.Server, rep *batch.Report[pardot.Result], ps []pardot.Prospect) {
	t.Helper()
	for _, o := range rep.Outcomes {
		got := srv.ByEmail(ps[o.Index].Email)
		switch o.Status {
		case batch.Succeeded:
			if len(got) != 1 || got[0].Writes != 1 {
				t.Errorf("record %d (%s): %d stored copies (writes %v), want exactly one written once", o.Index, ps[o.Index].Email, len(got), writes(got))
			}
		case batch.NotAttempted:
			if len(got) != 0 {
				t.Errorf("record %d not attempted but stored", o.Index)
			}
		}
	}
}

func writes(ps []pardottest.Prospect) []int {
	var w []int
	for _, p := range ps {
		w = append(w, p.Writes)
	}
	return w
}

func TestCreateChunksOf50(t *testing.T) {
	for _, tc := range []struct {
		version  int
		req, rsp pardot.Format
		auth     pardot.Option
	}{
		{3, pardot.JSON, pardot.JSON, legacy()},
		{3, pardot.XML, pardot.XML, oauth()},
		{4, pardot.JSON, pardot.XML, oauth()},
		{4, pardot.XML, pardot.JSON, legacy()},
	} {
		t.Run(fmt.Sprintf("v%d/%v-%v", tc.version, tc.req, tc.rsp), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, tc.auth, pardot.WithVersion(tc.version),
				pardot.WithRequestFormat(tc.req), pardot.WithResponseFormat(tc.rsp))
			ps := people(120)
			ps[7].Company = `Ampersand & <Sons> "Ltd"`
			rep, err := c.BatchCreate(context.Background(), ps)
			checkReport(t, rep, err, 120, 120, 0, 0)
			if rep.Requests != 3 || srv.Stats().Requests != 3 {
				t.Errorf("requests: client %d, server %d, want 3", rep.Requests, srv.Stats().Requests)
			}
			if srv.Len() != 120 {
				t.Errorf("stored %d prospects, want 120", srv.Len())
			}
			checkLandedOnce(t, srv, rep, ps)
			got := srv.ByEmail(ps[7].Email)[0]
			want := map[string]string{"first_name": "First 7", "last_name": "Last", "company": `Ampersand & <Sons> "Ltd"`, "favorite_color": "blue"}
			if d := cmp.Diff(want, got.Fields); d != "" {
				t.Errorf("stored fields (-want +got):\n%s", d)
			}
		})
	}
}

func TestUpdateAndUpsertBothVersions(t *testing.T) {
	yes := true
	for _, tc := range []struct {
		version int
		format  pardot.Format
	}{{3, pardot.JSON}, {3, pardot.XML}, {4, pardot.JSON}, {4, pardot.XML}} {
		t.Run(fmt.Sprintf("v%d/%v", tc.version, tc.format), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			a := srv.Add(pardottest.Prospect{Email: "a@example.com", FID: "00Q000000000001AAA", Fields: map[string]string{"first_name": "A"}})
			b := srv.Add(pardottest.Prospect{Email: "b@example.com", Fields: map[string]string{"first_name": "B"}})
			c := newClient(t, srv, legacy(), pardot.WithVersion(tc.version),
				pardot.WithRequestFormat(tc.format), pardot.WithResponseFormat(tc.format))

			upd := []pardot.Prospect{
				{ID: a.ID, JobTitle: "Engineer", IsDoNotCall: &yes},
				{ID: 999999, JobTitle: "Ghost"}, // no such prospect: code 3
			}
			if tc.version == 3 {
				upd = append(upd, pardot.Prospect{Email: "B@example.com", JobTitle: "Boss"})
			} else {
				upd = append(upd, pardot.Prospect{FID: "00Q000000000001AAA", Department: "R&D"})
			}
			rep, err := c.BatchUpdate(context.Background(), upd)
			checkReport(t, rep, err, 3, 2, 1, 0)
			var pe *pardot.Error
			if o, _ := rep.Outcome(1); !errors.As(o.Err, &pe) || pe.Code != pardot.CodeInvalidProspectID || !errors.Is(o.Err, pardot.ErrNotFound) {
				t.Errorf("record 1: err %v, want code 3 (not found)", o.Err)
			}
			gotA, _ := srv.Get(a.ID)
			if gotA.Fields["job_title"] != "Engineer" || gotA.Fields["is_do_not_call"] != "true" {
				t.Errorf("a not updated: %v", gotA.Fields)
			}
			if tc.version == 3 {
				if gotB, _ := srv.Get(b.ID); gotB.Fields["job_title"] != "Boss" {
					t.Errorf("b not updated by email: %v", gotB.Fields)
				}
			} else if gotA.Fields["department"] != "R&D" {
				t.Errorf("a not updated by fid: %v", gotA.Fields)
			}

			ups := []pardot.Prospect{{ID: b.ID, City: "Paris"}}
			if tc.version == 3 {
				ups = append(ups, pardot.Prospect{Email: "new@example.com", City: "Rome"})
			} else {
				ups = append(ups, pardot.Prospect{FID: "00Q000000000002AAA", Email: "new@example.com", City: "Rome"})
			}
			rep, err = c.BatchUpsert(context.Background(), ups)
			checkReport(t, rep, err, 2, 2, 0, 0)
			if gotB, _ := srv.Get(b.ID); gotB.Fields["city"] != "Paris" {
				t.Errorf("b not upserted: %v", gotB.Fields)
			}
			if n := srv.ByEmail("new@example.com"); len(n) != 1 || n[0].Fields["city"] != "Rome" || n[0].Writes != 1 {
				t.Errorf("upsert did not create new@example.com once: %+v", n)
			}
		})
	}
}

func TestPerProspectErrorsBothFormats(t *testing.T) {
	for _, tc := range []struct {
		version int
		format  pardot.Format
	}{{3, pardot.JSON}, {3, pardot.XML}, {4, pardot.JSON}, {4, pardot.XML}} {
		t.Run(fmt.Sprintf("v%d/%v", tc.version, tc.format), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.Add(pardottest.Prospect{Email: "taken@example.com"})
			srv.FailProspect("archived@example.com", pardot.CodeProspectArchived, 1)
			c := newClient(t, srv, oauth(), pardot.WithVersion(tc.version),
				pardot.WithRequestFormat(tc.format), pardot.WithResponseFormat(tc.format))
			ps := people(5)
			ps[1].Email = "taken@example.com"
			ps[3].Email = "archived@example.com"
			if tc.version == 4 {
				ps[1].Email = "x@example.com"
				srv.FailProspect("x@example.com", pardot.CodeEmailExists, 1)
			}
			rep, err := c.BatchCreate(context.Background(), ps)
			checkReport(t, rep, err, 5, 3, 2, 0)
			type got struct {
				Index int
				Code  int
				Key   string
			}
			var gots []got
			for _, o := range rep.Outcomes {
				var pe *pardot.Error
				if errors.As(o.Err, &pe) {
					gots = append(gots, got{o.Index, pe.Code, pe.Key})
				}
			}
			want := []got{{1, 9, ps[1].Email}, {3, 132, ps[3].Email}}
			if tc.version == 4 {
				want = []got{{1, 9, "1"}, {3, 132, "3"}}
			}
			if d := cmp.Diff(want, gots); d != "" {
				t.Errorf("per-prospect errors (-want +got):\n%s", d)
			}
			if !errors.Is(err, pardot.ErrDuplicate) {
				t.Errorf("run error %v does not match ErrDuplicate", err)
			}
		})
	}
}

func TestConcurrencyStormLandsOnce(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)
	srv.FailNext(12, pardottest.Slow(15*time.Millisecond))
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(5),
		pardot.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}))
	ps := people(1000)
	rep, err := c.BatchCreate(context.Background(), ps)
	checkReport(t, rep, err, 1000, 1000, 0, 0)
	st := srv.Stats()
	if st.Rejected == 0 {
		t.Errorf("no request got code 66; the storm did not happen (max in flight %d)", st.MaxInFlight)
	}
	if rep.Retries < st.Rejected {
		t.Errorf("client retried %d times, server rejected %d", rep.Retries, st.Rejected)
	}
	if srv.Len() != 1000 || st.BatchProspects != 1000 {
		t.Errorf("stored %d, applied %d, want 1000", srv.Len(), st.BatchProspects)
	}
	checkLandedOnce(t, srv, rep, ps)
}

func TestExpiredKeyMidRunReLogsInOnce(t *testing.T) {
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprintf("concurrency %d", workers), func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			var once atomic.Bool
			c := newClient(t, srv, legacy(), pardot.WithConcurrency(workers),
				pardot.WithProgress(func(p batch.Progress) {
					if p.Done >= 50 && once.CompareAndSwap(false, true) {
						srv.ExpireAPIKeys()
					}
				}))
			ps := people(400)
			rep, err := c.BatchCreate(context.Background(), ps)
			checkReport(t, rep, err, 400, 400, 0, 0)
			if st := srv.Stats(); st.Logins != 2 {
				t.Errorf("logins = %d, want 2 (initial and one shared after expiry)", st.Logins)
			}
			if rep.Requests != 8 || rep.Retries != 0 {
				t.Errorf("engine requests = %d, retries %d; want 8 and 0 (the replay happens inside one send)", rep.Requests, rep.Retries)
			}
			if got := srv.Stats().Requests; workers == 1 && got != 9 {
				t.Errorf("server saw %d batch requests, want 9 (8 + one replay)", got)
			}
			if srv.Len() != 400 {
				t.Errorf("stored %d", srv.Len())
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestInvalidKeyTwiceStopsRun: code 1 earns exactly one fresh login and
// one replay (legacy) and none with OAuth, whose token source refreshes
// itself; a code 1 that stands then stops the run.
func TestInvalidKeyTwiceStopsRun(t *testing.T) {
	for _, tc := range []struct {
		name         string
		auth         pardot.Option
		logins, reqs int
	}{
		{"legacy: one re-login, one replay", legacy(), 2, 2},
		{"oauth: no replay", oauth(), 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.FailNext(3, pardottest.ErrorCode(pardot.CodeInvalidAPIKey))
			c := newClient(t, srv, tc.auth, pardot.WithConcurrency(1))
			rep, err := c.BatchCreate(context.Background(), people(120))
			checkReport(t, rep, err, 120, 0, 0, 120)
			var pe *pardot.Error
			if !errors.Is(err, pardot.ErrAuth) || !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAPIKey {
				t.Errorf("err %v: want code 1 matching ErrAuth", err)
			}
			if st := srv.Stats(); st.Logins != tc.logins || st.Requests != tc.reqs {
				t.Errorf("logins %d, batch requests %d; want %d and %d", st.Logins, st.Requests, tc.logins, tc.reqs)
			}
			if rep.Requests != 1 || rep.Retries != 0 {
				t.Errorf("engine requests %d, retries %d; want 1 and 0 (the replay is inside one send)", rep.Requests, rep.Retries)
			}
			if srv.Len() != 0 {
				t.Errorf("stored %d", srv.Len())
			}
		})
	}
}

func TestRunStoppers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(*pardottest.Server)
		version int
		code    int
		ok      int
		class   error
	}{
		{"daily limit", func(s *pardottest.Server) { s.SetDailyLimit(2) }, 3, pardot.CodeDailyLimit, 100, pardot.ErrRateLimited},
		{"must use v4", func(s *pardottest.Server) { s.SetVersion(4) }, 3, pardot.CodeMustUseVersion4, 0, pardot.ErrConfig},
		{"cannot use v4", func(s *pardottest.Server) { s.SetVersion(3) }, 4, pardot.CodeCannotUseVersion4, 0, pardot.ErrConfig},
		{"v3 shape refused", func(s *pardottest.Server) { s.FailNext(1, pardottest.ErrorCode(pardot.CodeNotKeyedByEmail)) }, 3, pardot.CodeNotKeyedByEmail, 0, pardot.ErrConfig},
		{"v4 shape refused", func(s *pardottest.Server) { s.FailNext(1, pardottest.ErrorCode(pardot.CodeNotFlatArray)) }, 4, pardot.CodeNotFlatArray, 0, pardot.ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			tc.setup(srv)
			c := newClient(t, srv, oauth(), pardot.WithConcurrency(1), pardot.WithVersion(tc.version))
			ps := people(200)
			rep, err := c.BatchCreate(context.Background(), ps)
			checkReport(t, rep, err, 200, tc.ok, 0, 200-tc.ok)
			// One request per batch that landed, one refused, none after.
			if got, want := srv.Stats().Requests, tc.ok/50+1; got != want || rep.Requests != want {
				t.Errorf("requests: server %d, client %d; want %d (nothing sent after the stop)", got, rep.Requests, want)
			}
			var pe *pardot.Error
			if !errors.As(err, &pe) || pe.Code != tc.code || !errors.Is(err, tc.class) {
				t.Errorf("err %v: want code %d matching %v", err, tc.code, tc.class)
			}
			if srv.Len() != tc.ok {
				t.Errorf("stored %d, want %d", srv.Len(), tc.ok)
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      pardottest.Fault
		update     bool // BatchUpsert of existing records instead of BatchCreate
		ok, failed int
		unknown    bool
	}{
		{"500 on upsert is retried", pardottest.HTTPStatus(500), true, 10, 0, false},
		{"500 on create is not resent", pardottest.HTTPStatus(500), false, 0, 10, true},
		{"503 on create is retried", pardottest.HTTPStatus(503), false, 10, 0, false},
		{"drop on create is unknown", pardottest.Drop(), false, 0, 10, true},
		{"drop after apply on upsert is retried", pardottest.DropAfterApply(), true, 10, 0, false},
		{"drop after apply on create is unknown", pardottest.DropAfterApply(), false, 0, 10, true},
		{"malformed on create is unknown", pardottest.Malformed(), false, 0, 10, true},
		{"malformed on upsert is retried", pardottest.Malformed(), true, 10, 0, false},
		{"conflicting update is retried", pardottest.ErrorCode(pardot.CodeConflictingUpdate), false, 10, 0, false},
		{"concurrency code is retried", pardottest.ErrorCode(pardot.CodeConcurrencyLimit), false, 10, 0, false},
		{"batch too large is split", pardottest.ErrorCode(pardot.CodeBatchTooLarge), false, 10, 0, false},
		{"slow", pardottest.Slow(20 * time.Millisecond), false, 10, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			ps := people(10)
			if tc.update {
				for _, p := range ps {
					srv.Add(pardottest.Prospect{Email: p.Email})
				}
			}
			srv.FailNext(1, tc.fault)
			c := newClient(t, srv, legacy(), pardot.WithTransportRetries(-1, 0, 0))
			op := c.BatchCreate
			if tc.update {
				op = c.BatchUpsert
			}
			rep, err := op(context.Background(), ps)
			checkReport(t, rep, err, 10, tc.ok, tc.failed, 0)
			if got := errors.Is(err, httpx.ErrOutcomeUnknown); got != tc.unknown {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v (err %v)", got, tc.unknown, err)
			}
			if tc.unknown && srv.Stats().Requests != 1 {
				t.Errorf("a create with unknown outcome was resent: %d requests", srv.Stats().Requests)
			}
			if !tc.update {
				checkLandedOnce(t, srv, rep, ps)
			}
			want := tc.ok // creates that landed
			if tc.update || tc.fault == pardottest.DropAfterApply() {
				want = 10 // existing records, or applied before the connection dropped
			}
			if srv.Len() != want {
				t.Errorf("stored %d prospects, want exactly %d", srv.Len(), want)
			}
		})
	}
}

// TestUnableToSaveIsResentOnce: a per-prospect 85 is resent once, then
// the prospect fails with it.
func TestUnableToSaveIsResentOnce(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(10)
	srv.FailProspect(ps[2].Email, pardot.CodeUnableToSave, 5)
	c := newClient(t, srv, oauth())
	rep, err := c.BatchCreate(context.Background(), ps)
	checkReport(t, rep, err, 10, 9, 1, 0)
	var pe *pardot.Error
	if o, _ := rep.Outcome(2); o.Attempts != 2 || !errors.As(o.Err, &pe) || pe.Code != pardot.CodeUnableToSave {
		t.Errorf("record 2: %d attempts, %v; want 2 attempts ending in code 85", o.Attempts, o.Err)
	}
	checkLandedOnce(t, srv, rep, ps)
}

func TestPerRecordRetryableResendsOnlyThatRecord(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(30)
	srv.FailProspect(ps[4].Email, pardot.CodeConflictingUpdate, 2)
	c := newClient(t, srv, legacy(), pardot.WithVersion(4), pardot.WithRequestFormat(pardot.XML), pardot.WithResponseFormat(pardot.XML))
	rep, err := c.BatchCreate(context.Background(), ps)
	checkReport(t, rep, err, 30, 30, 0, 0)
	if st := srv.Stats(); st.Requests != 3 || st.BatchProspects != 32 {
		t.Errorf("requests %d, prospects sent %d; want 3 and 32", st.Requests, st.BatchProspects)
	}
	if o, _ := rep.Outcome(4); o.Attempts != 3 {
		t.Errorf("record 4 attempts = %d, want 3", o.Attempts)
	}
	checkLandedOnce(t, srv, rep, ps)
}

func TestValidationBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int
		op      string
		in      []pardot.Prospect
		failed  []int
		dup     []int
	}{
		{"create needs email", 3, "create", []pardot.Prospect{{Email: "a@example.com"}, {FirstName: "x"}, {Email: "bad@"}, {Email: "b@example.com", ID: 4}}, []int{1, 2, 3}, nil},
		{"create emails unique in input", 4, "create", []pardot.Prospect{{Email: "a@example.com"}, {Email: "A@Example.com"}, {Email: "b@example.com"}, {Email: "a@example.com"}}, []int{1, 3}, []int{1, 3}},
		{"v4 update refuses email only", 4, "update", []pardot.Prospect{{Email: "a@example.com"}, {ID: 1001}}, []int{0}, nil},
		{"v3 refuses fid", 3, "upsert", []pardot.Prospect{{FID: "00Q000000000001AAA"}, {Email: "a@example.com"}}, []int{0}, nil},
		{"bad custom field", 3, "upsert", []pardot.Prospect{{Email: "a@example.com", Fields: map[string]string{"bad name": "x"}}, {Email: "b@example.com", Fields: map[string]string{"email": "x"}}}, []int{0, 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.Add(pardottest.Prospect{ID: 1001, Email: "z@example.com"})
			c := newClient(t, srv, oauth(), pardot.WithVersion(tc.version))
			var rep *batch.Report[pardot.Result]
			var err error
			switch tc.op {
			case "create":
				rep, err = c.BatchCreate(context.Background(), tc.in)
			case "update":
				rep, err = c.BatchUpdate(context.Background(), tc.in)
			default:
				rep, err = c.BatchUpsert(context.Background(), tc.in)
			}
			checkReport(t, rep, err, len(tc.in), len(tc.in)-len(tc.failed), len(tc.failed), 0)
			var failed, dup []int
			for _, o := range rep.Outcomes {
				if o.Status == batch.Failed {
					failed = append(failed, o.Index)
					if errors.Is(o.Err, pardot.ErrDuplicateIdentifier) {
						dup = append(dup, o.Index)
					} else if !errors.Is(o.Err, pardot.ErrInvalidProspect) {
						t.Errorf("record %d: %v is not ErrInvalidProspect", o.Index, o.Err)
					}
				}
			}
			if d := cmp.Diff(tc.failed, failed); d != "" {
				t.Errorf("failed records (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.dup, dup); d != "" {
				t.Errorf("duplicates (-want +got):\n%s", d)
			}
			if want := len(tc.in) - len(tc.failed); srv.Stats().BatchProspects != want {
				t.Errorf("server got %d prospects, want %d", srv.Stats().BatchProspects, want)
			}
		})
	}
}

func TestDuplicateIdentifierGoesToLaterRequest(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	a := srv.Add(pardottest.Prospect{Email: "a@example.com"})
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(1))
	in := []pardot.Prospect{
		{ID: a.ID, FirstName: "one"},
		{Email: "b@example.com", FirstName: "b"},
		{ID: a.ID, LastName: "two"},
		{Email: "B@EXAMPLE.COM", City: "Oslo"},
	}
	rep, err := c.BatchUpsert(context.Background(), in)
	checkReport(t, rep, err, 4, 4, 0, 0)
	if rep.Requests != 2 {
		t.Errorf("requests = %d, want 2 (duplicates split)", rep.Requests)
	}
	got, _ := srv.Get(a.ID)
	if got.Writes != 2 || got.Fields["first_name"] != "one" || got.Fields["last_name"] != "two" {
		t.Errorf("a = %+v; want both updates applied", got)
	}
	if b := srv.ByEmail("b@example.com"); len(b) != 1 || b[0].Fields["city"] != "Oslo" || b[0].Writes != 2 {
		t.Errorf("b = %+v", b)
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A wrong password: login fails and stops the run.
	c := newClient(t, srv, pardot.WithLegacyLogin(pardottest.Email, "s3cret-Passw0rd", pardottest.UserKey), pardot.WithLogger(logger))
	rep, err := c.BatchCreate(context.Background(), people(3))
	checkReport(t, rep, err, 3, 0, 0, 3)
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeLoginFailed {
		t.Errorf("err = %v, want code 15", err)
	}
	// A good login whose key then fails twice, with logging.
	c = newClient(t, srv, legacy(), pardot.WithLogger(logger))
	if _, err := c.BatchCreate(context.Background(), people(1)); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(2, pardottest.ErrorCode(pardot.CodeInvalidAPIKey))
	srv.ExpireAPIKeys()
	_, err2 := c.BatchCreate(context.Background(), people(2))
	// An OAuth client through a refused request and a server error.
	srv.FailNext(1, pardottest.ErrorCode(pardot.CodeInvalidAPIKey))
	_, err3 := newClient(t, srv, oauth(), pardot.WithLogger(logger)).BatchCreate(context.Background(), people(2))
	srv.FailNext(1, pardottest.HTTPStatus(500))
	_, err4 := newClient(t, srv, oauth(), pardot.WithLogger(logger)).BatchUpsert(context.Background(), people(2))
	if err3 == nil || err4 != nil {
		t.Errorf("OAuth runs: %v, %v; want a code 1 failure, then a retried success", err3, err4)
	}
	text := logs.String() + fmt.Sprint(err) + fmt.Sprint(err2) + fmt.Sprint(err3) + fmt.Sprintf("%+v %#v", pe, pe)
	for _, secret := range []string{"s3cret-Passw0rd", pardottest.Password, pardottest.UserKey, pardottest.AccessToken} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %q leaked:\n%s", secret, text)
		}
	}
	if k := regexp.MustCompile(`[0-9a-f]{32}`).FindString(text); k != "" {
		t.Errorf("an api key (%s) leaked:\n%s", k, text)
	}
	if !strings.Contains(logs.String(), "httpx: response") {
		t.Errorf("logger saw no request lines; the test proves nothing:\n%s", logs.String())
	}
}

func TestOAuthHeadersChecked(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, pardot.WithToken(pardottest.AccessToken, "0Uv000000000009ZZZ"))
	rep, err := c.BatchCreate(context.Background(), people(3))
	checkReport(t, rep, err, 3, 0, 0, 3)
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAuthMechanism {
		t.Errorf("err %v, want code 126 for a wrong business unit", err)
	}
}

func TestSeqAndKeepFailures(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	var hooked atomic.Int64
	lim := &countingLimiter{}
	c := newClient(t, srv, oauth(), pardot.WithKeep(batch.KeepFailures), pardot.WithBatchSize(7), pardot.WithLimiter(lim),
		pardot.WithOutcomeHook(func(int, string, batch.Status, error) { hooked.Add(1) }))
	ps := people(100)
	ps[50].Email = "broken"
	rep, err := c.BatchCreateSeq(context.Background(), slices.Values(ps))
	checkReport(t, rep, err, 100, 99, 1, 0)
	if len(rep.Outcomes) != 1 || rep.Outcomes[0].Index != 50 {
		t.Errorf("kept outcomes %+v, want only record 50", rep.Outcomes)
	}
	if hooked.Load() != 100 || rep.Requests != 15 {
		t.Errorf("hook calls %d (want 100), requests %d (want 15)", hooked.Load(), rep.Requests)
	}
	if srv.Len() != 99 {
		t.Errorf("stored %d", srv.Len())
	}
	if lim.n.Load() != int64(rep.Requests) {
		t.Errorf("limiter waited %d times for %d requests", lim.n.Load(), rep.Requests)
	}
}

type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

func TestCancelledContext(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, oauth())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := c.BatchUpsertSeq(ctx, slices.Values(people(60)))
	checkReport(t, rep, err, 60, 0, 0, 60)
	if !errors.Is(err, context.Canceled) || srv.Len() != 0 {
		t.Errorf("err %v, stored %d", err, srv.Len())
	}
}

// TestWholeRequestRefusalIsIsolated: Pardot refuses a whole request for
// one prospect's content (71, 72, 10000) or for its size (70) before
// writing anything; the request is split in halves until only the
// prospects at fault fail, and every other prospect lands exactly once.
func TestWholeRequestRefusalIsIsolated(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int
		format  pardot.Format
		setup   func(*pardottest.Server, []pardot.Prospect)
		bad     []int
		code    int
		reqs    int
	}{
		// Batches of 50, 50, 20. Halving a batch down to its bad prospect
		// costs 1 request plus 2 per split: 37 sits in sizes
		// 50,25,13,6,3,1 (11 requests), 88 in 50,25,13,6,3,2,1 (13),
		// 0 in 50,25,12,6,3,1 (11), 119 in 20,10,5,3,2,1 (11); a clean
		// batch takes 1.
		{"71 v3 JSON", 3, pardot.JSON, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[37].Email, pardot.CodeInvalidInput)
			s.RejectBatchWith(ps[88].Email, pardot.CodeInvalidInput)
		}, []int{37, 88}, pardot.CodeInvalidInput, 11 + 13 + 1},
		{"72 v4 XML", 4, pardot.XML, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[0].Email, pardot.CodeCorruptedJSON)
		}, []int{0}, pardot.CodeCorruptedJSON, 11 + 1 + 1},
		{"10000 v3 XML", 3, pardot.XML, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[119].Email, pardot.CodeParameterError)
		}, []int{119}, pardot.CodeParameterError, 1 + 1 + 11},
		// A server that takes 20: each 50 is refused, then its halves of
		// 25, then the quarters land: 1+2+4 twice; the 20 lands at once.
		{"70 server limit 20", 4, pardot.JSON, func(s *pardottest.Server, _ []pardot.Prospect) {
			s.SetBatchLimit(20)
		}, nil, 0, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			ps := people(120)
			tc.setup(srv, ps)
			c := newClient(t, srv, oauth(), pardot.WithConcurrency(1), pardot.WithVersion(tc.version),
				pardot.WithRequestFormat(tc.format), pardot.WithResponseFormat(tc.format))
			rep, err := c.BatchCreate(context.Background(), ps)
			checkReport(t, rep, err, 120, 120-len(tc.bad), len(tc.bad), 0)
			var bad []int
			for _, o := range rep.Outcomes {
				if o.Status != batch.Failed {
					continue
				}
				bad = append(bad, o.Index)
				var pe *pardot.Error
				if !errors.As(o.Err, &pe) || pe.Code != tc.code {
					t.Errorf("record %d: %v, want code %d", o.Index, o.Err, tc.code)
				}
			}
			if d := cmp.Diff(tc.bad, bad); d != "" {
				t.Errorf("failed records (-want +got):\n%s", d)
			}
			st := srv.Stats()
			if st.Requests != tc.reqs || rep.Requests != tc.reqs {
				t.Errorf("requests: server %d, client %d; want %d", st.Requests, rep.Requests, tc.reqs)
			}
			if st.BatchProspects != 120-len(tc.bad) || srv.Len() != 120-len(tc.bad) {
				t.Errorf("applied %d, stored %d; want %d (refused requests write nothing)", st.BatchProspects, srv.Len(), 120-len(tc.bad))
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestRefusalOfEveryRequestIsNotIsolatedForever: when every request is
// refused (a setting, not a prospect, is at fault), the first batch is
// split down to single prospects, each refused alone; after that batch's
// worth, later batches fail whole, one request each.
func TestRefusalOfEveryRequestIsNotIsolatedForever(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(1000, pardottest.ErrorCode(pardot.CodeInvalidInput))
	c := newClient(t, srv, oauth(), pardot.WithConcurrency(1))
	rep, err := c.BatchCreate(context.Background(), people(200))
	checkReport(t, rep, err, 200, 0, 200, 0)
	// 50 prospects halved down to singles take 2*50-1 requests; then 3.
	if got := srv.Stats().Requests; got != 99+3 {
		t.Errorf("%d requests, want 102", got)
	}
	if !errors.Is(err, pardot.ErrConfig) {
		t.Errorf("err %v does not match ErrConfig", err)
	}
}

// TestDailyLimitStopsConcurrentRun: with five requests in flight, the
// daily limit (122) fails no prospect and retries nothing: the budget's
// requests land, every other prospect is reported not attempted, and at
// most the requests already started get the 122.
func TestDailyLimitStopsConcurrentRun(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetDailyLimit(2)
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(5))
	ps := people(500)
	rep, err := c.BatchCreate(context.Background(), ps)
	checkReport(t, rep, err, 500, 100, 0, 400)
	if rep.Retries != 0 {
		t.Errorf("%d retries after a 122", rep.Retries)
	}
	if got := srv.Stats().Requests; got > 2+5 {
		t.Errorf("%d requests: requests kept being sent after the 122", got)
	}
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeDailyLimit || !pe.StopRun() || pe.Retryable() {
		t.Errorf("err %v: want a code 122 that stops the run", err)
	}
	checkLandedOnce(t, srv, rep, ps)
}

// TestV4ErrorsAsPHPList: when the first prospects of a version 4 request
// fail, PHP's json_encode writes the errors map keyed 0..n-1 as an array;
// item i is prospect i.
func TestV4ErrorsAsPHPList(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(5)
	srv.FailProspect(ps[0].Email, pardot.CodeEmailExists, 1)
	srv.FailProspect(ps[1].Email, pardot.CodeInvalidEmail, 1)
	c := newClient(t, srv, oauth(), pardot.WithVersion(4))
	rep, err := c.BatchCreate(context.Background(), ps)
	checkReport(t, rep, err, 5, 3, 2, 0)
	for i, code := range []int{pardot.CodeEmailExists, pardot.CodeInvalidEmail} {
		var pe *pardot.Error
		if o, _ := rep.Outcome(i); !errors.As(o.Err, &pe) || pe.Code != code || pe.Key != strconv.Itoa(i) {
			t.Errorf("record %d: %v, want code %d keyed %d", i, o.Err, code, i)
		}
	}
	checkLandedOnce(t, srv, rep, ps)
}

// flakyTokens fails its first n calls with err, then hands out the fake's
// access token.
type flakyTokens struct {
	n   atomic.Int64
	err error
}

func (f *flakyTokens) Token() (*oauth2.Token, error) {
	if f.n.Add(-1) >= 0 {
		return nil, f.err
	}
	return &oauth2.Token{AccessToken: pardottest.AccessToken, TokenType: "Bearer"}, nil
}

// TestOAuthTokenSourceFailures: a token endpoint that is down is tried
// again; one that refuses the credentials stops the run, nothing sent.
func TestOAuthTokenSourceFailures(t *testing.T) {
	refused := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}
	for _, tc := range []struct {
		name         string
		err          error
		ok, notTried int
	}{
		{"network error is retried", errors.New("dial tcp: connection refused"), 120, 0},
		{"refused grant stops the run", refused, 0, 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := pardottest.NewServer()
			defer srv.Close()
			ts := &flakyTokens{err: tc.err}
			ts.n.Store(2)
			c := newClient(t, srv, pardot.WithOAuth(ts, pardottest.BusinessUnitID), pardot.WithConcurrency(1))
			rep, err := c.BatchCreate(context.Background(), people(120))
			checkReport(t, rep, err, 120, tc.ok, 0, tc.notTried)
			if srv.Len() != tc.ok || (tc.ok == 0 && srv.Stats().Requests != 0) {
				t.Errorf("stored %d after %d requests, want %d", srv.Len(), srv.Stats().Requests, tc.ok)
			}
		})
	}
}
