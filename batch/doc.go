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
// The engine never looks at a vendor's wire format. Whether an error may be
// retried, after how long, and whether it ends the whole run are answered by
// the error itself through optional methods found with errors.As:
//
//	Retryable() bool          // send again (chunk or record)
//	RetryAfter() time.Duration // the server's requested wait
//	StopRun() bool            // end the run (a daily quota); the rest is not attempted
//	MaxAttempts() int         // this error's own attempt limit, instead of the policy's
//
// Input streams through in memory bounded by Concurrency × chunk size; set
// Config.Keep to [KeepFailures] or [KeepNone] (and use Config.OnOutcome) when
// the report itself must not grow with the input.
package batch
