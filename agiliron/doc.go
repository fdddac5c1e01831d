// Package agiliron moves leads, contacts and accounts in bulk into
// Agiliron (API v4, "api-40"), in JSON or XML, and reports what became of
// every record.
//
//	AddLeads         POST Leads            synchronous ("Add Lead")
//	UpdateLeads      PUT  Bulk-Leads       asynchronous
//	AddContacts      POST Bulk-Contacts    asynchronous
//	UpdateContacts   PUT  Bulk-Contacts    asynchronous
//	AddAccounts      POST Bulk-Accounts    asynchronous
//	UpdateAccounts   PUT  Bulk-Accounts    asynchronous
//
// Agiliron processes a Bulk-* request asynchronously: it answers with an
// acknowledgement carrying a batch id, and the per-record results come
// later, to a callback URL (see NewWebhookHandler and WithWebhook) or from
// GET BatchStatus/{batch_id}. The client waits for them: the methods
// return once every record has its final result, matched back to the
// caller's input by record number (the client always asks for
// sendRecordNo=true), falling back to the record's id. Should Agiliron
// leave the record numbers out, new records (which have no id yet) are
// placed by name or by count only where the result allows one reading;
// otherwise they end with ErrOutcomeUnknown rather than a guess.
// WithConcurrency(n) keeps up to n batches pending at once.
//
// An update replaces the whole record: every writable field omitted
// (empty) is set to NULL. Send back the full record as read.
//
// # Sources, and where they disagree
//
// The wire formats follow Agiliron's API pages (api.agiliron.com/docs/…):
// update-bulk-leads (the seed document), add-lead-1, add-bulk-contacts-1,
// add-bulk-accounts, update-account-1, read-account-1 and read-batchstatus.
// Where they disagree or are silent, this package chose as follows.
//
// Path. Every prose page builds
// https://{yourCompany}.agiliron.net/agiliron/api-40.php/{Resource}
// (add-lead-1, add-bulk-contacts-1, add-bulk-accounts, read-batchstatus).
// Only the WADL on update-bulk-leads writes …/agiliron/api-40/ (and so do
// the filter examples on read-account-1). WithCompany builds the prose
// form; WithPathStyle(PathWADL) selects the other.
//
// Adding leads. No page documents POST Bulk-Leads (update-bulk-leads is
// PUT only). The documented multi-lead create is Add Lead, POST Leads,
// which takes {"Leads":{"Lead":[…]}} or <Leads><Lead>…</Lead></Leads>
// (add-lead-1), so AddLeads uses it. Add Lead lists no callback_url,
// sendRecordNo or batch id, so there is no acknowledgement to wait on: its
// answer is the final word. The copy of add-lead-1 this package was
// written from shows no sample answer; decodeCreated reads the MCM
// envelope the bulk pages answer with, and the new ids in
// success_message.lead_id, which is where Pipedream's Agiliron client
// (PipedreamHQ/pipedream, components/agiliron/actions/create-lead) reads
// them; an answer with per-record results is matched as a batch result is.
// Two readings are this package's, not Agiliron's: a "Success" status
// with no per-record detail means every lead of the request was added,
// and a non-success status refuses the request as a whole (the request is
// halved until the lead at fault is named). An Add Lead request that may
// have reached the server without a usable answer is never sent again:
// its leads end with ErrOutcomeUnknown.
//
// Contacts and accounts. Add Bulk Contacts and Add Bulk Accounts
// (add-bulk-contacts-1, add-bulk-accounts) are POST Bulk-Contacts and
// POST Bulk-Accounts, with callback_url and sendRecordNo as on
// update-bulk-leads; their updates are PUT on the same resources, as for
// leads. Agiliron shows batch results only for leads (LeadId and LeadName
// under "Leads", failures under "Product" in the seed's JSON). For contacts
// and accounts the decoder takes any entry key ending in Id or ID
// (ContactId, AccountID) as the record's id and any ending in Name as its
// name, under any wrapper: composed, not documented. Custom fields are
// LeadCustomFields for leads (update-bulk-leads, add-lead-1) and
// CustomFields for contacts (add-bulk-contacts-1); the account samples
// available end before any custom field, so accounts use CustomFields as
// contacts do. Account holds the fields of the add-bulk-accounts and
// read-account-1 samples, which end at ModifiedTime: an account field
// Agiliron has beyond those (its addresses, for one) is not sent, and an
// update may set it to NULL. Try UpdateAccounts on a test account first.
//
// Other values: EmailOptOut is "1"/"0" in update-bulk-leads and "No" in
// add-lead-1; the package sends what the caller gives. BatchStatus'
// Response is a JSON document inside a string, LeadId a number inside it
// and a string elsewhere (read-batchstatus); both are read. The callback
// is a PUT (update-bulk-leads' sample webhook); POST is accepted too.
// Agiliron publishes no batch-size or rate limit; DefaultBatchSize is a
// guess that keeps requests small.
package agiliron
