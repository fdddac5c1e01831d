// Package hubspot moves CRM objects in bulk through HubSpot's CRM v3 batch
// API: POST /crm/v3/objects/{objectType}/batch/{create|update|upsert|read|archive}
// (or the date-versioned /crm/objects/{YYYY-MM}/… chosen with
// [WithAPIVersion]).
//
// A [Client] is built once with [New] and a private-app token ([WithToken])
// or an OAuth token source ([WithTokenSource]). [Client.Objects] returns a
// handle for one object type — a name such as "contacts", "partner_clients"
// or "p_cars", or a type id such as "0-1" or "2-123456" — whose Batch…
// methods take the whole input (a slice, or an iter.Seq for the …Seq
// variants), cut it into requests of at most 100 inputs, and return a
// *batch.Report with one outcome per input record:
//
//	c, err := hubspot.New(hubspot.WithToken(os.Getenv("HUBSPOT_TOKEN")),
//		hubspot.WithLimiter(hubspot.BurstLimiter(100)))
//	rep, err := c.Objects("contacts").BatchUpdate(ctx, inputs)
//	fmt.Println(rep.Succeeded, rep.Failed, rep.NotAttempted)
//
// Every create, update and upsert input is sent with a unique
// objectWriteTraceId (the caller's, or one the client makes up), so a 207
// multi-status answer is mapped to exactly the records it concerns. A
// result or error that carries trace ids is matched by them alone; only
// one without is matched by record id (or unique property value) — never
// by position. (An update or upsert answered 200 COMPLETE, with no error
// and one result per input but no trace id echoed, is taken as applied
// for the inputs named by a unique property even when their results
// cannot be told apart; see [Objects.BatchUpdate].) An error that names a record which also got a result fails
// it, keeping the result. When the answer's numErrors counts more errors
// than its errors[] lists, the records it does not mention are not taken
// as done: they fail with [ErrNoResult] (resent, except on create). A
// batch whose status is CANCELED is never a success: its records fail
// with [ErrCanceled], keeping any result the answer carried.
//
// Failures carry a *[Error] (category, subCategory, message, context,
// nested errors, correlationId, HTTP status) usable with errors.As and
// errors.Is against the sentinel classes ([ErrValidation], [ErrConflict],
// [ErrNotFound], [ErrRateLimited], [ErrDailyLimit], [ErrAuth], …). The
// batch engine retries what HubSpot says may be retried: burst 429s after
// Retry-After (or the policy window), 423 Locked after at least 2 s, 477
// after Retry-After, 5xx with backoff (a create only when the server cannot
// have written it); a daily-limit 429 stops the run and leaves the rest not
// attempted. A write rejected as a whole with 400 or 409 wrote nothing:
// when the error names inputs, those fail and the others are sent again
// without them; when it names none, the request is split in halves until
// the bad inputs are found.
//
// Rate limits: [BurstLimiter] paces requests to stay under HubSpot's
// rolling 10-second limit (pass it to [WithLimiter]). The
// X-HubSpot-RateLimit-* headers of the latest answer that carried them are
// read on every answer and returned by [Client.RateLimit]; they are not on
// the *batch.Report, whose type is shared by every vendor package. Read
// Client.RateLimit after a call to see what is left of the burst and daily
// quotas.
//
// The hubspottest package is an in-memory fake of these endpoints for tests.
package hubspot
