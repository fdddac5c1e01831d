package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

func TestCreate250InThreeRequests(t *testing.T) {
	t.Parallel()
	for _, seq := range []bool{false, true} {
		t.Run(fmt.Sprintf("seq=%v", seq), func(t *testing.T) {
			srv := newFake(t)
			c := newClient(t, srv, WithEngine(batch.Config{Concurrency: 3}))
			in := contacts(250, "c")
			var (
				rep *batch.Report[Result]
				err error
			)
			if seq {
				rep, err = c.Objects("contacts").Create(context.Background(), func(yield func(CreateInput) bool) {
					for _, v := range in {
						if !yield(v) {
							return
						}
					}
				})
			} else {
				rep, err = c.Objects("contacts").Create(context.Background(), slices.Values(in))
			}
			if err != nil {
				t.Fatal(err)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 250, Succeeded: 250, Failed: 0, NotAttempted: 0})
			if rep.Requests != 3 || srv.Stats().ByOp["create"] != 3 || srv.Stats().Inputs != 250 {
				t.Errorf("requests: report %d, fake %+v; want 3 requests of 250 inputs", rep.Requests, srv.Stats())
			}
			landedOnce(t, srv, "contacts", in, rep, 0)
			for i, o := range rep.Outcomes {
				// The key is the caller's email; the trace id the client set
				// only matched the answer.
				if o.Key != in[i].Properties["email"] || !strings.HasPrefix(o.Result.ObjectWriteTraceID, c.tracePrefix) {
					t.Errorf("record %d: key %q, echoed trace %q", i, o.Key, o.Result.ObjectWriteTraceID)
				}
			}
			if in[0].ObjectWriteTraceID != "" || in[0].Associations != nil {
				t.Error("the caller's inputs were modified")
			}
		})
	}
}

// A 207 with mixed results maps every error to exactly its record.
func TestCreateMultiStatusExactOutcomes(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	existing := srv.Put("contacts", map[string]string{"email": "taken@example.com"})
	srv.FailInputs(func(in hubspottest.Input) *hubspottest.InputError {
		if in.Properties["firstname"] == "Refused" {
			return &hubspottest.InputError{Category: string(CodeValidation), Message: "firstname refused", Code: "INVALID_OPTION", In: "firstname"}
		}
		return nil
	})
	c := newClient(t, srv)
	in := contacts(8, "m")
	in[1].Properties["email"] = "not-an-email"
	in[4].Properties["email"] = "TAKEN@example.com"
	in[6].Properties["firstname"] = "Refused"
	in[7].ObjectWriteTraceID = "caller-trace-7"
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 8, Succeeded: 5, Failed: 3, NotAttempted: 0})
	if rep.Requests != 1 {
		t.Errorf("%d requests, want 1 (a 207 is not retried)", rep.Requests)
	}
	want := map[int]struct {
		class error
		code  string
	}{1: {batch.ErrInvalid, "INVALID_EMAIL"}, 4: {batch.ErrDuplicate, ""}, 6: {batch.ErrInvalid, "INVALID_OPTION"}}
	for i, o := range rep.Outcomes {
		w, bad := want[i]
		if !bad {
			if o.Status != batch.Succeeded {
				t.Errorf("record %d: %v %v, want succeeded", i, o.Status, o.Err)
			}
			continue
		}
		var he *Error
		if o.Status != batch.Failed || !errors.As(o.Err, &he) || !errors.Is(o.Err, w.class) {
			t.Errorf("record %d: %v %v, want failed with %v", i, o.Status, o.Err, w.class)
			continue
		}
		if he.HTTPStatus != http.StatusMultiStatus || he.NumErrors != 3 || (w.code != "" && (len(he.Errors) == 0 || he.Errors[0].Code != w.code)) {
			t.Errorf("record %d: error %+v", i, he)
		}
		if o.Attempts != 1 {
			t.Errorf("record %d sent %d times", i, o.Attempts)
		}
	}
	if rep.Outcomes[7].Key != "caller-trace-7" || rep.Outcomes[7].Result.ObjectWriteTraceID != "caller-trace-7" {
		t.Errorf("caller trace id not kept: %+v", rep.Outcomes[7])
	}
	if !strings.Contains(rep.Outcomes[4].Err.Error(), existing) {
		t.Errorf("conflict error does not name the existing id: %v", rep.Outcomes[4].Err)
	}
	var runErr *batch.RunError
	if !errors.As(err, &runErr) || runErr.Failed != 3 {
		t.Errorf("err = %v", err)
	}
	landedOnce(t, srv, "contacts", in, rep, 1)
}

