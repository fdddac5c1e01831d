// Package agiliron moves leads, contacts and accounts in bulk into
// Agiliron (API v4, "api-40"), in JSON or XML, and reports what became of
// every record.
//
//	c.Leads().Create       POST Leads            synchronous ("Add Lead")
//	c.Leads().Update       PUT  Bulk-Leads       asynchronous
//	c.Contacts().Create    POST Bulk-Contacts    asynchronous
//	c.Contacts().Update    PUT  Bulk-Contacts    asynchronous
//	c.Accounts().Create    POST Bulk-Accounts    asynchronous
//	c.Accounts().Update    PUT  Bulk-Accounts    asynchronous
//
// Each verb takes an iter.Seq of records (slices.Values(s) for a slice)
// and returns a *batch.Report[Result] and its error (rep.Err()). WaitBatch
// and BatchStatus read an asynchronous batch's result.
//
// Agiliron processes a Bulk-* request asynchronously: it answers with an
// acknowledgement carrying a batch id, and the per-record results come
// later, to a callback URL (see NewWebhookHandler and WithWebhook) or from
// GET BatchStatus/{batch_id}. The client waits for them: the verbs return
// once every record has its final result, matched back to the caller's
// input by record number (the client always asks for sendRecordNo=true),
// falling back to the record's id. Should Agiliron leave the record
// numbers out, new records (which have no id yet) are placed by name or
// by count only where the result allows one reading; otherwise they end
// matching batch.ErrOutcomeUnknown rather than a guess. WithEngine(batch.Config{Concurrency: n})
// keeps up to n batches pending at once. Waiting is reading: a
// BatchStatus poll never sends a batch again.
//
// An update replaces the whole record: every writable field omitted
// (empty) is set to NULL. Send back the full record as read.
//
// # Options and defaults
//
//	WithCompany / WithBaseURL   the API root (one of them is required)
//	WithAPIKey                  the key, in the apiKey header (required)
//	WithAPIKeyInQuery           the key in the key query parameter instead
//	WithPathStyle               api-40.php/ (default) or api-40/ under WithCompany
//	WithFormat                  JSON (default) or XML request bodies
//	WithResponseFormat          the Accept header (default: WithFormat's)
//	WithBatchSize               100 records a request (DefaultBatchSize)
//	WithMaxRequestBytes         8 MiB a request (DefaultMaxRequestBytes)
//	WithWebhook                 results by callback instead of polling
//	WithPollInterval            5 s between polls at most
//	WithCallbackTimeout         2 min for a callback, then polls
//	WithResultTimeout           30 min for a batch's result in all
//	WithAcceptedHook            told when a Bulk-* batch is acknowledged
//	WithHTTPClient, WithTimeout,
//	WithEngine                  the settings every crmbatch client shares
//
// Agiliron publishes no batch-size, request-size, concurrency or rate
// limit (none of the pages below names one). The defaults are therefore
// this package's: 100 records a request keeps a request of full leads
// near 100 KB; 8 MiB a request is a generous cap only a pathological
// record reaches (a record larger than it fails alone, before any request,
// matching *batch.TooLargeError; change it with WithMaxRequestBytes);
// concurrency 1, because one company's batches are processed in turn.
//
// # Errors and retries
//
// The engine (package batch) owns every retry: this package sends each
// request once and classifies its answer. A 429 or 503 is sent again after
// the server's Retry-After; another 5xx, a dropped connection or an
// unreadable answer is sent again for an update (idempotent, by id) and
// never for a create, whose records then fail matching
// batch.ErrOutcomeUnknown (read them back, or WaitBatch their BatchID,
// before sending them again). A 401 or 403 matches batch.ErrUnauthorized
// and stops the run. A request refused as a whole (400, 413, 422, or an
// answer whose status word is not "Success") wrote nothing and is halved
// until the records at fault are named; Agiliron's per-record failures
// match ErrRejected, with its message. Agiliron has no numeric error codes:
// the one code table (classify.go) reads the status words of its MCM
// envelope and BatchStatus. Errors are *Error (errors.As), whose Class
// matches the batch sentinels with errors.Is.
//
// Refused locally, before any request (Local true): a record without its
// id (an integer) or a required field on update (batch.ErrInvalid), a new
// record carrying an id, an id repeated within one Update call
// (batch.ErrDuplicate: Agiliron would apply both copies, each replacing
// the whole record, in an order nobody chose), and a record over the
// request size limit.
//
// The API key and the webhook secret are registered once, in every
// spelling they travel in, and scrubbed from every error and log line; the
// Client, its resources and the WebhookHandler print without them under
// every fmt verb and slog; no request follows a redirect to another host.
//
// # Testing against the fake
//
// Package agilirontest is an in-memory fake of these resources:
//
//	srv := agilirontest.NewServer()
//	defer srv.Close()
//	c, _ := agiliron.New(agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey))
//
// # JSON and XML forms
//
// Every exported type marshals and unmarshals with encoding/json and
// encoding/xml. A record's form is its wire form: the request body is the
// records' forms inside {"Leads":{"Lead":[…]}} or <Leads>…</Leads>
// (Contacts/Contact, Accounts/Account), byte for byte.
//
//	Lead          <Lead>: LeadId (left out when empty), Salutation, FirstName,
//	              LastName, Company, … DefaultCurrency, then LeadCustomFields
//	Contact       <Contact>: ContactId (left out when empty), …, CustomFields
//	Account       <Account>: AccountID, AccountNumber (left out when empty), …,
//	              CustomFields
//	CustomFields  <LeadCustomFields> or <CustomFields> holding
//	              <CustomField><Name>Tier</Name><Value>Gold</Value></CustomField>
//	              in order; in JSON {"CustomField":[{"Name":…,"Value":…}]};
//	              left out when there is none
//	Ack           <Ack>: ObjectType, SyncTime, Status, Message, BatchID
//	BatchResult   <result>: SuccessNumber, FailureNumber,
//	              <Success><Leads>entry</Leads>…</Success>, <Failure>…</Failure>;
//	              in JSON "Success":[entry,…] (left out when empty)
//	ResultEntry   LeadId, then LeadName, Message, Record when set
//	BatchStatus   <BatchStatus>: Id, BatchId, Status, RequestStartTime,
//	              RequestEndTime, Response (<Response><result>…</result></Response>;
//	              in JSON "Response":{…}; left out while there is no result)
//	Result        <Result>: BatchID, ID, Name, Message, Record
//
// Element names are JSON's keys. Every field is a string (or a count)
// written as Agiliron writes it, so times keep Agiliron's layouts in both
// encodings: records' "07-30-2020 06:12:06" (MM-DD-YYYY HH:MM:SS), Birthday
// "01-21-2020", and "2021-06-11 04:13:24" for SyncTime and the BatchStatus
// times. Ack, BatchResult and BatchStatus are the package's readings of
// Agiliron's answers, not those answers: their forms are for the caller's
// files (BatchResult's XML form is the callback's document, and the client
// reads both BatchResult forms and BatchStatus' XML form). xml decoding
// fills XMLName, which encoding ignores. A failure that is data is a
// ResultEntry's Message (and Result's); *Error is a Go error, with no form.
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
// (add-lead-1), so Leads().Create uses it. Add Lead lists no callback_url,
// sendRecordNo or batch id, so there is no acknowledgement to wait on: its
// answer is the final word. The copy of add-lead-1 this package was
// written from shows no sample answer; the decoder reads the MCM envelope
// the bulk pages answer with, and the new ids in success_message.lead_id,
// which is where Pipedream's Agiliron client (PipedreamHQ/pipedream,
// components/agiliron/actions/create-lead) reads them; an answer with
// per-record results is matched as a batch result is. Two readings are
// this package's, not Agiliron's: a "Success" status with no per-record
// detail means every lead of the request was added, and a non-success
// status refuses the request as a whole (the request is halved until the
// lead at fault is named).
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
// update may set it to NULL. Try Accounts().Update on a test account
// first.
//
// Other values: EmailOptOut is "1"/"0" in update-bulk-leads and "No" in
// add-lead-1; the package sends what the caller gives. BatchStatus'
// Response is a JSON document inside a string, LeadId a number inside it
// and a string elsewhere (read-batchstatus); both are read. The callback
// is a PUT (update-bulk-leads' sample webhook); POST is accepted too.
package agiliron
