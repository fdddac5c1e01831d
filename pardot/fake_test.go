package pardot_test

// Behaviour against the fake: chunking, both versions and formats,
// per-prospect errors, validation, retries and isolation, run stoppers,
// sessions (re-login, token renewal) and secrets.

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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func TestCreateChunksOf50(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version string
		format  pardot.Format
		auth    pardot.Option
	}{
		{"3", pardot.JSON, legacy()},
		{"3", pardot.XML, oauth()},
		{"4", pardot.JSON, oauth()},
		{"4", pardot.XML, legacy()},
	} {
		t.Run(fmt.Sprintf("v%s/%v", tc.version, tc.format), func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, tc.auth, pardot.WithAPIVersion(tc.version),
				pardot.WithFormat(tc.format))
			ps := people(120)
			ps[7].Company = `Ampersand & <Sons> "Ltd"`
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(120, 120, 0, 0))
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
	t.Parallel()
	yes := true
	for _, tc := range shapes {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			a := srv.Add(pardottest.Prospect{Email: "a@example.com", FID: "00Q000000000001AAA", Fields: map[string]string{"first_name": "A"}})
			b := srv.Add(pardottest.Prospect{Email: "b@example.com", Fields: map[string]string{"first_name": "B"}})
			c := newClient(t, srv, legacy(), pardot.WithAPIVersion(tc.version),
				pardot.WithFormat(tc.format))

			upd := []pardot.Prospect{
				{ID: a.ID, JobTitle: "Engineer", IsDoNotCall: &yes},
				{ID: 999999, JobTitle: "Ghost"}, // no such prospect: code 3
			}
			if tc.version == "3" {
				upd = append(upd, pardot.Prospect{Email: "B@example.com", JobTitle: "Boss"})
			} else {
				upd = append(upd, pardot.Prospect{FID: "00Q000000000001AAA", Department: "R&D"})
			}
			rep, err := c.Prospects().Update(context.Background(), slices.Values(upd))
			checkRun(t, rep, err, counts(3, 2, 1, 0))
			var pe *pardot.Error
			if o, _ := rep.Outcome(1); !errors.As(o.Err, &pe) || pe.Code != pardot.CodeInvalidProspectID || !errors.Is(o.Err, batch.ErrNotFound) {
				t.Errorf("record 1: err %v, want code 3 (not found)", o.Err)
			}
			gotA, _ := srv.Get(a.ID)
			if gotA.Fields["job_title"] != "Engineer" || gotA.Fields["is_do_not_call"] != "true" {
				t.Errorf("a not updated: %v", gotA.Fields)
			}
			if tc.version == "3" {
				if gotB, _ := srv.Get(b.ID); gotB.Fields["job_title"] != "Boss" {
					t.Errorf("b not updated by email: %v", gotB.Fields)
				}
			} else if gotA.Fields["department"] != "R&D" {
				t.Errorf("a not updated by fid: %v", gotA.Fields)
			}

			ups := []pardot.Prospect{{ID: b.ID, City: "Paris"}}
			if tc.version == "3" {
				ups = append(ups, pardot.Prospect{Email: "new@example.com", City: "Rome"})
			} else {
				ups = append(ups, pardot.Prospect{FID: "00Q000000000002AAA", Email: "new@example.com", City: "Rome"})
			}
			rep, err = c.Prospects().Upsert(context.Background(), slices.Values(ups))
			checkRun(t, rep, err, counts(2, 2, 0, 0))
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
	t.Parallel()
	for _, tc := range shapes {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.Add(pardottest.Prospect{Email: "taken@example.com"})
			srv.FailProspect("archived@example.com", code(pardot.CodeProspectArchived), 1)
			c := newClient(t, srv, oauth(), pardot.WithAPIVersion(tc.version),
				pardot.WithFormat(tc.format))
			ps := people(5)
			ps[1].Email = "taken@example.com"
			ps[3].Email = "archived@example.com"
			if tc.version == "4" {
				ps[1].Email = "x@example.com"
				srv.FailProspect("x@example.com", code(pardot.CodeEmailExists), 1)
			}
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(5, 3, 2, 0))
			type got struct {
				Index int
				Code  pardot.Code
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
			if tc.version == "4" {
				want = []got{{1, 9, "1"}, {3, 132, "3"}}
			}
			if d := cmp.Diff(want, gots); d != "" {
				t.Errorf("per-prospect errors (-want +got):\n%s", d)
			}
			if !errors.Is(err, batch.ErrDuplicate) {
				t.Errorf("run error %v does not match ErrDuplicate", err)
			}
		})
	}
}

