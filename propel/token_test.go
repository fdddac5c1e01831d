package propel

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"gopkg.in/h2non/gock.v1"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestTokenRenewedFiveMinutesBeforeExpiry: Propeller's tokens last 30
// minutes and it recommends renewing about 5 minutes before they expire.
// With the token endpoint's answer (expires_in 1800) and a clock the test
// moves, the token is reused for 24:59 and replaced at 25:00, before any
// request is refused.
func TestTokenRenewedFiveMinutesBeforeExpiry(t *testing.T) {
	defer gock.Off()
	clock := &testClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	c := gockClient(t)
	c.cfg.now = clock.Now
	c.tokens.now = clock.Now
	c.tokens.src.(*clientCredentials).now = clock.Now

	send := func(token string) {
		t.Helper()
		gock.New(gockBase).Post("/customers/bulk/sourceId").
			MatchHeader("Authorization", "^Bearer "+token+"$").
			Reply(200).BodyString(`{"data":[{"action":"update","id":1,"key":"C-1","lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":1}`)
		rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "CRM", SourceID: "C-1"}}))
		if err != nil || rep.Succeeded != 1 || rep.Requests != 1 {
			t.Fatalf("run with token %s: %v (report %+v)", token, err, rep)
		}
		if !gock.IsDone() {
			t.Fatalf("the request did not carry token %s", token)
		}
	}
	mockToken("token_new.json") // tok-new-1, expires_in 1800
	send("tok-new-1")
	clock.Advance(24*time.Minute + 59*time.Second)
	send("tok-new-1") // 5:01 left: still used
	clock.Advance(time.Second)
	gock.New(gockHost).Post("/oauth2/token").Reply(200).JSON(map[string]any{"access_token": "tok-new-2", "expires_in": 1800, "token_type": "Bearer"})
	send("tok-new-2") // 5:00 left: renewed before use
}

func TestRenewMargin(t *testing.T) {
	got := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		life, want time.Duration
	}{
		{30 * time.Minute, 5 * time.Minute},
		{1899 * time.Second, 5 * time.Minute}, // the old answer's "expires_in":"1899"
		{2 * time.Hour, 5 * time.Minute},
		{60 * time.Second, 10 * time.Second}, // short-lived: a sixth of its life
		{0, 0},
		{-time.Minute, 0}, // already expired: renewed at once
	} {
		if m := renewMargin(got, got.Add(tt.life)); m != tt.want {
			t.Errorf("life %v: margin %v, want %v", tt.life, m, tt.want)
		}
	}
}
