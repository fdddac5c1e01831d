package redislimit

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// The scripts read the time from Redis (TIME, in microseconds) so that
// every process shares one clock; a test may pass the time instead as the
// last argument. Times are written with %.0f: Lua numbers are doubles, exact
// for integers below 2^53 (µs since 1970 stay below that until the year 2255).

// luaClock is the shared prelude: now is the test's time or Redis TIME.
const luaClock = `
local now
if ARGV[#ARGV] ~= '' then
  now = tonumber(ARGV[#ARGV])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
`

// rateScript grants one request if the account is not paused, fewer than
// n requests hold a place in the window, and — when burst < n — the grants
// keep an even pace of n per window with at most burst at once (GCRA: a
// grant is due at the theoretical arrival time, up to burst-1 intervals
// early).
//
// A place is a member of a sorted set scored with the time it leaves the
// window: the grant's time plus the window for a request counted from its
// grant, or, for one counted from its end, plus the window and a lease
// (renewed while the request is in flight, then set to its end plus the
// window by rateDoneScript).
//
// KEYS[1]: the places (sorted set: member → time it leaves, µs).
// KEYS[2]: the shared not-before time.
// KEYS[3]: the pace's theoretical arrival time (used when burst < n).
// ARGV: n, window (µs), burst, member, lease (µs; 0: counted from the grant), now (µs or "").
// Returns 0 when granted, else the µs to wait before asking again.
var rateScript = redis.NewScript(luaClock + `
local notBefore = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < notBefore then
  return notBefore - now
end
local n = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local lease = tonumber(ARGV[5])
local interval = window / n
local tat = now
if burst < n then
  tat = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), now)
  local due = tat - (burst - 1) * interval
  if now < due then
    return math.ceil(due - now)
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
if redis.call('ZCARD', KEYS[1]) >= n then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(first[2]) - now)
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + window + lease), ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil((window + lease) / 1000) + 1000)
if burst < n then
  redis.call('SET', KEYS[3], string.format('%.0f', tat + interval), 'PX', math.ceil(window / 1000) + 1000)
end
return 0
`)

// rateRenewScript extends the place of a request in flight to now plus
// the window and the lease; a place that vanished (Redis lost it) is taken
// back: the request is in flight and must be counted.
//
// KEYS[1]: the places.
// ARGV: member, window + lease (µs), now (µs or "").
// Returns 1 renewed, 2 taken back.
var rateRenewScript = redis.NewScript(luaClock + `
local until_ = tonumber(ARGV[2]) + now
local added = redis.call('ZADD', KEYS[1], string.format('%.0f', until_), ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) / 1000) + 1000)
if added == 1 then
  return 2
end
return 1
`)

// rateDoneScript sets the place of a finished request to leave the window
// a window after now (keeping it if it was there, adding it back if Redis
// lost it).
//
// KEYS[1]: the places.
// ARGV: member, window (µs), now (µs or "").
var rateDoneScript = redis.NewScript(luaClock + `
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) / 1000 then
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) / 1000) + 1000)
end
return 0
`)

// pauseScript moves the shared not-before time to now+wait unless it is
// already later.
//
// KEYS[1]: the shared not-before time.
// ARGV: wait (µs), now (µs or "").
var pauseScript = redis.NewScript(luaClock + `
local wait = tonumber(ARGV[1])
local notBefore = now + wait
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if notBefore > current then
  redis.call('SET', KEYS[1], string.format('%.0f', notBefore), 'PX', math.ceil(wait / 1000) + 1000)
end
return 0
`)

// pausedScript reads the shared not-before time.
//
// KEYS[1]: the shared not-before time.
// ARGV: now (µs or "").
// Returns the µs left to wait, 0 when not paused.
var pausedScript = redis.NewScript(luaClock + `
local notBefore = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < notBefore then
  return notBefore - now
end
return 0
`)

// acquireScript takes the first free slot: SET NX with the lease TTL. A
// token that already holds a slot (its earlier call took one, but the
// reply was lost and the call is being retried) gets that slot back,
// renewed, rather than a second one.
//
// KEYS: the slot keys.
// ARGV: token, lease TTL (ms).
// Returns {slot (1-based), 0} when taken, else {0, ms until the first lease
// expires (-1 if unknown)}.
var acquireScript = redis.NewScript(`
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    return {i, 0}
  end
end
local soonest = -1
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return {i, 0}
  end
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl >= 0 and (soonest < 0 or ttl < soonest) then
    soonest = ttl
  end
end
return {0, soonest}
`)

// renewScript extends a lease still held by token; a lease that vanished
// (Redis restarted without its data) is taken back if the slot is free.
//
// KEYS[1]: the slot key.
// ARGV: token, lease TTL (ms).
// Returns 1 renewed, 2 taken back, 0 lost to another holder.
var renewScript = redis.NewScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
`)

// releaseScript deletes a lease still held by token.
//
// KEYS[1]: the slot key.
// ARGV: token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// probeScript grants nothing: the guard's way to learn that Redis answers
// again (see guard.probe). KEYS[1] routes it to the limiter's node.
var probeScript = redis.NewScript(`return 1`)

// probe returns a guard probe for the limiter whose keys share key's slot.
func probe(rdb redis.Scripter, key string) func(context.Context) error {
	return func(ctx context.Context) error { return probeScript.Run(ctx, rdb, []string{key}).Err() }
}