// TestV4ErrorsAsPHPList: when the first prospects of a version 4 request
// fail, PHP's json_encode writes the errors map keyed 0..n-1 as an array;
// item i is prospect i.
func TestV4ErrorsAsPHPList(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(5)
	srv.FailProspect(ps[0].Email, code(pardot.CodeEmailExists), 1)
	srv.FailProspect(ps[1].Email, code(pardot.CodeInvalidEmail), 1)
	c := newClient(t, srv, oauth(), pardot.WithAPIVersion("4"))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(5, 3, 2, 0))
	for i, code := range []pardot.Code{pardot.CodeEmailExists, pardot.CodeInvalidEmail} {
		var pe *pardot.Error
		if o, _ := rep.Outcome(i); !errors.As(o.Err, &pe) || pe.Code != code || pe.Key != strconv.Itoa(i) {
			t.Errorf("record %d: %v, want code %d keyed %d", i, o.Err, code, i)
		}
	}
	checkLandedOnce(t, srv, rep, ps)
}

func TestValidationBeforeSending(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		version string
		op      string
		in      []pardot.Prospect
		failed  []int
		dup     []int
	}{
		{"create needs email", "3", "create", []pardot.Prospect{{Email: "a@example.com"}, {FirstName: "x"}, {Email: "bad@"}, {Email: "b@example.com", ID: 4}}, []int{1, 2, 3}, nil},
		{"create emails unique in input", "4", "create", []pardot.Prospect{{Email: "a@example.com"}, {Email: "A@Example.com"}, {Email: "b@example.com"}, {Email: "a@example.com"}}, []int{1, 3}, []int{1, 3}},
		{"v4 update refuses email only", "4", "update", []pardot.Prospect{{Email: "a@example.com"}, {ID: 1001}}, []int{0}, nil},
		{"v3 refuses fid", "3", "upsert", []pardot.Prospect{{FID: "00Q000000000001AAA"}, {Email: "a@example.com"}}, []int{0}, nil},
		{"bad custom field", "3", "upsert", []pardot.Prospect{{Email: "a@example.com", Fields: map[string]string{"bad name": "x"}}, {Email: "b@example.com", Fields: map[string]string{"email": "x"}}}, []int{0, 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.Add(pardottest.Prospect{ID: 1001, Email: "z@example.com"})
			c := newClient(t, srv, oauth(), pardot.WithAPIVersion(tc.version))
			var rep *batch.Report[pardot.Result]
			var err error
			switch tc.op {
			case "create":
				rep, err = c.Prospects().Create(context.Background(), slices.Values(tc.in))
			case "update":
				rep, err = c.Prospects().Update(context.Background(), slices.Values(tc.in))
			default:
				rep, err = c.Prospects().Upsert(context.Background(), slices.Values(tc.in))
			}
			checkRun(t, rep, err, counts(len(tc.in), len(tc.in)-len(tc.failed), len(tc.failed), 0))
			var failed, dup []int
			for _, o := range rep.Outcomes {
				if o.Status == batch.Failed {
					failed = append(failed, o.Index)
					if errors.Is(o.Err, batch.ErrDuplicate) {
						dup = append(dup, o.Index)
					} else if !errors.Is(o.Err, batch.ErrInvalid) {
						t.Errorf("record %d: %v is not batch.ErrInvalid", o.Index, o.Err)
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

// TestRepeatedIdentifierRefusedLocally: an identifier repeated within one
// call (an id, or an email in any case) is refused before sending, class
// Duplicate and Local, since Pardot's keyed map would merge the two; the
// first record with it is sent.
func TestRepeatedIdentifierRefusedLocally(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	a := srv.Add(pardottest.Prospect{Email: "a@example.com"})
	c := newClient(t, srv, legacy(), pardot.WithEngine(batch.Config{Concurrency: 1}))
	in := []pardot.Prospect{
		{ID: a.ID, FirstName: "one"},
		{Email: "b@example.com", FirstName: "b"},
		{ID: a.ID, LastName: "two"},
		{Email: "B@EXAMPLE.COM", City: "Oslo"},
	}
	rep, err := c.Prospects().Upsert(context.Background(), slices.Values(in))
	checkRun(t, rep, err, counts(4, 2, 2, 0))
	for _, i := range []int{2, 3} {
		o, _ := rep.Outcome(i)
		var pe *pardot.Error
		if !errors.As(o.Err, &pe) || !pe.Local || !errors.Is(o.Err, batch.ErrDuplicate) || o.Attempts != 0 {
			t.Errorf("record %d: %v (attempts %d), want a local duplicate refusal", i, o.Err, o.Attempts)
		}
	}
	if rep.Requests != 1 || srv.Stats().BatchProspects != 2 {
		t.Errorf("requests %d, prospects sent %d; want 1 and 2", rep.Requests, srv.Stats().BatchProspects)
	}
	if got, _ := srv.Get(a.ID); got.Writes != 1 || got.Fields["first_name"] != "one" || got.Fields["last_name"] != "" {
		t.Errorf("a = %+v; want the first update only", got)
	}
}

func TestSeqAndKeepFailures(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	var hooked atomic.Int64
	lim := &countingLimiter{}
	c := newClient(t, srv, oauth(), withEngine(batch.Config{Keep: batch.KeepFailures,
		OnOutcome: func(int, string, batch.Status, error) { hooked.Add(1) }}), pardot.WithBatchSize(7), pardot.WithEngine(batch.Config{Limiter: lim}))
	ps := people(100)
	ps[50].Email = "broken"
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(100, 99, 1, 0))
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
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, oauth())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := c.Prospects().Upsert(ctx, slices.Values(people(60)))
	checkStopped(t, rep, err, counts(60, 0, 0, 60))
	if !errors.Is(err, context.Canceled) || srv.Len() != 0 {
		t.Errorf("err %v, stored %d", err, srv.Len())
	}
}

func TestConcurrencyStormLandsOnce(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)
	srv.FailNext(12, fakekit.Slow(15*time.Millisecond))
	c := newClient(t, srv, legacy(), pardot.WithEngine(batch.Config{Concurrency: 5}),
		pardot.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}}))
	ps := people(1000)
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(1000, 1000, 0, 0))
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

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		fault      fakekit.Fault
		update     bool // BatchUpsert of existing records instead of BatchCreate
		ok, failed int
		unknown    bool
	}{
		{"500 on upsert is retried", fakekit.Status(500), true, 10, 0, false},
		{"500 on create is not resent", fakekit.Status(500), false, 0, 10, true},
		{"503 on create is retried", fakekit.Status(503), false, 10, 0, false},
		{"drop on create is unknown", fakekit.Drop(), false, 0, 10, true},
		{"drop after apply on upsert is retried", fakekit.DropAfterWrite(), true, 10, 0, false},
		{"drop after apply on create is unknown", fakekit.DropAfterWrite(), false, 0, 10, true},
		{"malformed on create is unknown", fakekit.Malformed(), false, 0, 10, true},
		{"malformed on upsert is retried", fakekit.Malformed(), true, 10, 0, false},
		{"conflicting update is retried", pardottest.ErrorCode(code(pardot.CodeConflictingUpdate)), false, 10, 0, false},
		{"concurrency code is retried", pardottest.ErrorCode(code(pardot.CodeConcurrencyLimit)), false, 10, 0, false},
		{"batch too large is split", pardottest.ErrorCode(code(pardot.CodeBatchTooLarge)), false, 10, 0, false},
		{"slow", fakekit.Slow(20 * time.Millisecond), false, 10, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			ps := people(10)
			if tc.update {
				for _, p := range ps {
					srv.Add(pardottest.Prospect{Email: p.Email})
				}
			}
			srv.FailNext(1, tc.fault)
			c := newClient(t, srv, legacy())
			op := c.Prospects().Create
			if tc.update {
				op = c.Prospects().Upsert
			}
			rep, err := op(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(10, tc.ok, tc.failed, 0))
			if got := errors.Is(err, batch.ErrOutcomeUnknown); got != tc.unknown {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %v, want %v (err %v)", got, tc.unknown, err)
			}
			if tc.unknown && srv.Stats().Requests != 1 {
				t.Errorf("a create with unknown outcome was resent: %d requests", srv.Stats().Requests)
			}
			if !tc.update {
				checkLandedOnce(t, srv, rep, ps)
			}
			want := tc.ok // creates that landed
			if tc.update || tc.fault == fakekit.DropAfterWrite() {
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
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(10)
	srv.FailProspect(ps[2].Email, code(pardot.CodeUnableToSave), 5)
	c := newClient(t, srv, oauth())
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(10, 9, 1, 0))
	var pe *pardot.Error
	if o, _ := rep.Outcome(2); o.Attempts != 2 || !errors.As(o.Err, &pe) || pe.Code != pardot.CodeUnableToSave {
		t.Errorf("record 2: %d attempts, %v; want 2 attempts ending in code 85", o.Attempts, o.Err)
	}
	checkLandedOnce(t, srv, rep, ps)
}

func TestPerRecordRetryableResendsOnlyThatRecord(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	ps := people(30)
	srv.FailProspect(ps[4].Email, code(pardot.CodeConflictingUpdate), 2)
	c := newClient(t, srv, legacy(), pardot.WithAPIVersion("4"), pardot.WithFormat(pardot.XML))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(30, 30, 0, 0))
	if st := srv.Stats(); st.Requests != 3 || st.BatchProspects != 32 {
		t.Errorf("requests %d, prospects sent %d; want 3 and 32", st.Requests, st.BatchProspects)
	}
	if o, _ := rep.Outcome(4); o.Attempts != 3 {
		t.Errorf("record 4 attempts = %d, want 3", o.Attempts)
	}
	checkLandedOnce(t, srv, rep, ps)
}

