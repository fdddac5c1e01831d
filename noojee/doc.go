// Package noojee injects leads into Noojee Contact / Noojee Campaigner
// campaigns through the CampaignAPI ("https://{host}/servicemanager/rest/CampaignAPI/...").
//
// Build a [Client] with [New], pick the campaign with [Client.Campaign], and
// send leads:
//
//	c, err := noojee.New(noojee.WithHost("pbx.example.com"), noojee.WithAPIKey(key))
//	camp := c.Campaign(noojee.Target{TemplateID: "12", CampaignID: "34", AllocationID: "56"})
//	rep, err := camp.InsertEach(ctx, leads)      // insertLeadFast, one lead per call
//	rep, err = camp.InsertLeads(ctx, leads)      // insertLeadsFast, many leads per call
//	rep, err = camp.UpdateEach(ctx, updates)     // updateLeadFast, one lead per call
//
// Every bulk method returns a *batch.Report with one outcome per lead
// (succeeded, failed or not attempted) and rep.Err(). InsertEach and
// UpdateEach use the documented one-lead calls.
//
// # The bulk insert and its answer
//
// InsertLeads posts a JSON array of leads to insertLeadsFast. Noojee
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
// with the row's reason ([ErrRejected]; the reason is read as a code name
// such as "DNC" when it is one, so errors.Is(err, ErrDNC) holds). The other
// leads succeed only when everything adds up: Imported + Updated +
// Rejected equals the leads sent, and every rejected row named exactly one
// lead. Otherwise no one can say which of them went in: each unplaced lead
// fails matching [ErrOutcomeUnknown] and is never sent again. A bare
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
// is sent twice. A 404 from insertLeadFast too means there is no
// CampaignAPI at that address: the run stops with [ErrEndpointNotFound].
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
//     [CodeUnknown].
//   - The timeout: older text says a queued call times out after 10
//     minutes, newer text after 1 minute (pageId=43384859 vs 38600709);
//     the newer is followed (see below).
//
// # Result codes and retries
//
// Result codes are typed ([Code]); failures are [*Error] values reachable
// with errors.As from the report's error. Code 109
// (TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS, sent as HTTP 400) means the server
// was too busy: the lead is sent again with exponential backoff and jitter
// under a patient policy ([DefaultRetryPolicy]: up to 10 sends and at most
// about five minutes of waits, more with the server's own queueing;
// [WithRetryPolicy] changes it). Code 103 (EXCEPTION) is retried a few
// times ([WithExceptionRetries]). Code 110 (LEAD_NOT_UPDATED_DUE_TO_CONFLICT)
// is never retried: a person edited the lead, and sending again would
// overwrite the edit; it needs manual action ([ErrConflict],
// [Error.NeedsManualAction]). Every other code fails that lead only. A bulk
// call refused as a whole with a code that concerns one lead is split in
// halves until the refused leads are named, and the rest still go in.
//
// The server may hold a call for up to a minute before it answers, and
// Noojee requires an HTTP timeout above 60 s: the default is
// [DefaultTimeout] (90 s), and [WithTimeout] below [MinTimeout] or an
// [*http.Client] with a shorter Timeout is refused by [New].
//
// The apiKey travels in the query string, as the CampaignAPI requires. It is
// redacted from every error and log line, in every spelling a server might
// echo it back in (raw, query-, path- or JSON-escaped), and a printed
// [Client] or [Campaign] shows "REDACTED" in its place.
//
// Package noojeetest is an in-memory fake of the CampaignAPI for tests.
package noojee
