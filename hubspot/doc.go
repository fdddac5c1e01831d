// Package hubspot moves CRM objects in bulk through HubSpot's CRM objects
// batch API: POST /crm/objects/2026-09/{objectType}/batch/{create|update|upsert|read|archive}
// by default, or another date version, or the legacy
// /crm/v3/objects/{objectType}/batch/…, chosen with [WithAPIVersion].
//
// A [Client] is built once with [New] and a private-app token ([WithToken])
// or an OAuth token source ([WithTokenSource]). [Client.Objects] returns a
// handle for one object type — a name such as "contacts", "partner_clients"
// or "p_cars", or a type id such as "0-1" or "2-123456" — whose verbs
// [Objects.Create], [Objects.Update], [Objects.Upsert], [Objects.Read] and
// [Objects.Archive] take the whole input as an iter.Seq (slices.Values for
// a slice), cut it into requests of at most 100 inputs, and return a
// *batch.Report[Result] with one outcome per input record:
//
//	c, err := hubspot.New(hubspot.WithToken(os.Getenv("HUBSPOT_TOKEN")),
//		hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(100)}))
//	rep, err := c.Objects("contacts").Update(ctx, slices.Values(inputs))
//	fmt.Println(rep.Succeeded, rep.Failed, rep.NotAttempted)
//
// The options every crmbatch vendor shares, with one meaning: WithBaseURL,
// WithHTTPClient, WithTimeout, WithBatchSize (default and most 100),
// WithMaxRequestBytes, WithEngine (the batch.Config: concurrency — default
// 1, see [New] — limiter, retry policy and budget, keep, hooks, logger; only
// its non-zero fields are set). HubSpot's own: WithToken, WithTokenSource,
// WithAPIVersion, WithLockedWait. A nil option or client is an error.
//
// # Outcome keys and matching
//
// A create's outcome key is what the caller gave and can look up in
// HubSpot: its ObjectWriteTraceID when the caller set one, else the value
// of the handle's unique property (email for contacts; any other with
// [Objects.KeyBy]). An update or upsert is keyed by its id, or
// "idProperty=value"; a read or archive by its id. A key repeated within
// one call is refused before sending (batch.ErrDuplicate), as HubSpot
// would reject it or apply both in an order nobody chose.
//
// Every create, update and upsert input is sent with an objectWriteTraceId
// (the caller's, or one the client makes up for the request), so a 207
// multi-status answer is mapped to exactly the records it concerns. A
// result or error that carries trace ids is matched by them alone; only
// one without is matched by record id (or unique property value) — never
// by position. (An update or upsert answered 200 COMPLETE, with no error
// and one result per input but no trace id echoed, is taken as applied
// for the inputs named by a unique property even when their results
// cannot be told apart; see [Objects.Update].) An error that names a
// record which also got a result fails it, keeping the result. When the
// answer's numErrors counts more errors than its errors[] lists, the
// records it does not mention are not taken as done: they are sent again
// (batch.ErrMalformedResponse), except on create, where they fail matching
// batch.ErrOutcomeUnknown. A batch whose status is CANCELED is never a
// success: its records fail with [ErrCanceled], keeping any result the
// answer carried.
//
// # Errors and retries
//
// Every failure is a *[Error] on the base all crmbatch vendors share: Op,
// HTTPStatus, Code (HubSpot's category: [CodeValidation], [CodeConflict] …),
// Message, RequestID (HubSpot's correlationId), Wait (Retry-After),
// Local (refused before sending), with HubSpot's subCategory, context,
// nested errors and rate-limit policy beside. Callers match the classes
// with errors.Is against the batch sentinels: batch.ErrInvalid
// (VALIDATION_ERROR), batch.ErrDuplicate (CONFLICT), batch.ErrNotFound,
// batch.ErrRateLimited (a burst 429, RATE_LIMITS), batch.ErrQuotaExceeded
// (the daily 429: the run stops and the rest is not attempted),
// batch.ErrUnauthorized (401, 403: the run stops), batch.ErrUnavailable
// (503, 423 Locked, 477 Migration, a 5xx on a request safe to send again),
// batch.ErrMalformedResponse, and batch.ErrOutcomeUnknown (a create that
// may have been written: 500, 502, 504, a lost connection; never sent
// again). Only [ErrCanceled] is HubSpot's own. What each category and
// status means is in one table (classify.go).
//
// The engine owns every retry: with batch.RetryPolicy{MaxAttempts: n} a
// record is sent at most n times, whatever HubSpot answers. It waits what
// HubSpot asks: Retry-After, or without one the policy's window (10 s, 1 s
// for SECONDLY); at least 2 s after a 423 ([WithLockedWait]). A write
// rejected as a whole with 400 or 409 wrote nothing: when the error names
// inputs, those fail and the others are sent again without them; when it
// names none, the request is split in halves until the bad inputs are
// found. The HTTP layer retries only what never reached HubSpot, follows
// no redirect to another host (the token never travels there), and scrubs
// the token, in every spelling, from every error and log line; OAuth
// access tokens are registered the moment they are obtained.
//
// Rate limits: [BurstLimiter] paces requests to stay under HubSpot's
// rolling 10-second limit (pass it to [WithEngine] as the batch.Config Limiter). The
// X-HubSpot-RateLimit-* headers of the latest answer that carried them are
// read on every answer and returned by [Client.RateLimit].
//
// # API version 2026-09
//
// The client speaks the date version 2026-09 ([DefaultAPIVersion]) unless
// told otherwise: HubSpot files the /crm/v3 pages under "legacy", and
// 2026-09 is its current generally available version. For a caller the
// bodies, answers and errors are those of v3; what changes is that "starting
// with the GA release of API version /2026-09/ on September 8, 2026,
// HubSpot will enforce admin-configured validation rules on all CRM API
// write paths". A create, update or upsert that breaks one of the portal's
// conditional required properties, leaves out a field the Create Record
// form requires, or (with a user-level OAuth token) sets associations the
// user may not edit is refused with a VALIDATION_ERROR where v3 wrote it:
// such records fail with [CodeValidation] (batch.ErrInvalid) and HubSpot's message, are not
// retried, and the other records of their request still go in (matched by
// trace id in a 207, or found by halving a request refused whole). Read the
// portal's rules with HubSpot's property validations API before a large
// load. [WithAPIVersion]("v3") or ("2026-03") keeps the old behaviour while
// an integration is brought in line; the fake (hubspottest) enforces rules
// set with RequireWhen from 2026-09 on, and not under older versions.
//
// # Limits and choices where HubSpot's documents differ
//
//   - Inputs per request: at most 100 ([MaxBatchSize]; [WithBatchSize]
//     refuses more). Bytes per request: HubSpot documents no limit for
//     these endpoints (searched 2026-11: its Limits pages and changelog
//     name inputs per request, rate and daily limits only), so
//     [DefaultMaxRequestBytes] is a generous 8 MiB, changeable with
//     [WithMaxRequestBytes]; a record bigger than that alone fails before
//     any request (*batch.TooLargeError). HubSpot's Using Object APIs guide: "Object API batch
//     endpoints are limited to 100 inputs per request". An older contacts
//     page said batches of 10, and the legacy v1 contacts batch took up to
//     1,000; neither applies to these endpoints, so the current guide rules.
//   - Batch reads with ReadOptions.PropertiesWithHistory: at most 50 ids
//     per request ([MaxHistoryBatchSize]), whatever the batch size. No
//     reference page states it; HubSpot's answer to more does: a
//     VALIDATION_ERROR, "The maximum number of inputs supported in a batch
//     request for property histories is 50" (quoted in
//     PipedreamHQ/pipedream#8462, whose HubSpot sources, like other public
//     clients, read histories in chunks of 50). The guide's "up to 100
//     record IDs" is the limit for reads without histories.
//   - Upserting contacts by email: HubSpot's Contacts and Objects guides
//     warn "Partial upserts are not supported when using email as the
//     idProperty for contacts. To complete a partial upsert, use a custom
//     unique identifier property as the idProperty instead." They do not
//     say what happens to a partial one; the batch update reference says
//     only that "provided property values will be overwritten". This
//     package sends what it is given and does not guess: with
//     IDProperty "email", send every property the contact should hold, or
//     key the upsert on a custom property created with hasUniqueValue (see
//     [Objects.Upsert]).
//
// Sources (read 2026-11): developers.hubspot.com/docs/api-reference/latest/crm/using-object-apis
// (2026-09 pages: paths, Limits, upsert warning, write validation);
// developers.hubspot.com/changelog/crm-api-write-validation-enforcement;
// developers.hubspot.com/docs/api-reference/latest/overview (date
// versioning, "for new integrations, always use the latest date version");
// developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide
// (upsert contacts); developers.hubspot.com/docs/api-reference/error-handling
// (207 and objectWriteTraceId).
//
// # XML form
//
// HubSpot speaks JSON only; the XML form is for the caller's own files
// (records to import, results and rejects to keep). Every request and
// response type — [CreateInput], [UpdateInput] (= [UpsertInput]),
// [Association], [AssociationTarget], [AssociationType], [ReadOptions],
// [Result], [PropertyChange], [ErrorDetail], [Properties],
// [PropertyHistories] — marshals and unmarshals with encoding/json and
// encoding/xml. In XML every field is an element named as its JSON field
// (id, idProperty, objectWriteTraceId, createdAt, updatedAt, archived,
// archivedAt, new, url …), with the same omissions; times are RFC 3339 as
// HubSpot writes them (its answers are UTC with milliseconds; a fraction
// of zero is left out), alike in both encodings. A record is one element: <input> for a
// create, update or upsert input, <result> for a result; <readOptions> and
// <errorDetail> for the others. Lists are wrapped: associations>association,
// types>type, and ReadOptions' properties>property and
// propertiesWithHistory>property (names). Properties are one
// <property name="…">value</property> per value, in sorted name order;
// PropertyHistories one <property name="…"> per property holding its
// <change> elements, newest first:
//
//	<input>
//	  <properties>
//	    <property name="email">ada@example.com</property>
//	    <property name="firstname">Ada</property>
//	  </properties>
//	  <associations>
//	    <association>
//	      <to><id>9001</id></to>
//	      <types><type><associationCategory>HUBSPOT_DEFINED</associationCategory><associationTypeId>279</associationTypeId></type></types>
//	    </association>
//	  </associations>
//	  <objectWriteTraceId>row-17</objectWriteTraceId>
//	</input>
//
//	<result>
//	  <id>512</id>
//	  <properties><property name="email">ada@example.com</property></properties>
//	  <propertiesWithHistory>
//	    <property name="firstname">
//	      <change><value>Ada</value><timestamp>2026-05-02T10:11:12.345Z</timestamp><sourceType>CRM_UI</sourceType></change>
//	    </property>
//	  </propertiesWithHistory>
//	  <createdAt>2026-05-01T00:00:00Z</createdAt>
//	  <updatedAt>2026-05-02T10:11:12.345Z</updatedAt>
//	  <archived>false</archived>
//	</result>
//
// A <property> without a name, a name given twice, or another element
// among the properties is a decoding error; so is, on encoding, a name or
// value holding a character XML 1.0 cannot carry (a control character
// other than tab, newline and carriage return, or invalid UTF-8). In XML an
// empty list or map is the same as a missing one: it decodes empty
// (Properties and a property's history non-nil, a list nil). A decoded
// value's XMLName field holds its element's name; it is not part of the
// JSON.
//
// The hubspottest package is an in-memory fake of these endpoints for
// tests: hubspot.WithBaseURL(srv.BaseURL()) points a client at it.
package hubspot