// TestWholeRequestRefusalIsIsolated: Pardot refuses a whole request for
// one prospect's content (71, 72, 10000) or for its size (70) before
// writing anything; the request is split in halves until only the
// prospects at fault fail, and every other prospect lands exactly once.
func TestWholeRequestRefusalIsIsolated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		version string
		format  pardot.Format
		setup   func(*pardottest.Server, []pardot.Prospect)
		bad     []int
		code    pardot.Code
		reqs    int
	}{
		// Batches of 50, 50, 20. Halving a batch down to its bad prospect
		// costs 1 request plus 2 per split: 37 sits in sizes
		// 50,25,13,6,3,1 (11 requests), 88 in 50,25,13,6,3,2,1 (13),
		// 0 in 50,25,12,6,3,1 (11), 119 in 20,10,5,3,2,1 (11); a clean
		// batch takes 1.
		{"71 v3 JSON", "3", pardot.JSON, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[37].Email, code(pardot.CodeInvalidInput))
			s.RejectBatchWith(ps[88].Email, code(pardot.CodeInvalidInput))
		}, []int{37, 88}, pardot.CodeInvalidInput, 11 + 13 + 1},
		{"72 v4 XML", "4", pardot.XML, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[0].Email, code(pardot.CodeCorruptedJSON))
		}, []int{0}, pardot.CodeCorruptedJSON, 11 + 1 + 1},
		{"10000 v3 XML", "3", pardot.XML, func(s *pardottest.Server, ps []pardot.Prospect) {
			s.RejectBatchWith(ps[119].Email, code(pardot.CodeParameterError))
		}, []int{119}, pardot.CodeParameterError, 1 + 1 + 11},
		// A server that takes 20: each 50 is refused, then its halves of
		// 25, then the quarters land: 1+2+4 twice; the 20 lands at once.
		{"70 server limit 20", "4", pardot.JSON, func(s *pardottest.Server, _ []pardot.Prospect) {
			s.SetMaxBatch(20)
		}, nil, 0, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			ps := people(120)
			tc.setup(srv, ps)
			c := newClient(t, srv, oauth(), pardot.WithEngine(batch.Config{Concurrency: 1}), pardot.WithAPIVersion(tc.version),
				pardot.WithFormat(tc.format))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(120, 120-len(tc.bad), len(tc.bad), 0))
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
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(1000, pardottest.ErrorCode(code(pardot.CodeInvalidInput)))
	c := newClient(t, srv, oauth(), pardot.WithEngine(batch.Config{Concurrency: 1}))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(200)))
	checkRun(t, rep, err, counts(200, 0, 200, 0))
	// 50 prospects halved down to singles take 2*50-1 requests; then 3.
	if got := srv.Stats().Requests; got != 99+3 {
		t.Errorf("%d requests, want 102", got)
	}
	if !errors.Is(err, batch.ErrInvalid) {
		t.Errorf("err %v does not match batch.ErrInvalid", err)
	}
}