// Whole-batch 400s on create (inputs the server will not tell apart) are
// isolated by halving: only the bad record fails, nothing lands twice.
func TestCreateWholeBatchRejectIsolates(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetAllOrNothing(true)
	c := newClient(t, srv, WithBatchSize(16))
	in := contacts(16, "iso")
	in[11].Properties["email"] = "broken"
	rep, _ := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 16, Succeeded: 15, Failed: 1, NotAttempted: 0})
	if o := rep.Outcomes[11]; !errors.Is(o.Err, batch.ErrInvalid) {
		t.Errorf("record 11: %v", o.Err)
	}
	// 16 → 8+8 → 4+4 → 2+2 → 1+1: 1 + 2 + 2 + 2 + 2 = 9 requests.
	if rep.Requests != 9 {
		t.Errorf("%d requests, want 9", rep.Requests)
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
}

func TestUpdateMultiStatusAndMissing(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = srv.Put("partner_clients", map[string]string{"property_string": "old"})
	}
	c := newClient(t, srv)
	in := []UpdateInput{
		{ID: ids[0], Properties: Properties{"property_string": "new0"}},
		{ID: "999999", Properties: Properties{"property_string": "ghost"}},
		{ID: ids[2], Properties: Properties{"property_number": "17"}},
		{ID: ""}, // refused before sending
		{ID: ids[4], Properties: Properties{"property_string": "new4"}},
	}
	rep, _ := c.Objects("partner_clients").Update(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 3, Failed: 2, NotAttempted: 0})
	if !errors.Is(rep.Outcomes[1].Err, batch.ErrNotFound) || !errors.Is(rep.Outcomes[3].Err, batch.ErrInvalid) {
		t.Errorf("errors: %v / %v", rep.Outcomes[1].Err, rep.Outcomes[3].Err)
	}
	if rep.Outcomes[3].Attempts != 0 || srv.Stats().Inputs != 4 {
		t.Errorf("the invalid record was sent: %+v", srv.Stats())
	}
	for _, i := range []int{0, 2, 4} {
		got, _ := srv.Object("partner_clients", ids[i])
		if got.Writes != 1 || rep.Outcomes[i].Result.ID != ids[i] {
			t.Errorf("record %d: writes %d result %+v", i, got.Writes, rep.Outcomes[i].Result)
		}
	}
	if got, _ := srv.Object("partner_clients", ids[2]); got.Properties["property_number"] != "17" || got.Properties["property_string"] != "old" {
		t.Errorf("object 2 = %v", got.Properties)
	}
}

// An id repeated within one call (which HubSpot refuses in one request,
// and which would apply twice in an order nobody chose across two) is
// refused before sending; the first goes in.
func TestUpdateRepeatedIDIsRefusedLocally(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	id := srv.Put("deals", map[string]string{"amount": "1"})
	c := newClient(t, srv)
	in := []UpdateInput{{ID: id, Properties: Properties{"amount": "2"}}, {ID: id, Properties: Properties{"amount": "3"}}}
	rep, err := c.Objects("deals").Update(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1, NotAttempted: 0})
	var he *Error
	if !errors.Is(err, batch.ErrDuplicate) || !errors.As(rep.Outcomes[1].Err, &he) || !he.Local || rep.Outcomes[1].Attempts != 0 {
		t.Errorf("record 1: %+v", rep.Outcomes[1])
	}
	got, _ := srv.Object("deals", id)
	if rep.Requests != 1 || srv.Stats().Inputs != 1 || got.Writes != 1 || got.Properties["amount"] != "2" {
		t.Errorf("requests %d, object %+v", rep.Requests, got)
	}
}

