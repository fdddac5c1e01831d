package pardot_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// fastRetry keeps test retries in milliseconds.
var fastRetry = batch.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// newClient points a client at srv with fast retries; opts come after.
func newClient(t *testing.T, srv *pardottest.Server, opts ...pardot.Option) *pardot.Client {
	t.Helper()
	base := []pardot.Option{pardot.WithBaseURL(srv.BaseURL()), pardot.WithEngine(batch.Config{Retry: fastRetry})}
	c, err := pardot.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withEngine is WithEngine with fastRetry unless cfg sets a policy.
func withEngine(cfg batch.Config) pardot.Option {
	if cfg.Retry == (batch.RetryPolicy{}) {
		cfg.Retry = fastRetry
	}
	return pardot.WithEngine(cfg)
}

// withProgress sets the engine's progress hook, with fastRetry.
func withProgress(f func(batch.Progress)) pardot.Option {
	return withEngine(batch.Config{OnProgress: f})
}

func legacy() pardot.Option {
	return pardot.WithLegacyLogin(pardottest.Email, pardottest.Password, pardottest.UserKey)
}

func oauth() pardot.Option {
	return pardot.WithToken(pardottest.AccessToken, pardottest.BusinessUnitID)
}

// code is a Pardot code as the fake's ErrorCode takes it.
func code(c pardot.Code) int { return int(c) }

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

// counts is testkit.Counts: total, succeeded, failed, not attempted.
func counts(total, succeeded, failed, notAttempted int) testkit.Counts {
	return testkit.Counts{Total: total, Succeeded: succeeded, Failed: failed, NotAttempted: notAttempted}
}

// checkRun checks the report's counts (testkit.CheckCounts) and that the
// run's error is nil exactly when every record succeeded.
func checkRun(t *testing.T, rep *batch.Report[pardot.Result], err error, want testkit.Counts) {
	t.Helper()
	testkit.CheckCounts(t, rep, want)
	if (err == nil) != (want.Failed+want.NotAttempted == 0) {
		t.Errorf("err = %v with %d failed, %d not attempted", err, want.Failed, want.NotAttempted)
	}
}

// checkStopped asserts a run that stopped early: want's successes and
// failures, at most want.Total records read, the rest not attempted, and an
// error.
func checkStopped(t *testing.T, rep *batch.Report[pardot.Result], err error, want testkit.Counts) {
	t.Helper()
	testkit.CheckStopped(t, rep, want)
	if err == nil {
		t.Error("a stopped run returned no error")
	}
}

// checkLandedOnce asserts every succeeded create landed exactly once, and
// nothing else landed unless its outcome is unknown.
func checkLandedOnce(t *testing.T, srv *pardottest.Server, rep *batch.Report[pardot.Result], ps []pardot.Prospect) {
	t.Helper()
	for _, o := range rep.Outcomes {
		got := srv.ByEmail(ps[o.Index].Email)
		switch o.Status {
		case batch.Succeeded:
			if len(got) != 1 || got[0].Writes != 1 {
				t.Errorf("record %d (%s): %d stored copies, want exactly one written once", o.Index, ps[o.Index].Email, len(got))
			}
		case batch.NotAttempted:
			if len(got) != 0 {
				t.Errorf("record %d not attempted but stored", o.Index)
			}
		}
	}
}

// shape is an API version and the format of requests and answers.
type shape struct {
	version string
	format  pardot.Format
}

func (s shape) String() string { return fmt.Sprintf("v%s/%v", s.version, s.format) }

// shapes are the four wire shapes.
var shapes = []shape{{"3", pardot.JSON}, {"3", pardot.XML}, {"4", pardot.JSON}, {"4", pardot.XML}}