func TestRunStoppers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		setup   func(*pardottest.Server)
		version string
		code    pardot.Code
		ok      int
		class   error
	}{
		{"daily limit", func(s *pardottest.Server) { s.SetDailyLimit(2) }, "3", pardot.CodeDailyLimit, 100, batch.ErrQuotaExceeded},
		{"must use v4", func(s *pardottest.Server) { s.SetVersion(4) }, "3", pardot.CodeMustUseVersion4, 0, nil},
		{"cannot use v4", func(s *pardottest.Server) { s.SetVersion(3) }, "4", pardot.CodeCannotUseVersion4, 0, nil},
		{"v3 shape refused", func(s *pardottest.Server) { s.FailNext(1, pardottest.ErrorCode(code(pardot.Code(91)))) }, "3", pardot.Code(91), 0, nil},
		{"v4 shape refused", func(s *pardottest.Server) { s.FailNext(1, pardottest.ErrorCode(code(pardot.Code(90)))) }, "4", pardot.Code(90), 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			tc.setup(srv)
			c := newClient(t, srv, oauth(), pardot.WithEngine(batch.Config{Concurrency: 1}), pardot.WithAPIVersion(tc.version))
			ps := people(200)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkStopped(t, rep, err, counts(200, tc.ok, 0, 200-tc.ok))
			// One request per batch that landed, one refused, none after.
			if got, want := srv.Stats().Requests, tc.ok/50+1; got != want || rep.Requests != want {
				t.Errorf("requests: server %d, client %d; want %d (nothing sent after the stop)", got, rep.Requests, want)
			}
			var pe *pardot.Error
			if !errors.As(err, &pe) || pe.Code != tc.code || (tc.class != nil && !errors.Is(err, tc.class)) || !batch.StopsRun(pe) {
				t.Errorf("err %v: want code %d matching %v", err, tc.code, tc.class)
			}
			if srv.Len() != tc.ok {
				t.Errorf("stored %d, want %d", srv.Len(), tc.ok)
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestDailyLimitStopsConcurrentRun: with five requests in flight, the
// daily limit (122) fails no prospect and retries nothing: the budget's
// requests land, every other prospect is reported not attempted, and at
// most the requests already started get the 122.
func TestDailyLimitStopsConcurrentRun(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetDailyLimit(2)
	c := newClient(t, srv, legacy(), pardot.WithEngine(batch.Config{Concurrency: 5}))
	ps := people(500)
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkStopped(t, rep, err, counts(500, 100, 0, 400))
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

func TestExpiredKeyMidRunReLogsInOnce(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprintf("concurrency %d", workers), func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			var once atomic.Bool
			c := newClient(t, srv, legacy(), pardot.WithEngine(batch.Config{Concurrency: workers}),
				withProgress(func(p batch.Progress) {
					if p.Done >= 50 && once.CompareAndSwap(false, true) {
						srv.ExpireAPIKeys()
					}
				}))
			ps := people(400)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(400, 400, 0, 0))
			if st := srv.Stats(); st.Logins != 2 {
				t.Errorf("logins = %d, want 2 (initial and one shared after expiry)", st.Logins)
			}
			if got := srv.Stats().Requests; rep.Requests != got {
				t.Errorf("report counts %d requests, the server saw %d", rep.Requests, got)
			}
			if workers == 1 && (rep.Requests != 9 || rep.Retries != 1) {
				t.Errorf("requests %d, retries %d; want 9 and 1 (8 chunks + one replay)", rep.Requests, rep.Retries)
			}
			if srv.Len() != 400 {
				t.Errorf("stored %d", srv.Len())
			}
			checkLandedOnce(t, srv, rep, ps)
		})
	}
}

