package pardot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"github.com/google/go-cmp/cmp"
)

func TestCreateChunksOf50(t *testing.T) {
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
	yes := true
	for _, tc := range shapes {
		t.Run(tc.String(), func(t *testing.T) {
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
	for _, tc := range shapes {
		t.Run(tc.String(), func(t *testing.T) {
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
	c := newClient(t, srv, legacy(), pardot.WithConcurrency(1))
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
	srv := pardottest.NewServer()
	defer srv.Close()
	var hooked atomic.Int64
	lim := &countingLimiter{}
	c := newClient(t, srv, oauth(), withEngine(batch.Config{Keep: batch.KeepFailures,
		OnOutcome: func(int, string, batch.Status, error) { hooked.Add(1) }}), pardot.WithBatchSize(7), pardot.WithLimiter(lim))
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
	srv := pardottest.NewServer()
	defer srv.Close()
	c := newClient(t, srv, oauth())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := c.Prospects().Upsert(ctx, slices.Values(people(60)))
	checkRun(t, rep, err, counts(60, 0, 0, 60))
	if !errors.Is(err, context.Canceled) || srv.Len() != 0 {
		t.Errorf("err %v, stored %d", err, srv.Len())
	}
}
