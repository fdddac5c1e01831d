package hubspot

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// BurstWindow is HubSpot's burst-limit window: limits are counted per
// rolling 10 seconds.
const BurstWindow = 10 * time.Second

// BurstLimiter returns a limiter that keeps requests at or under
// requestsPer10s in every rolling 10-second window, the way HubSpot counts
// its burst limit: 110 for public OAuth apps (per installing account), and
// for private apps 100 on Free and Starter, 190 on Professional and
// Enterprise, 250 with the API limit increase. The burst limit is per app:
// give one limiter to every client of the same app and account. (The
// daily limit, by contrast, is shared by every app of the account; a
// daily 429 stops the run.) Pass a little less than the limit, to absorb
// network and scheduling jitter between the limiter and HubSpot's clock,
// and less again if other integrations use the same app.
//
// The limiter is a [batch.WindowLimiter]: after a stall it uses the whole
// window at once, and it takes the engine's pauses (a 429's Retry-After
// holds back every client sharing it).
func BurstLimiter(requestsPer10s int) *batch.WindowLimiter {
	return WindowLimiter(requestsPer10s, BurstWindow)
}

// WindowLimiter returns a limiter allowing at most n requests in any
// rolling window of the given length (see [batch.NewWindowLimiter]); with
// n < 1 or window <= 0 it does not limit.
func WindowLimiter(n int, window time.Duration) *batch.WindowLimiter {
	return batch.NewWindowLimiter(n, window)
}

// RateLimit is the last X-HubSpot-RateLimit-* snapshot a client saw. A
// field HubSpot did not send is -1.
type RateLimit struct {
	// Max and Remaining are the rolling burst limit and what is left of
	// it; Interval is its window (X-HubSpot-RateLimit-Interval-Milliseconds).
	Max, Remaining int
	Interval       time.Duration
	// Secondly and SecondlyRemaining are the older per-second headers.
	Secondly, SecondlyRemaining int
	// Daily and DailyRemaining are the account's daily quota.
	Daily, DailyRemaining int
	// Seen is when the headers were read; zero if never.
	Seen time.Time
}

func unknownRateLimit() RateLimit {
	return RateLimit{Max: -1, Remaining: -1, Interval: -1, Secondly: -1, SecondlyRemaining: -1, Daily: -1, DailyRemaining: -1}
}

// RateLimit returns the X-HubSpot-RateLimit-* headers of the latest answer
// (of any call, any status) that carried any; fields never sent are -1 and
// Seen is zero before the first such answer. This is where the headers
// are exposed: a *batch.Report has no field for them.
func (c *Client) RateLimit() RateLimit {
	c.rateMu.Lock()
	defer c.rateMu.Unlock()
	return c.rate
}

// noteRateLimit records the X-HubSpot-RateLimit-* headers of h, if any.
func (c *Client) noteRateLimit(h http.Header, now time.Time) {
	rl, ok := parseRateLimit(h)
	if !ok {
		return
	}
	rl.Seen = now
	c.rateMu.Lock()
	if !c.rate.Seen.After(now) {
		c.rate = rl
	}
	c.rateMu.Unlock()
}

// parseRateLimit reads the rate-limit headers; false when none is present.
func parseRateLimit(h http.Header) (RateLimit, bool) {
	rl := unknownRateLimit()
	found := false
	num := func(name string, dst *int) {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			return
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			*dst = n
			found = true
		}
	}
	num("X-HubSpot-RateLimit-Max", &rl.Max)
	num("X-HubSpot-RateLimit-Remaining", &rl.Remaining)
	num("X-HubSpot-RateLimit-Secondly", &rl.Secondly)
	num("X-HubSpot-RateLimit-Secondly-Remaining", &rl.SecondlyRemaining)
	num("X-HubSpot-RateLimit-Daily", &rl.Daily)
	num("X-HubSpot-RateLimit-Daily-Remaining", &rl.DailyRemaining)
	ms := -1
	num("X-HubSpot-RateLimit-Interval-Milliseconds", &ms)
	if ms >= 0 {
		rl.Interval = time.Duration(ms) * time.Millisecond
	}
	return rl, found
}
