// Package batch is crmbatch's vendor-neutral bulk engine.
//
// A vendor package describes one operation as an [Op]: how to send one chunk
// of records and read back one [Result] per record, how big a chunk may be,
// and which records to refuse before any request. [Run] (for an iter.Seq)
// and [RunSlice] take the caller's whole input and do the rest:
//
//   - split it into chunks by item count and, when the vendor limits it, by
//     encoded bytes (a record larger than the limit fails on its own);
//   - wait on a [Limiter] before every request and keep up to
//     Config.Concurrency chunks in flight;
//   - retry a chunk whose send failed with a retryable error, retry only the
//     records that failed with a retryable reason, and, where the vendor opts
//     in, split a chunk rejected as a whole into halves until the bad records
//     are named;
//   - record one [Outcome] per input record in a [Report].
//
// Every record ends in exactly one of three states — succeeded, failed, or
// not attempted — so Succeeded+Failed+NotAttempted always equals Total, under
// faults and under cancellation.
//
// # Retries and waits
//
// A record to retry goes back to the input side with a not-before time —
// the server's wait when it gave one, else the policy's backoff for that
// record's own attempt count — and is packed, ahead of fresh records, into
// the next chunk cut after that time. No worker sleeps on a chunk while
// other work is ready: 2 % of records refused retryably cost a couple of
// extra requests, not one per chunk. Once the input is read, the waiting
// records go out as full chunks, or as a partial one when nothing else
// can join it or its first record has been due for RetryPolicy.BaseDelay.
// An isolation half that fails retryably is sent again whole.
//
// A wait the server asks for (an error whose RetryAfter() is positive: a
// 429 or 503 with Retry-After, a vendor's busy code) belongs to the
// account, not the worker: it closes a run-wide gate that every worker
// waits out before its next send, and it is passed to the Limiter when
// that is a [Pauser], so that every run sharing the limiter waits too
// (with batch/redislimit, every process). Requests already in flight are
// left alone. [Pausable] adds pauses to any Limiter; [WindowLimiter]
// counts a rolling window and takes pauses; [Combine] stacks limiters; a
// [SlotLimiter] bounds requests in flight.
//
// # Cancellation
//
// When the context ends or the run stops (StopRun, or a server wait beyond
// RetryPolicy.MaxRetryAfter), the engine stops pulling from the input at
// once, and every wait it is in ends. The records read are all accounted:
// those not sent, and those waiting for a retry, are not attempted, except
// a record whose last send may have written it (its error matches
// [ErrOutcomeUnknown]), which fails; those whose request was in flight
// when the context ended fail with an error matching both
// [ErrOutcomeUnknown] and the context's error, since the server may have
// written them. Run then sets Report.InputIncomplete;
// RunSlice reports the rest of its slice not attempted. Run returns as
// soon as the requests in flight return (a sequence blocked inside its own
// code is the one thing the engine cannot interrupt).
//
// The engine never looks at a vendor's wire format. Whether an error may be
// retried, after how long, and whether it ends the whole run are answered by
// the error itself through optional methods found with errors.As:
//
//	Retryable() bool          // send again (chunk or record)
//	RetryAfter() time.Duration // the server's requested wait
//	StopRun() bool            // end the run (a daily quota); the rest is not attempted or not read
//	MaxAttempts() int         // this error's own attempt limit, instead of the policy's
//
// Input streams through in memory bounded by Concurrency × chunk size; set
// Config.Keep to [KeepFailures] or [KeepNone] (and use Config.OnOutcome) when
// the report itself must not grow with the input.
//
// The package's tests run on testing/synctest's fake clock: the engine and
// its limiters read time only through the time package, so waits of
// seconds take no wall time in the tests and timing assertions are exact.
package batch