// TestInvalidKeyTwiceStopsRun: code 1 earns exactly one fresh login (or
// token); when that gives back the refused credential (a login within the
// key's hour returns the same api_key; a static token stays the same) the
// request is not replayed and the run stops.
func TestInvalidKeyTwiceStopsRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		auth         pardot.Option
		logins, reqs int
	}{
		{"legacy: one re-login, same key, no replay", legacy(), 2, 1},
		{"oauth: same static token, no replay", oauth(), 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.FailNext(3, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
			c := newClient(t, srv, tc.auth, pardot.WithEngine(batch.Config{Concurrency: 1}))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkStopped(t, rep, err, counts(120, 0, 0, 120))
			var pe *pardot.Error
			if !errors.Is(err, batch.ErrUnauthorized) || !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAPIKey {
				t.Errorf("err %v: want code 1 matching ErrAuth", err)
			}
			if st := srv.Stats(); st.Logins != tc.logins || st.Requests != tc.reqs {
				t.Errorf("logins %d, batch requests %d; want %d and %d", st.Logins, st.Requests, tc.logins, tc.reqs)
			}
			if rep.Requests != 1 || rep.Retries != 0 {
				t.Errorf("engine requests %d, retries %d; want 1 and 0 (no replay)", rep.Requests, rep.Retries)
			}
			if srv.Len() != 0 {
				t.Errorf("stored %d", srv.Len())
			}
		})
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A wrong password: login fails and stops the run.
	c := newClient(t, srv, pardot.WithLegacyLogin(pardottest.Email, "s3cret-Passw0rd", pardottest.UserKey), pardot.WithEngine(batch.Config{Logger: logger}))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 0, 0, 3))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeLoginFailed {
		t.Errorf("err = %v, want code 15", err)
	}
	// A good login whose key then fails twice, with logging.
	c = newClient(t, srv, legacy(), pardot.WithEngine(batch.Config{Logger: logger}))
	if _, err := c.Prospects().Create(context.Background(), slices.Values(people(1))); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(2, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
	srv.ExpireAPIKeys()
	_, err2 := c.Prospects().Create(context.Background(), slices.Values(people(2)))
	// An OAuth client through a refused request and a server error.
	srv.FailNext(1, pardottest.ErrorCode(code(pardot.CodeInvalidAPIKey)))
	_, err3 := newClient(t, srv, oauth(), pardot.WithEngine(batch.Config{Logger: logger})).Prospects().Create(context.Background(), slices.Values(people(2)))
	srv.FailNext(1, fakekit.Status(500))
	_, err4 := newClient(t, srv, oauth(), pardot.WithEngine(batch.Config{Logger: logger})).Prospects().Upsert(context.Background(), slices.Values(people(2)))
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
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, pardot.WithToken(pardottest.AccessToken, "0Uv000000000009ZZZ"))
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(3)))
	checkRun(t, rep, err, counts(3, 0, 0, 3))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAuthMechanism {
		t.Errorf("err %v, want code 126 for a wrong business unit", err)
	}
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
	t.Parallel()
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
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			ts := &flakyTokens{err: tc.err}
			ts.n.Store(2)
			c := newClient(t, srv, pardot.WithTokenSource(ts, pardottest.BusinessUnitID), pardot.WithEngine(batch.Config{Concurrency: 1}))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			if tc.notTried == 0 {
				checkRun(t, rep, err, counts(120, tc.ok, 0, 0))
			} else {
				checkStopped(t, rep, err, counts(120, tc.ok, 0, tc.notTried))
			}
			if srv.Len() != tc.ok || (tc.ok == 0 && srv.Stats().Requests != 0) {
				t.Errorf("stored %d after %d requests, want %d", srv.Len(), srv.Stats().Requests, tc.ok)
			}
		})
	}
}

