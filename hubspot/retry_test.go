package hubspot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// Per-record RATE_LIMITS errors in a 207: only those records are sent
// again, and each lands once.
func TestPerRecordRateLimitRetriesOnlyThoseRecords(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	var mu sync.Mutex
	refused := map[string]bool{}
	srv.FailInputs(func(in hubspottest.Input) *hubspottest.InputError {
		mu.Lock()
		defer mu.Unlock()
		e := in.Properties["email"]
		if (e == "r3@example.com" || e == "r8@example.com") && !refused[e] {
			refused[e] = true
			return &hubspottest.InputError{Category: string(CodeRateLimits), Message: "secondly limit"}
		}
		return nil
	})
	c := newClient(t, srv)
	in := contacts(10, "r")
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10, Failed: 0, NotAttempted: 0})
	if st := srv.Stats(); rep.Requests != 2 || rep.Retries != 1 || st.Inputs != 12 {
		t.Errorf("requests %d retries %d, fake saw %d inputs; want 2, 1, 12", rep.Requests, rep.Retries, st.Inputs)
	}
	for i, o := range rep.Outcomes {
		want := 1
		if i == 3 || i == 8 {
			want = 2
		}
		if int(o.Attempts) != want {
			t.Errorf("record %d sent %d times, want %d", i, o.Attempts, want)
		}
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
}

// A whole-request 400 that names inputs: those fail, the others were not
// written and are sent again without them.
func TestWholeRequestRejectNamingInputs(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	var cap capture
	gock.New(gockBase).Post("/crm/objects/2026-09/contacts/batch/create").Reply(400).
		BodyString(`{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid","correlationId":"c9","context":{"objectWriteTraceId":["t1"]}}`)
	gock.New(gockBase).Post("/crm/objects/2026-09/contacts/batch/create").AddMatcher(cap.matcher).Reply(201).
		BodyString(`{"status":"COMPLETE","results":[{"id":"7","objectWriteTraceId":"t0","properties":{}},{"id":"8","objectWriteTraceId":"t2","properties":{}}]}`)
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values([]CreateInput{
		{Properties: Properties{"a": "0"}, ObjectWriteTraceID: "t0"},
		{Properties: Properties{"a": "1"}, ObjectWriteTraceID: "t1"},
		{Properties: Properties{"a": "2"}, ObjectWriteTraceID: "t2"},
	}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if !errors.Is(err, batch.ErrInvalid) || rep.Outcomes[1].Attempts != 1 || rep.Outcomes[2].Result.ID != "8" {
		t.Errorf("err %v, outcomes %+v", err, rep.Outcomes)
	}
	want := `{"inputs":[{"properties":{"a":"0"},"associations":[],"objectWriteTraceId":"t0"},{"properties":{"a":"2"},"associations":[],"objectWriteTraceId":"t2"}]}`
	if len(cap.reqs) != 1 || cap.reqs[0].Body != want {
		t.Errorf("resent %+v, want %s", cap.reqs, want)
	}
}

// A whole-request 409 on create (duplicate email, inputs not told apart)
// is isolated like a 400.
func TestCreateWholeBatchConflictIsolates(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.Put("contacts", map[string]string{"email": "c2@example.com"})
	srv.SetAllOrNothing(true)
	c := newClient(t, srv, WithBatchSize(4))
	in := contacts(4, "c")
	rep, _ := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 4, Succeeded: 3, Failed: 1, NotAttempted: 0})
	if o := rep.Outcomes[2]; o.Status != batch.Failed || !errors.Is(o.Err, batch.ErrDuplicate) {
		t.Errorf("record 2: %v", o.Err)
	}
	landedOnce(t, srv, "contacts", in, rep, 1)
}

// A server that takes fewer inputs than the batch size: the whole-request
// 400 is isolated into halves that fit, so every record still goes in once.
func TestBatchSizeAboveServerLimit(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetMaxBatch(60)
	c := newClient(t, srv)
	in := contacts(100, "big")
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 100, Succeeded: 100, Failed: 0, NotAttempted: 0})
	if st := srv.Stats(); rep.Requests != 3 || st.ByOp["create"] != 2 {
		t.Errorf("%d requests, fake processed %d", rep.Requests, st.ByOp["create"])
	}
	landedOnce(t, srv, "contacts", in, rep, 0)
}