func TestUpsertNewAndExisting(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	id := srv.Put("contacts", map[string]string{"email": "ada@example.com", "firstname": "A"})
	c := newClient(t, srv)
	in := []UpsertInput{
		{IDProperty: "email", ID: "Ada@Example.com", Properties: Properties{"firstname": "Ada"}},
		{IDProperty: "email", ID: "grace@example.com", Properties: Properties{"firstname": "Grace"}},
		{ID: "x@example.com", Properties: Properties{"firstname": "NoProp"}},
	}
	rep, _ := c.Objects("0-1").Upsert(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if !errors.Is(rep.Outcomes[2].Err, batch.ErrInvalid) {
		t.Errorf("record 2: %v", rep.Outcomes[2].Err)
	}
	if r := rep.Outcomes[0].Result; r.ID != id || r.New {
		t.Errorf("existing: %+v", r)
	}
	grace, ok := srv.Find("contacts", "email", "grace@example.com")
	if r := rep.Outcomes[1].Result; !ok || r.ID != grace.ID || !r.New || grace.Writes != 1 {
		t.Errorf("new: %+v, fake %+v", r, grace)
	}
	if rep.Outcomes[0].Key != "email=Ada@Example.com" {
		t.Errorf("key %q", rep.Outcomes[0].Key)
	}
}

func TestReadFoundAndNotFound(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	a := srv.Put("companies", map[string]string{"name": "A", "domain": "a.example"})
	b := srv.Put("companies", map[string]string{"name": "B", "domain": "b.example"})
	c := newClient(t, srv)
	rep, _ := c.Objects("companies").Read(context.Background(), slices.Values([]string{a, "404404", b}), ReadOptions{Properties: []string{"name"}})
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if diff := cmp.Diff(Properties{"name": "B"}, rep.Outcomes[2].Result.Properties); diff != "" {
		t.Errorf("record 2 properties (-want +got):\n%s", diff)
	}
	var he *Error
	if !errors.As(rep.Outcomes[1].Err, &he) || !errors.Is(he, batch.ErrNotFound) || !cmp.Equal(he.Context["ids"], []string{"404404"}) {
		t.Errorf("record 1: %v", rep.Outcomes[1].Err)
	}
	if rep.Outcomes[0].Result.ID != a || rep.Requests != 1 {
		t.Errorf("record 0: %+v, %d requests", rep.Outcomes[0], rep.Requests)
	}
}

func TestReadByIDProperty(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	id := srv.Put("contacts", map[string]string{"email": "ada@example.com", "firstname": "Ada"})
	c := newClient(t, srv)
	rep, err := c.Objects("contacts").Read(context.Background(), slices.Values([]string{"ADA@example.com"}), ReadOptions{IDProperty: "email", Properties: []string{"firstname"}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
	if r := rep.Outcomes[0].Result; r.ID != id || r.Properties["firstname"] != "Ada" {
		t.Errorf("result %+v", r)
	}
}

func TestArchive(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ids := []string{srv.Put("tickets", map[string]string{"subject": "a"}), srv.Put("tickets", map[string]string{"subject": "b"})}
	keep := srv.Put("tickets", map[string]string{"subject": "c"})
	c := newClient(t, srv)
	rep, err := c.Objects("0-5").Archive(context.Background(), slices.Values(append(ids, "")))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if !errors.Is(err, batch.ErrInvalid) {
		t.Errorf("err = %v", err)
	}
	if objs := srv.Objects("tickets"); len(objs) != 1 || objs[0].ID != keep {
		t.Errorf("left: %+v", objs)
	}
	if o, _ := srv.Object("tickets", ids[0]); !o.Archived {
		t.Error("not archived")
	}
}

// A storm of 429s (injected and from the rolling limit) with several
// workers: every record lands exactly once.
func TestRateLimitStormLandsOnce(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetRateLimit(4, 50*time.Millisecond)
	srv.FailNext(3, fakekit.RateLimited(5*time.Millisecond))
	c := newClient(t, srv, WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: 50, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}}),
		WithEngine(batch.Config{Concurrency: 4}), WithBatchSize(20))
	in := contacts(400, "storm")
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 400, Succeeded: 400, Failed: 0, NotAttempted: 0})
	st := srv.Stats()
	// The rolling limit may or may not bite on a loaded machine; the
	// injected 429s always do.
	if st.Faults != 3 || rep.Retries < 3 || st.ByOp["create"]+st.RateLimited+st.Faults != st.Requests {
		t.Errorf("no storm: %+v, %d retries", st, rep.Retries)
	}
	if st.ByOp["create"] != 20 {
		t.Errorf("%d creates processed, want 20", st.ByOp["create"])
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
	if rl := c.RateLimit(); rl.Max != 4 || rl.Interval != 50*time.Millisecond || rl.Seen.IsZero() {
		t.Errorf("RateLimit() = %+v", rl)
	}
}

func TestDailyLimitStopsRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetDailyLimit(2)
	c := newClient(t, srv)
	in := contacts(500, "day")
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	checkStopped(t, rep, 500, 200, 0)
	if !errors.Is(err, batch.ErrQuotaExceeded) {
		t.Errorf("err = %v", err)
	}
	for _, o := range rep.Outcomes[200:] {
		if !errors.Is(o.Err, batch.ErrQuotaExceeded) || o.Status != batch.NotAttempted {
			t.Fatalf("record %d: %v %v", o.Index, o.Status, o.Err)
		}
	}
	if st := srv.Stats(); st.Requests != 3 || st.RateLimited != 1 {
		t.Errorf("fake saw %+v; the daily 429 must not be retried", st)
	}
	if rl := c.RateLimit(); rl.Daily != 2 || rl.DailyRemaining != 0 {
		t.Errorf("RateLimit() = %+v", rl)
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
}

