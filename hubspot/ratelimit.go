package hubspot

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// BurstWindow is HubSpot's burst-limit window: limits are counted per
// rolling 10 seconds.
const BurstWindow = 10 * time.Second

// BurstLimiter returns a limiter that keeps requests at or under
// requestsPer10s in every rolling 10-second window, the way HubSpot counts
// its burst limit (100 for OAuth apps and Free/Starter, 190 for
// Professional and Enterprise private apps, 250 with the limit increase).
// The limit is per account and shared by every app: give one limiter to
// every client of the account, and pass less than the account's limit —
// a few requests at least, to absorb network and scheduling jitter between
// the limiter and HubSpot's clock, more to leave room for other
// integrations.
func BurstLimiter(requestsPer10s int) *rate.Limiter {
	return WindowLimiter(requestsPer10s, BurstWindow)
}

// WindowLimiter returns a limiter allowing at most n requests in any
// rolling window of the given length: a token bucket of one token filled
// at (n-1)/window, so that no window ever holds more than n requests.
func WindowLimiter(n int, window time.Duration) *rate.Limiter {
	if n < 1 || window <= 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	if n == 1 {
		return rate.NewLimiter(rate.Every(window), 1)
	}
	return rate.NewLimiter(rate.Limit(float64(n-1)/window.Seconds()), 1)
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