// connectedApp is the fake's connected app for the client credentials flow.
func connectedApp(srv *pardottest.Server) *clientcredentials.Config {
	return &clientcredentials.Config{ClientID: pardottest.ClientID, ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
}

// expireAfter returns a progress hook that ends every Salesforce session
// once n records are done.
func expireAfter(srv *pardottest.Server, n int) pardot.Option {
	var once atomic.Bool
	return withProgress(func(p batch.Progress) {
		if p.Done >= n && once.CompareAndSwap(false, true) {
			srv.ExpireSessions()
		}
	})
}

// recordingTokens wraps a TokenFunc and keeps every token it handed out.
type recordingTokens struct {
	fetch pardot.TokenFunc
	mu    sync.Mutex
	seen  []string
}

func (r *recordingTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	tok, err := r.fetch(ctx)
	if err == nil {
		r.mu.Lock()
		r.seen = append(r.seen, tok.AccessToken)
		r.mu.Unlock()
	}
	return tok, err
}

// TestSessionEndedMidRunRecovers: Salesforce's token has no expires_in,
// so only Pardot's code 184 tells that the session ended. The client gets
// one new token (shared by every worker), replays each refused request
// once, counts the replays as requests, and every prospect lands once.
func TestSessionEndedMidRunRecovers(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprintf("concurrency %d", workers), func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			tokens := &recordingTokens{fetch: connectedApp(srv).Token}
			c := newClient(t, srv, pardot.WithTokenFunc(tokens.Token, pardottest.BusinessUnitID),
				pardot.WithEngine(batch.Config{Concurrency: workers}), pardot.WithEngine(batch.Config{Logger: logger}), expireAfter(srv, 50))
			ps := people(400)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(400, 400, 0, 0))
			st := srv.Stats()
			if st.TokensIssued != 2 || len(tokens.seen) != 2 {
				t.Errorf("tokens issued %d (func called %d times), want 2: the first and one shared renewal", st.TokensIssued, len(tokens.seen))
			}
			if rep.Requests != st.Requests {
				t.Errorf("report counts %d requests, the server saw %d", rep.Requests, st.Requests)
			}
			if workers == 1 && (rep.Requests != 9 || rep.Retries != 1) {
				t.Errorf("requests %d, retries %d; want 9 and 1 (8 chunks + one replay)", rep.Requests, rep.Retries)
			}
			checkLandedOnce(t, srv, rep, ps)
			for _, tok := range tokens.seen {
				if strings.Contains(logs.String(), tok) {
					t.Errorf("an access token leaked into the log:\n%s", logs.String())
				}
			}
			if !strings.Contains(logs.String(), "session refused") {
				t.Errorf("the renewal was not logged:\n%s", logs.String())
			}
		})
	}
}

