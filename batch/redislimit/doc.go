// Package redislimit gives several processes that draw on one vendor
// account shared limits, kept in Redis (github.com/redis/go-redis/v9): a
// rate per rolling window, a bound on requests in flight, and the pause a
// vendor asks for (429 Retry-After), so that service instances or jobs on
// different hosts stay under the account's limits together.
//
//   - [RateLimiter]: at most n requests in any rolling window, across every
//     process using the same Redis and account key. It is a batch.Limiter
//     (Wait), a batch.Pauser (PauseUntil) and a batch.SlotLimiter (Acquire,
//     used with [WithWindowFromEnd]).
//   - [Semaphore]: at most n requests in flight. Each slot is a Redis key
//     holding one request's lease with a TTL the holder renews every third
//     of the TTL; a process killed with SIGKILL gives its slots back within
//     the lease TTL. A batch.SlotLimiter (Acquire) whose Wait honours the
//     account's pause.
//   - The pause: PauseUntil on either writes the account's not-before time
//     to Redis; every Wait of every process on that key honours it. A rate
//     limiter and a semaphore built with the same key share it.
//
// Combine them with batch.Combine for an account limited both ways, and
// give the limiter to a vendor client's WithLimiter: the engine waits,
// acquires before each request and releases when it returns, so nothing
// else needs wiring.
//
// # The window
//
// The rate is an exact rolling window, not an approximation: each granted
// request holds a place (a member of a sorted set scored with the time it
// leaves the window), and a request is granted when fewer than n places
// are held. After a stall a whole window may go at once, as the vendor's
// own rolling count allows; [WithBurst] keeps an even pace instead (GCRA on
// top of the window's cap). Time is Redis's (TIME inside the scripts), so
// the hosts' clocks do not matter, and every decision is one Lua script:
// atomic, one round trip. All keys of an account share a Redis Cluster hash
// tag ({key}).
//
// By default a place is held from the grant until a window later. A vendor
// counts a request when it arrives, so a request delayed between the grant
// and its arrival (a busy host, a queue of requests granted together) can
// land in the next window with others: lengthen the window by the delay
// you expect. [WithWindowFromEnd] holds the place until a window after the
// request ended instead, which no delay can overrun; it costs each place
// the request's duration, and needs an engine that calls Acquire.
//
// Why not github.com/go-redis/redis_rate/v10: its GCRA with burst b lets
// up to b+n-1 requests through in a window of length Period (after an idle
// spell, b at once and then one per Period/n), so it cannot keep "at most
// n in any rolling window" with full use of the window: only b = 1 keeps
// the cap, and then never more than one at once. It has no place for a
// shared pause (a second call, not atomic with the grant), and no way to
// count a request until it ended. The scripts here are about as short as
// its own.
//
// # Redis down or slow: fail closed
//
// Without Redis no process can know what the others sent, so no request is
// let through. A Wait or Acquire whose call to Redis fails retries with
// backoff (25 ms doubling to 1 s, jittered) for [WithMaxOutage] (default
// 30 s), then returns an [*UnavailableError] matching [ErrUnavailable]; its
// StopRun method asks the batch engine to end the run, so the records not
// yet sent end not attempted with that error instead of each waiting out
// the outage. Once a limiter has given up, later calls try Redis once and
// fail at once until it answers. An error reply that will not pass by
// itself (a key of the wrong type) fails at once. Go-redis's own timeouts
// (DialTimeout, ReadTimeout) bound each try; set them to what your Redis
// should answer in.
//
// When Redis answers again after failures it may have restarted empty, so
// the limiter holds this process back before granting again: a rate
// limiter until a window after the failures began (a window after the
// recovery with WithWindowFromEnd), a semaphore for a lease TTL, which lets
// the holders of vanished leases take them back at their next renewal.
// A pause PauseUntil could not write is still honoured by its own process.
// Requests already granted go on: a lease that cannot be renewed for a
// whole TTL may be taken by another process while its request is in
// flight (logged as a warning). Run Redis with persistence, or accept that
// a restart may cost one window's margin.
//
// # Rules for every process of an account
//
// Use the same Redis, the same key and the same numbers and options: a
// process given a larger n, or a shorter window, takes more than its share.
// Keys written are crmbatch:{key}:rate, :pace, :notbefore and :slot:<i>;
// each expires on its own once unused.
//
// # Tests
//
// The tests need a real Redis: set CRMBATCH_REDIS_ADDR=host:port of a
// scratch server (they write only keys under crmbatch:{test:…}); without it
// they skip, saying so, except in CI (CI=true), where they fail. .ci/run
// starts one. Some tests start their own redis-server (from PATH) to kill it.
package redislimit
