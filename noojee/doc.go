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
// UpdateEach use the documented one-lead calls. InsertLeads uses the bulk
// insertLeadsFast, which Noojee's current documentation no longer shows: a
// server without it answers 404, and the run stops at once with
// [ErrEndpointNotFound], every lead not attempted.
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
// call rejected with a code that concerns one lead is split in halves until
// the refused leads are named, and the rest still go in.
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
