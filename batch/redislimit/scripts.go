package redislimit

import "github.com/redis/go-redis/v9"

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

// rateScript grants one request if the account is not paused and fewer
// than n requests were granted in the rolling window ending now.
//
// KEYS[1]: the log of grant times (a list, newest first, at most n long).
// KEYS[2]: the shared not-before time.
// ARGV: n, window (µs), now (µs or "").
// Returns 0 when granted, else the µs to wait before asking again.
var rateScript = redis.NewScript(luaClock + `
local notBefore = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < notBefore then
  return notBefore - now
end
local n = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if redis.call('LLEN', KEYS[1]) >= n then
  local free = tonumber(redis.call('LINDEX', KEYS[1], n - 1)) + window
  if now < free then
    return free - now
  end
end
redis.call('LPUSH', KEYS[1], string.format('%.0f', now))
redis.call('LTRIM', KEYS[1], 0, n - 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
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

// acquireScript takes the first free slot: SET NX with the lease TTL.
//
// KEYS: the slot keys.
// ARGV: token, lease TTL (ms).
// Returns {slot (1-based), 0} when taken, else {0, ms until the first lease
// expires (-1 if unknown)}.
var acquireScript = redis.NewScript(`
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