// TestSessionEndedWithoutNewTokenStopsRun: when no new token comes (a
// TokenSource that caches, as oauth2.ReuseTokenSource does; a static
// token; a token endpoint that refuses) the request is not replayed and
// the run stops with the rest not attempted, instead of failing chunk
// after chunk.
func TestSessionEndedWithoutNewTokenStopsRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		auth     func(srv *pardottest.Server) pardot.Option
		requests int // batch requests the server sees
	}{
		{"caching TokenSource", func(srv *pardottest.Server) pardot.Option {
			return pardot.WithTokenSource(connectedApp(srv).TokenSource(context.Background()), pardottest.BusinessUnitID)
		}, 2},
		{"static token", func(*pardottest.Server) pardot.Option { return oauth() }, 2},
		{"token endpoint refuses the renewal", func(srv *pardottest.Server) pardot.Option {
			app := connectedApp(srv)
			var calls atomic.Int64
			return pardot.WithTokenFunc(func(ctx context.Context) (*oauth2.Token, error) {
				if calls.Add(1) > 1 {
					app.ClientSecret = "revoked" // the connected app's secret was rotated
				}
				return app.Token(ctx)
			}, pardottest.BusinessUnitID)
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			c := newClient(t, srv, tc.auth(srv), pardot.WithEngine(batch.Config{Concurrency: 1}), expireAfter(srv, 50))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(400)))
			checkStopped(t, rep, err, counts(400, 50, 0, 350))
			var pe *pardot.Error
			if !errors.Is(err, batch.ErrUnauthorized) || !errors.As(err, &pe) || !pe.StopRun() {
				t.Errorf("err %v: want a *pardot.Error matching ErrAuth that stops the run", err)
			}
			if st := srv.Stats(); st.Requests != tc.requests || rep.Requests != st.Requests {
				t.Errorf("server saw %d batch requests, report counts %d; want %d", st.Requests, rep.Requests, tc.requests)
			}
			if srv.Len() != 50 {
				t.Errorf("stored %d", srv.Len())
			}
		})
	}
}

// TestSessionRefusedAfterRenewalStopsRun: a new token earns one replay;
// a second 184 (for instance "Invalid scope": the connected app lacks
// pardot_api) stops the run.
func TestSessionRefusedAfterRenewalStopsRun(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(3, pardottest.ErrorCode(code(pardot.CodeInvalidAccessToken)))
	c := newClient(t, srv, pardot.WithTokenFunc(connectedApp(srv).Token, pardottest.BusinessUnitID), pardot.WithEngine(batch.Config{Concurrency: 1}))
	rep, err := c.Prospects().Upsert(context.Background(), slices.Values(people(120)))
	checkStopped(t, rep, err, counts(120, 0, 0, 120))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidAccessToken || !pe.StopRun() {
		t.Errorf("err %v: want code 184 stopping the run", err)
	}
	if st := srv.Stats(); st.Requests != 2 || st.TokensIssued != 2 || rep.Requests != 2 || rep.Retries != 1 {
		t.Errorf("server: %d requests, %d tokens; report: %d requests, %d retries; want 2, 2, 2, 1",
			st.Requests, st.TokensIssued, rep.Requests, rep.Retries)
	}
}

