// Package noojee injects leads into Noojee Contact / Noojee Campaigner
// campaigns through the CampaignAPI ("https://{host}/servicemanager/rest/CampaignAPI/...").
//
// Build a [Client] with [New], pick the campaign with [Client.Campaign], and
// send leads:
//
//	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey(key))
//	camp := c.Campaign(noojee.Target{TemplateID: "12", CampaignID: "34", AllocationID: "56"})
//	rep, err := camp.Create(ctx, slices.Values(leads))   // insertLeadsFast, falling back per lead
//	rep, err = camp.Update(ctx, slices.Values(updates))  // updateLeadFast, one lead per call
//	res, err := camp.CreateOne(ctx, lead)                // insertLeadFast
//	res, err = camp.UpdateOne(ctx, update)               // updateLeadFast
//
// Create and Update take an iter.Seq (read as it goes) and return a
// *batch.Report[Result] with one outcome per lead (succeeded, failed or not
// attempted), keyed by njExternalLeadId, and rep.Err().
//
// # Options
//
//	WithHost / WithBaseURL   the server (required); WithBaseURL(srv.BaseURL()) for noojeetest
//	WithAPIKey               the apiKey (required)
//	WithHTTPClient           your *http.Client (Timeout 0 or at least MinTimeout)
//	WithTimeout              per-request timeout; default DefaultTimeout (90 s), at least MinTimeout (61 s)
//	WithBatchSize            leads per insertLeadsFast call; default DefaultBatchSize (100), at most MaxBatchSize
//	WithEngine               the engine's batch.Config (retry policy and budget, keep, hooks …)
//	WithConcurrency          calls in flight; default DefaultConcurrency (2)
//	WithLimiter              a batch.Limiter waited on before every call
//	WithLogger               debug lines of the engine and HTTP layer, apiKey scrubbed
//	WithMaxRequestBytes      most bytes of one call's body; default DefaultMaxRequestBytes (4 MiB)
//
// A nil option is an error, as is a nil client, limiter or logger.
//
// Noojee documents no request size limit. The client caps one call's JSON
// body at DefaultMaxRequestBytes (4 MiB, far above any real lead;
// WithMaxRequestBytes changes it): a lead whose own body is larger fails
// locally, unsent, and bulk calls are cut to stay under it. A
// njExternalLeadId repeated within one Create or Update call fails locally
// too (batch.ErrDuplicate): the server would refuse the second insert with
// 112, and two updates of one lead would race.
//
// # The bulk insert and its answer
//
// Create posts a JSON array of leads to insertLeadsFast. Noojee
// documents one answer for a call carrying several leads: a single code 0
// whose message counts the leads and lists the rejected ones as CSV rows
// ending with an Error Reason column (the insertLead page,
// https://noojee.atlassian.net/wiki/pages/viewpage.action?pageId=22186919,
// version 3; insertLead took "a json array containing one or more sets of
// name value pairs", pageId=43417608):
//
//	{"code":0,"message":"Imported 1 Updated 0 Rejected 0 leads.\n\nErrors (If any):\n Name,…,Error Reason,\n"}
//
// The client reads that message. Each rejected row is placed back on its
// lead by the fields it echoes: njExternalLeadId when the row carries one
// (narrowed by the phones when two leads of the call share it), else every
// phone column the row has (Target.PhoneFields when declared, else columns
// whose name contains "phone"), compared by digits. A placed lead fails
// with the row's reason ([Error.InBulkSummary] is set; the reason is read
// as a code name such as "DNC" when it is one, giving Error.Code). The other
// leads succeed only when everything adds up: Imported + Updated +
// Rejected equals the leads sent, and every rejected row named exactly one
// lead. Otherwise no one can say which of them went in: each unplaced lead
// fails matching batch.ErrOutcomeUnknown and is never sent again. A bare
// {"code":0} without the summary, for a call of several leads, is read the
// same way (outcome unknown); for one lead it is a success, as on
// insertLeadFast.
//
// # The bulk endpoint's name
//
// The "23.0 Insert Lead Fast" page history renames the entry point
// insertLeadsFast to insertLeadFast and turns its sample body from several
// objects into one (pageId=38600709, versions 10 to 15): the current
// documentation offers no multi-lead endpoint. Servers that still serve
// insertLeadsFast are used as above; when it answers HTTP 404, the client
// remembers it (for this and every later run of the same Client), logs it
// once at Warn level, and sends the same leads one per call to
// insertLeadFast, with the same validation and retries: none is lost, none
// is sent twice; each of those calls counts in Report.Requests. A 404 from
// insertLeadFast too means there is no CampaignAPI at that address: the
// run stops (the error matches batch.ErrNotFound, HTTPStatus 404).
//
// Where the documents disagree, this package chooses:
//   - The multi-lead answer form comes from the deprecated insertLead page
//     (22186919), the only page that shows one; no page shows what
//     insertLeadsFast answers. The package assumes it answers alike, and
//     treats any other code-0 answer to several leads as outcome unknown
//     rather than trusting it.
//   - The pages disagree on whether one refused lead fails the whole call
//     (the per-code tables of the one-lead pages) or is listed among
//     Rejected (the insertLead sample). Both are read: a refusal code for
//     the call is split in halves until the refused lead is named (this
//     assumes such a refusal wrote nothing), a summary is placed row by row.
//   - The Error Reason text is not specified. A reason that is a code name
//     gives the lead that code; any other text is kept as the message, with
//     no code.
//   - The request size: no page gives a limit; see DefaultMaxRequestBytes.
//   - The wait after 109: the code table says "wait a bit and then retry",
//     the InsertLeadFast page's Retries section "wait a couple of minutes
//     before retrying" (pageId=49152014); the page's 2 minutes are used when
//     the answer carries no Retry-After.
//   - The timeout: older text says a queued call times out after 10
//     minutes, newer text after 1 minute (pageId=43384859 vs 38600709);
//     the newer is followed (see below).
//
// # Result codes and retries
//
// Result codes are typed ([Code]); failures are [*Error] values reachable
// with errors.As from the report's error. Error embeds the shared error
// base (Vendor, Op, HTTPStatus, Code, Message, Wait, Class, Local, Err):
// match its class with the batch sentinels, Noojee's own codes with Code.
// One table in classify.go says what each code means:
//   - 109 (TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS, sent as HTTP 400) is
//     batch.ErrRateLimited: the engine sends the lead again after the
//     server's Retry-After or, when it gives none, the 2 minutes Noojee
//     documents ("wait a couple of minutes before retrying"), during which
//     every call sharing the limiter holds back.
//   - 103 (EXCEPTION, HTTP 500) is batch.ErrUnavailable, sent at most 3
//     times in all (Noojee says to call Support).
//   - 110 (LEAD_NOT_UPDATED_DUE_TO_CONFLICT) is never sent again: a person
//     edited the lead, and sending again would overwrite the edit; it needs
//     manual action (check Code == CodeConflict).
//   - 101 is batch.ErrNotFound, 105 and 112 batch.ErrDuplicate, 104 (DNC)
//     a plain refusal, the others batch.ErrInvalid.
//
// The engine owns every retry (RetryPolicy.MaxAttempts is the number of
// times a lead is sent); the HTTP layer only retries a connection that
// never reached the server. A call that may have written leads and got no
// usable answer (a dropped connection, a timeout, an unreadable 2xx, a
// 500/502/504 without a code) fails them matching batch.ErrOutcomeUnknown,
// never sent again. A 401 or 403 stops the run. A bulk call refused as a
// whole with a code that concerns one lead is split in halves until the
// refused leads are named, and the rest still go in.
//
// The client starts with a patient retry policy: up to 10 sends, backoff
// waits drawn below a ceiling doubling from 2 s to 60 s (at most 302 s in
// all), a server-requested wait (109's 2 minutes) honoured up to 5 min, on
// top of the minute a busy server may queue each call. A WithEngine
// whose Retry is non-zero replaces it whole (a zero Retry keeps it); keep
// its MaxRetryAfter at 2 minutes or more, or a 109 ends its leads not
// attempted.
//
// The server may hold a call for up to a minute before it answers, and
// Noojee requires an HTTP timeout above 60 s: the default is
// [DefaultTimeout] (90 s), and [WithTimeout] below [MinTimeout] or an
// [*http.Client] with a shorter Timeout is refused by [New].
//
// The apiKey travels in the query string, as the CampaignAPI requires, and
// nowhere else. It is registered with the client's one secrets registry in
// every spelling a server might echo it back in, and scrubbed from every
// error and log line; a redirect to another host is not followed (no query
// travels there); a printed [Client] shows its base URL only, a printed
// [Campaign] its target only.
//
// # XML form
//
// Lead, Target and Result marshal and unmarshal with encoding/json and
// encoding/xml, for the caller's own files (records, rejects, reports).
// The CampaignAPI speaks JSON only, and its request body is another, flat
// form that these encodings leave untouched. The names:
//
//	<lead>                                  JSON object
//	  <field name="FirstPhone">…</field>    "fields": {"FirstPhone": "…", …}  (Lead.Fields)
//	  <njExternalLeadId>…                   "njExternalLeadId"                (Lead.ExternalID)
//	  <njPriority>5                         "njPriority": 5                   (Lead.Priority)
//	  <njContactHours>…                     "njContactHours"                  (Lead.ContactHours)
//	  <njDisposition>…                      "njDisposition"                   (Lead.Disposition)
//	  <njCallBackDate>2024/05/01 09:30      "njCallBackDate"                  (Lead.CallBack)
//	  <callBackZone>Australia/Melbourne     "callBackZone"                    (Lead.CallBackZone)
//	<target>                                JSON object
//	  <fTemplateId> <fCampaignId> <fAllocationId>   "fTemplateId" "fCampaignId" "fAllocationId"
//	  <allowDuplicates>true                 "allowDuplicates": true
//	  <phoneField>FirstPhone (repeated)     "phoneFields": ["FirstPhone", …]
//	  <zone>Australia/Melbourne             "zone"                            (Target.Zone)
//	<result>                                JSON object
//	  <message> <leadId>                    "message" "leadId"
//
// Fields is one <field> element per template field, in sorted name order,
// the name in its name attribute (a JSON object in JSON); a name given
// twice keeps its last value, a <field> without a name is an error.
// Empty values are omitted, but for the three Target ids (always written)
// and a Priority of 0 (written when set). A Lead or Target marshalled on
// its own is a <lead> or <target> element; as a struct field it takes the
// field's element name (a file of leads: <leads><lead>…</lead>…</leads>).
//
// CallBack is written in Noojee's date layout ([CallBackLayout],
// yyyy/MM/dd HH:mm, minutes only) in the zone it would be sent in:
// CallBackZone, else the zone ContactHours names; a lead with neither is
// written in CallBack's own location. A zone is written by its IANA name,
// or, when it has none (time.FixedZone, Local), as its UTC offset at the
// callback ("+10:00"), read back as a fixed zone. Reading njCallBackDate
// back uses callBackZone, else the zone njContactHours names, else UTC,
// and then sets CallBackZone to UTC: a date in a file without a zone is
// sent exactly as written, whatever Target.Zone says (and written back
// without a zone). So a lead read back sends the same request body as the
// lead that was written, except one written with neither zone under a
// campaign whose Target.Zone differs from CallBack's location: give such
// leads CallBackZone before writing them. Target.Zone is written by name
// or offset the same way.
//
// Package noojeetest is an in-memory fake of the CampaignAPI for tests:
//
//	srv := noojeetest.NewServer()
//	defer srv.Close()
//	c, err := noojee.New(noojee.WithBaseURL(srv.BaseURL()), noojee.WithAPIKey(noojeetest.APIKey))
package noojee
