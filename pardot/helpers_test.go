package pardot_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
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

// shape is an API version and the format of both requests and answers.
type shape struct {
	version int
	format  pardot.Format
}

func (s shape) String() string { return fmt.Sprintf("v%d/%v", s.version, s.format) }

// shapes are the four wire shapes.
var shapes = []shape{{3, pardot.JSON}, {3, pardot.XML}, {4, pardot.JSON}, {4, pardot.XML}}