// Each retryable class is retried and lands once; a create that may have
// been written is never resent.
func TestFaultClasses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		fault          fakekit.Fault
		create         bool
		wantOK         bool
		wantIs         error
		wantRequests   int
		wantLandedOnce bool
	}{
		{"423 locked", hubspottest.Locked(), false, true, nil, 2, true},
		{"477 migration", hubspottest.Migration(10 * time.Millisecond), false, true, nil, 2, true},
		{"429 secondly", fakekit.Fault{Status: 429, Code: "SECONDLY", RetryAfter: time.Millisecond}, true, true, nil, 2, true},
		{"500 update", fakekit.Status(500), false, true, nil, 2, true},
		{"502 update after write", fakekit.Fault{Status: 502, AfterWrite: true}, false, true, nil, 2, true},
		{"504 update", fakekit.Status(504), false, true, nil, 2, true},
		{"503 create", fakekit.Status(503), true, true, nil, 2, true},
		{"502 create after write", fakekit.Fault{Status: 502, AfterWrite: true}, true, false, batch.ErrOutcomeUnknown, 1, true},
		{"500 create", fakekit.Status(500), true, false, batch.ErrOutcomeUnknown, 1, false},
		{"dropped update", fakekit.Drop(), false, true, nil, 2, true},
		{"dropped create", fakekit.Drop(), true, false, batch.ErrOutcomeUnknown, 1, false},
		{"dropped create after write", fakekit.Fault{Drop: true, AfterWrite: true}, true, false, batch.ErrOutcomeUnknown, 1, true},
		{"dropped update after write", fakekit.Fault{Drop: true, AfterWrite: true}, false, true, nil, 2, true},
		{"malformed update", fakekit.Malformed(), false, true, nil, 2, true},
		{"malformed create", fakekit.Malformed(), true, false, batch.ErrOutcomeUnknown, 1, false},
		{"slow", fakekit.Slow(20 * time.Millisecond), true, true, nil, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			c := newClient(t, srv)
			objs := c.Objects("contacts")
			in := contacts(3, "f")
			var ids []string
			if !tc.create {
				for _, x := range in {
					ids = append(ids, srv.Put("contacts", x.Properties))
				}
			}
			srv.FailNext(1, tc.fault)
			var (
				rep *batch.Report[Result]
				err error
			)
			if tc.create {
				rep, err = objs.Create(context.Background(), slices.Values(in))
			} else {
				up := make([]UpdateInput, len(ids))
				for i, id := range ids {
					up[i] = UpdateInput{ID: id, Properties: Properties{"lastname": "L"}}
				}
				rep, err = objs.Update(context.Background(), slices.Values(up))
			}
			if tc.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 3, Failed: 0, NotAttempted: 0})
			} else {
				testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 0, Failed: 3, NotAttempted: 0})
				if !errors.Is(err, tc.wantIs) {
					t.Errorf("err = %v, want %v", err, tc.wantIs)
				}
			}
			if rep.Requests != tc.wantRequests {
				t.Errorf("%d requests, want %d", rep.Requests, tc.wantRequests)
			}
			wantCount := 0
			if tc.wantLandedOnce || !tc.create {
				wantCount = 3
			}
			if n := srv.Count("contacts"); n != wantCount {
				t.Errorf("fake holds %d, want %d", n, wantCount)
			}
			for _, o := range srv.Objects("contacts") {
				want := 1
				if !tc.create {
					want = 1 // Put counts 0; one update applied
					if tc.fault.AfterWrite {
						want = 2 // applied, answered 502, applied again (idempotent)
					}
				}
				if o.Writes != want {
					t.Errorf("object %s written %d times, want %d", o.ID, o.Writes, want)
				}
			}
		})
	}
}

// A 477 asking for longer than the policy allows: not waited out, the
// records are not attempted.
func TestRetryAfterBeyondPolicy(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.FailNext(1, hubspottest.Migration(time.Hour))
	c := newClient(t, srv)
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(5, "mig")))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 0, Failed: 0, NotAttempted: 5})
	var he *Error
	if !errors.Is(err, batch.ErrRetryAfterTooLong) || !errors.As(err, &he) || he.HTTPStatus != 477 || srv.Count("contacts") != 0 {
		t.Errorf("err = %v", err)
	}
}

