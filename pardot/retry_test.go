package pardot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"github.com/google/go-cmp/cmp"
	"slices"
)

func TestConcurrencyStormLandsOnce(t *testing.T) {
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetConcurrencyLimit(2)
	srv.FailNext(12, fakekit.Slow(15*time.Millisecond))
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(5),
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
			srv := pardottest.NewServer()
			defer srv.Close()
			ps := people(120)
			tc.setup(srv, ps)
			c := newClient(t, srv, oauth(), pardot.WithConcurrency(1), pardot.WithAPIVersion(tc.version),
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
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.FailNext(1000, pardottest.ErrorCode(code(pardot.CodeInvalidInput)))
	c := newClient(t, srv, oauth(), pardot.WithConcurrency(1))
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
			srv := pardottest.NewServer()
			defer srv.Close()
			tc.setup(srv)
			c := newClient(t, srv, oauth(), pardot.WithConcurrency(1), pardot.WithAPIVersion(tc.version))
			ps := people(200)
			rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
			checkRun(t, rep, err, counts(200, tc.ok, 0, 200-tc.ok))
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
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetDailyLimit(2)
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(5))
	ps := people(500)
	rep, err := c.Prospects().Create(context.Background(), slices.Values(ps))
	checkRun(t, rep, err, counts(500, 100, 0, 400))
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
