package redislimit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// killRun pushes 600 contacts through the HubSpot fake (10 per request,
// 20 requests per rolling second) with a limiter of 10 per second (half:
// these tests are about Redis dying, not about delays) on a redis-server
// of the test's own, and calls midRun once, from the progress hook, after
// the first 100 records are done.
func killRun(t *testing.T, maxOutage time.Duration, midRun func(*ownRedis)) (*batch.Report[hubspot.Result], *hubspottest.Server, time.Duration) {
	t.Helper()
	own := startOwnRedis(t)
	// No retries inside go-redis: the limiter's own retries are under test.
	rdb := redis.NewClient(&redis.Options{Addr: own.addr(), MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	rl, err := NewRateLimiter(rdb, "hubspot:kill-test", 10, time.Second, WithMaxOutage(maxOutage))
	if err != nil {
		t.Fatal(err)
	}
	fake := hubspottest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetRateLimit(20, time.Second)
	var once sync.Once
	c, err := hubspot.New(hubspot.WithBaseURL(fake.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{Limiter: rl}), hubspot.WithEngine(batch.Config{Concurrency: 2}), hubspot.WithBatchSize(10),
		hubspot.WithEngine(batch.Config{OnProgress: func(p batch.Progress) {
			if p.Done >= 100 {
				once.Do(func() { midRun(own) })
			}
		}}))
	if err != nil {
		t.Fatal(err)
	}
	in := make([]hubspot.CreateInput, 600)
	for i := range in {
		in[i] = hubspot.CreateInput{Properties: hubspot.Properties{"email": fmt.Sprintf("k%d@example.com", i)}}
	}
	start := time.Now()
	rep, _ := c.Objects("contacts").Create(context.Background(), slices.Values(in))
	return rep, fake, time.Since(start)
}

// TestRedisKilledMidRun: redis-server dies (SIGKILL) in the middle of a
// run and stays down. The limiter fails closed: no request goes out
// without a grant, the records not sent end not attempted with an error
// matching ErrUnavailable (or, if the run stops reading, stay unread and
// in no count), and the counts add up.
func TestRedisKilledMidRun(t *testing.T) {
	rep, fake, took := killRun(t, 500*time.Millisecond, (*ownRedis).kill)
	// The records not read when the run stopped (if it stopped reading)
	// are in no count; every record read is accounted for.
	if !rep.Balanced() || rep.Total > 600 || (rep.Total < 600 && !rep.InputIncomplete) {
		t.Fatalf("counts do not add up: %d read of 600, %d succeeded, %d failed, %d not attempted, input incomplete %v",
			rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.InputIncomplete)
	}
	if rep.Succeeded < 100 || rep.Succeeded == 600 || rep.Failed != 0 {
		t.Errorf("want ≥100 succeeded before the kill and the rest not attempted: %d succeeded, %d failed, %d not attempted",
			rep.Succeeded, rep.Failed, rep.NotAttempted)
	}
	if got := fake.Count("contacts"); got != rep.Succeeded {
		t.Errorf("the fake holds %d contacts, the report says %d succeeded", got, rep.Succeeded)
	}
	for _, o := range rep.Outcomes {
		if o.Status == batch.NotAttempted && !errors.Is(o.Err, ErrUnavailable) {
			t.Fatalf("record %d not attempted with %v, want ErrUnavailable", o.Index, o.Err)
		}
	}
	if st := fake.Stats(); st.RateLimited != 0 {
		t.Errorf("the fake answered %d requests with 429", st.RateLimited)
	}
	t.Logf("redis killed after 100 records: %d succeeded, %d not attempted (ErrUnavailable), run over in %v",
		rep.Succeeded, rep.NotAttempted, took.Round(time.Millisecond))
	if took > 30*time.Second { // generous: each chunk after the first verdict tries Redis once
		t.Errorf("the run took %v to give up", took)
	}
}

// TestRedisRestartedMidRun: redis-server dies and comes back empty within
// MaxOutage; the run waits it out and finishes. (That the limiter then
// holds back a window is TestRecoversAndHoldsAWindow.)
func TestRedisRestartedMidRun(t *testing.T) {
	rep, fake, _ := killRun(t, 20*time.Second, func(r *ownRedis) {
		r.kill()
		time.Sleep(300 * time.Millisecond)
		r.start()
	})
	if !rep.Balanced() || rep.Succeeded != 600 {
		t.Fatalf("want all 600 succeeded across the restart: %d succeeded, %d failed, %d not attempted: %v",
			rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Err())
	}
	if st := fake.Stats(); st.RateLimited != 0 {
		t.Errorf("the fake answered %d requests with 429 after the restart", st.RateLimited)
	}
}