// A cancelled context mid-run: every record is accounted for, and every
// success is in the fake.
func TestCancelMidRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var chunks atomic.Int32
	c := newClient(t, srv, WithBatchSize(10), WithEngine(batch.Config{Retry: fastRetry, OnProgress: func(batch.Progress) {
		if chunks.Add(1) == 3 {
			cancel()
		}
	}}))
	in := contacts(200, "cx")
	rep, err := c.Objects("contacts").Create(ctx, slices.Values(in))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if !rep.Balanced() || rep.Total > 200 || rep.Succeeded != 30 || rep.NotAttempted+rep.Failed != rep.Total-30 {
		t.Errorf("report %d/%d/%d of %d", rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Total)
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
}

// Cancelling during a slow answer: the in-flight records are failed (their
// fate is unknown), the rest not attempted.
func TestCancelDuringSlowAnswer(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.FailNext(1, fakekit.Slow(5*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // cancel once the first request is being held back
		for srv.Stats().Requests == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	c := newClient(t, srv, WithBatchSize(10))
	start := time.Now()
	rep, _ := c.Objects("contacts").Create(ctx, slices.Values(contacts(30, "slow")))
	if time.Since(start) > 2*time.Second {
		t.Error("the wait was not interrupted")
	}
	checkStopped(t, rep, 30, 0, 10)
}

func TestClientSideValidation(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := newClient(t, srv)
	ctx := context.Background()
	rep, _ := c.Objects("contacts").Create(ctx, slices.Values([]CreateInput{{}, {Properties: Properties{"": "x"}}, {Properties: Properties{"a": "b"}, ObjectWriteTraceID: strings.Repeat("t", 300)}}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 0, Failed: 3, NotAttempted: 0})
	for i, want := range []error{batch.ErrInvalid, batch.ErrInvalid, batch.ErrInvalid} {
		if !errors.Is(rep.Outcomes[i].Err, want) {
			t.Errorf("record %d: %v, want %v", i, rep.Outcomes[i].Err, want)
		}
	}
	for _, typ := range []string{"", "../contacts", "con tacts", "a/b"} {
		rep, err := c.Objects(typ).Archive(ctx, slices.Values([]string{"1"}))
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 0, Failed: 1, NotAttempted: 0})
		if !errors.Is(err, batch.ErrInvalid) {
			t.Errorf("type %q: %v", typ, err)
		}
	}
	if st := srv.Stats(); st.Requests != 0 {
		t.Errorf("invalid records were sent: %+v", st)
	}
}

// Duplicate caller trace ids inside one request: the later input is
// refused, not sent, and the rest match correctly.
func TestDuplicateTraceIDs(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	a := srv.Put("deals", map[string]string{"amount": "1"})
	b := srv.Put("deals", map[string]string{"amount": "1"})
	c := newClient(t, srv)
	rep, _ := c.Objects("deals").Update(context.Background(), slices.Values([]UpdateInput{
		{ID: a, Properties: Properties{"amount": "2"}, ObjectWriteTraceID: "same"},
		{ID: b, Properties: Properties{"amount": "3"}, ObjectWriteTraceID: "same"},
	}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1, NotAttempted: 0})
	if !errors.Is(rep.Outcomes[1].Err, batch.ErrDuplicate) {
		t.Errorf("record 1: %v", rep.Outcomes[1].Err)
	}
	if o, _ := srv.Object("deals", b); o.Writes != 0 {
		t.Error("the refused input was written")
	}
}

func TestAuthFailureStopsRun(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	const secret = "pat-na1-0123456789abcdef-SECRET"
	var logs strings.Builder
	c, err := New(WithBaseURL(srv.BaseURL()), WithToken(secret), WithBatchSize(10), WithEngine(batch.Config{Retry: fastRetry}),
		WithEngine(batch.Config{Logger: slogTo(&logs)}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(contacts(30, "auth")))
	checkStopped(t, rep, 30, 0, 0)
	if !errors.Is(err, batch.ErrUnauthorized) || srv.Stats().Requests != 1 {
		t.Errorf("err = %v, requests %d", err, srv.Stats().Requests)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Error("the token leaked into an error or a log line")
	}
	if !strings.Contains(logs.String(), "httpx") {
		t.Error("no log line was written: the leak check proves nothing")
	}
}

// An update without properties is sent with {} (the field is required) and
// changes nothing.
func TestUpdateWithoutProperties(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	id := srv.Put("deals", map[string]string{"amount": "1"})
	c := newClient(t, srv)
	rep, err := c.Objects("deals").Update(context.Background(), slices.Values([]UpdateInput{{ID: id}}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
	if o, _ := srv.Object("deals", id); o.Properties["amount"] != "1" || o.Writes != 1 {
		t.Errorf("object %+v", o)
	}
}
