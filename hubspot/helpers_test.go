package hubspot

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// fastRetry keeps every retry wait in milliseconds.
var fastRetry = batch.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second}

// newFake starts a fake with no rate limit (tests that want one set it).
func newFake(t testing.TB) *hubspottest.Server {
	t.Helper()
	srv := hubspottest.NewServer()
	srv.SetRateLimit(0, 0)
	t.Cleanup(srv.Close)
	return srv
}

// newClient builds a client for srv with millisecond retries.
func newClient(t testing.TB, srv *hubspottest.Server, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(srv.URL), WithToken(hubspottest.DefaultToken), WithRetryPolicy(fastRetry), WithLockedWait(5 * time.Millisecond)}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkReport fails t unless rep accounts for each of total records exactly
// once, with the wanted counts.
func checkReport[R any](t *testing.T, rep *batch.Report[R], total, succeeded, failed, notAttempted int) {
	t.Helper()
	if rep == nil {
		t.Fatal("nil report")
	}
	if !rep.Balanced() {
		t.Errorf("unbalanced report: %d+%d+%d != %d", rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Total)
	}
	if rep.Total != total || rep.Succeeded != succeeded || rep.Failed != failed || rep.NotAttempted != notAttempted {
		t.Errorf("counts total/succeeded/failed/not attempted = %d/%d/%d/%d, want %d/%d/%d/%d",
			rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, total, succeeded, failed, notAttempted)
	}
	if len(rep.Outcomes) != total {
		t.Fatalf("%d outcomes, want %d", len(rep.Outcomes), total)
	}
	for i, o := range rep.Outcomes {
		if o.Index != i {
			t.Fatalf("Outcomes[%d].Index = %d", i, o.Index)
		}
		if (o.Status == batch.Succeeded) != (o.Err == nil) {
			t.Errorf("record %d: status %v with err %v", i, o.Status, o.Err)
		}
	}
	if (rep.Err() == nil) != (failed+notAttempted == 0) {
		t.Errorf("Err() = %v", rep.Err())
	}
}

// contacts makes n create inputs with unique emails.
func contacts(n int, prefix string) []CreateInput {
	in := make([]CreateInput, n)
	for i := range in {
		in[i] = CreateInput{Properties: Properties{"email": fmt.Sprintf("%s%d@example.com", prefix, i), "firstname": fmt.Sprint("N", i)}}
	}
	return in
}

// landedOnce checks that every succeeded create is in the fake exactly
// once, under the id the report gives, and that the fake holds nothing else.
func landedOnce(t *testing.T, srv *hubspottest.Server, objectType string, in []CreateInput, rep *batch.Report[Object], extra int) {
	t.Helper()
	for i, o := range rep.Outcomes {
		email := in[i].Properties["email"]
		got, found := srv.Find(objectType, "email", email)
		if o.Status != batch.Succeeded {
			continue
		}
		if !found {
			t.Errorf("record %d (%s) succeeded but is not in the fake", i, email)
			continue
		}
		if got.ID != o.Result.ID || got.Writes != 1 {
			t.Errorf("record %d: fake has id %s writes %d, report says id %s", i, got.ID, got.Writes, o.Result.ID)
		}
	}
	if n := srv.Count(objectType); n != rep.Succeeded+extra {
		t.Errorf("fake holds %d objects, want %d succeeded + %d", n, rep.Succeeded, extra)
	}
}

// slogTo logs everything, at debug level, to w.
func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