// TestRetiredLegacyLogin: Pardot's own login was retired on 2021-02-15.
// A client that still uses it warns once in the log, and a refused login
// (the usual reason now: the user must sign in through Salesforce) stops
// the run, nothing sent, with an error that points to Salesforce OAuth.
func TestRetiredLegacyLogin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		setup  func(*pardottest.Server)
		option pardot.Option
	}{
		{"retired for the account", (*pardottest.Server).RetireLegacyLogin, legacy()},
		{"refused credentials", func(*pardottest.Server) {}, pardot.WithLegacyLogin(pardottest.Email, "wrong", pardottest.UserKey)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			tc.setup(srv)
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			c := newClient(t, srv, tc.option, pardot.WithEngine(batch.Config{Logger: logger}), pardot.WithEngine(batch.Config{Concurrency: 1}))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkStopped(t, rep, err, counts(120, 0, 0, 120))
			var pe *pardot.Error
			if !errors.As(err, &pe) || pe.Code != pardot.CodeLoginFailed || !errors.Is(err, batch.ErrUnauthorized) {
				t.Fatalf("err %v: want code 15 matching ErrAuth", err)
			}
			if !strings.Contains(pe.Message, "retired on 2021-02-15") || !strings.Contains(pe.Message, "WithTokenFunc") {
				t.Errorf("message %q does not point to Salesforce OAuth", pe.Message)
			}
			if n := strings.Count(logs.String(), "level=WARN msg=\"pardot: WithLegacyLogin is deprecated"); n != 1 {
				t.Errorf("%d deprecation warnings, want 1:\n%s", n, logs.String())
			}
			if st := srv.Stats(); st.Requests != 0 {
				t.Errorf("%d batch requests sent", st.Requests)
			}
		})
	}
}

// TestTokenFuncTokenKeptUntilExpiry: a token without Expiry (Salesforce's)
// or with one ahead is fetched once for the whole run; one already past
// its Expiry is fetched again for each request.
func TestTokenFuncTokenKeptUntilExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		expiry time.Time
		tokens int
	}{
		{"no expiry", time.Time{}, 1},
		{"expiry ahead", time.Now().Add(time.Hour), 1},
		{"expired", time.Now().Add(-time.Hour), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := pardottest.NewServer()
			defer srv.Close()
			app := connectedApp(srv)
			fetch := func(ctx context.Context) (*oauth2.Token, error) {
				tok, err := app.Token(ctx)
				if err == nil {
					tok.Expiry = tc.expiry
				}
				return tok, err
			}
			c := newClient(t, srv, pardot.WithTokenFunc(fetch, pardottest.BusinessUnitID), pardot.WithEngine(batch.Config{Concurrency: 1}))
			rep, err := c.Prospects().Create(context.Background(), slices.Values(people(120)))
			checkRun(t, rep, err, counts(120, 120, 0, 0))
			if st := srv.Stats(); st.TokensIssued != tc.tokens || st.Requests != 3 {
				t.Errorf("tokens issued %d for %d requests, want %d for 3", st.TokensIssued, st.Requests, tc.tokens)
			}
		})
	}
}

// TestFakeCountOnlyKeepsNothing: in count-only mode the fake checks and
// answers every request, counts the prospects it creates, keeps none.
func TestFakeCountOnlyKeepsNothing(t *testing.T) {
	t.Parallel()
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetCountOnly(true)
	c := newClient(t, srv, oauth())
	rep, err := c.Prospects().Create(context.Background(), slices.Values(people(1000)))
	checkRun(t, rep, err, counts(1000, 1000, 0, 0))
	if st := srv.Stats(); st.Created != 1000 || srv.Len() != 0 || st.Requests != 20 {
		t.Errorf("created %d, kept %d, requests %d; want 1000, 0, 20", st.Created, srv.Len(), st.Requests)
	}
}
