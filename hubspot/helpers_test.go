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
	base := []Option{WithBaseURL(srv.BaseURL()), WithToken(hubspottest.DefaultToken), WithEngine(batch.Config{Retry: fastRetry}), WithLockedWait(5 * time.Millisecond)}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkStopped checks a run that stopped early (a spent quota, refused
// credentials, a cancellation): it balances, with the given succeeded and
// failed counts, and every other record it read not attempted. The
// engine may stop reading a stream when the run stops, so the total is at
// most n (and at least one record is not attempted).
func checkStopped[R any](t *testing.T, rep *batch.Report[R], n, succeeded, failed int) {
	t.Helper()
	if rep == nil || !rep.Balanced() {
		t.Fatalf("report does not balance: %+v", rep)
	}
	if rep.Total > n || rep.Succeeded != succeeded || rep.Failed != failed || rep.NotAttempted < 1 {
		t.Fatalf("total %d (of %d), succeeded %d, failed %d, not attempted %d; want %d succeeded, %d failed, the rest not attempted; err: %v",
			rep.Total, n, rep.Succeeded, rep.Failed, rep.NotAttempted, succeeded, failed, rep.Err())
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
func landedOnce(t *testing.T, srv *hubspottest.Server, objectType string, in []CreateInput, rep *batch.Report[Result], extra int) {
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
