// Package pardot moves prospects in bulk into Salesforce Account Engagement
// (Pardot) through its batch endpoints, API versions 3 and 4:
//
//	POST /api/prospect/version/{3|4}/do/batchCreate   c.Prospects().Create
//	POST /api/prospect/version/{3|4}/do/batchUpdate   c.Prospects().Update
//	POST /api/prospect/version/{3|4}/do/batchUpsert   c.Prospects().Upsert
//
// Each verb takes an iter.Seq[Prospect] (a slice as slices.Values(ps)) and
// returns a *batch.Report[Result] with one outcome per prospect, succeeded,
// failed (with a *Error) or not attempted, and the report's error.
//
// # Options and defaults
//
// The options every crmbatch client has, with one meaning: WithBaseURL
// (default DefaultBaseURL; DemoBaseURL for sandboxes), WithHTTPClient,
// WithTimeout (default 30 s), WithBatchSize (default and most 50: Pardot's
// limit per batch, code 70 beyond), WithMaxRequestBytes and WithEngine
// (the batch.Config: concurrency — default 5, Pardot's limit of requests
// in flight per account, code 66 beyond — limiter, retry policy and budget,
// what the report keeps, hooks, logger; only its non-zero fields are set).
// Pardot's own:
// WithAPIVersion ("3", the default, or "4", which accounts that allow
// several prospects per email require), WithFormat (JSON, the default, or
// XML, for both the prospects document and the answers), WithMaxRequestBytes
// (default DefaultMaxRequestBytes, see below) and the credentials.
//
// # Authentication
//
// The way in is Salesforce OAuth: a connected app with the pardot_api
// scope, a user with Account Engagement access, and the business unit's id
// ("0Uv…", from Setup, Business Unit Setup). Give [WithTokenFunc] a
// function that gets a new token, such as a clientcredentials.Config's
// Token method (TokenURL https://<MyDomain>.my.salesforce.com/services/oauth2/token):
//
//	app := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL}
//	c, err := pardot.New(pardot.WithTokenFunc(app.Token, businessUnitID))
//
// Every request carries "Authorization: Bearer <token>" and
// "Pardot-Business-Unit-Id: <id>". Salesforce's token answer has no
// expires_in (its fields are access_token, signature, token_format,
// instance_url, id, token_type and issued_at, as in Salesforce's Connect
// REST API quick start and NangoHQ/nango#327; the session lasts as the
// org's session policy says), so an oauth2.Token built from it never
// expires and an oauth2.ReuseTokenSource never asks for another. The
// client therefore keeps the token until Pardot refuses it as an ended
// session: code 184 ("access_token is invalid, unknown, or malformed: …"),
// or code 1. It then gets one new token, shared by every worker, and
// replays each refused request once; the replay counts in Report.Requests
// and Report.Retries, so the report matches what the server saw. If no new
// token comes (the same token back, or the token endpoint refusing the
// credentials), or the replay is refused again, the error matches
// batch.ErrUnauthorized, the run stops and the rest of the input is
// reported not attempted. [WithTokenSource] takes a TokenSource asked on
// every request; most cache, so with one an ended session stops the run.
// [WithToken] takes a fixed token.
//
// [WithLegacyLogin], Pardot's own login (POST /api/login/version/3 with
// email, password and user key, answering an api_key valid an hour), is
// deprecated: Salesforce retired it on 2021-02-15 for every user who signs
// in through Salesforce (help article 000381447). It remains for accounts
// that still have a Pardot-only API user; the client logs a warning once,
// and a refused login (code 15 or 126) says to use Salesforce OAuth. An
// expired api_key (code 1) earns one new login and one replay, as above.
//
// # Secrets
//
// The password, user key and fixed token are registered with the client's
// one secrets registry when it is built, and every api_key and access
// token the moment the client learns it; every error message, log line
// and URL is scrubbed of them in every spelling (raw, escaped, base64),
// including text the server echoes back. A Client prints as its base URL
// only. No credential follows a redirect to another host: the redirect is
// not followed, and the 3xx comes back as an error. The token function
// gets the client's *http.Client in its context (oauth2.HTTPClient), so
// the same holds for the token endpoint.
//
// Where the documents disagree, this package chose:
//
//   - Code 184 is in none of Pardot's numbered error lists we could read
//     (pardot/api-docs docs/kb/error-codes-messages.md stops at 177; the
//     Salesforce-hosted "Error Codes and Messages" page prints messages
//     without numbers). Its number and text come from the clients that
//     handle it: pardot/ruby-pardot spec/pardot/http_spec.rb wires
//     <err code="184">access_token is invalid, unknown, or malformed</err>
//     to handle_expired_access_token; mneedham91/PyPardot4's README
//     refreshes the token on 184 and retries once; and a Trailhead
//     community answer
//     (feed 0D54V00007ajE8HSAU) shows the JSON body
//     {"@attributes":{"stat":"fail","version":1,"err_code":184},"err":"access_token is invalid, unknown, or malformed: Invalid scope"}.
//     The client reads the code, or the message's prefix when the code is
//     missing. Since the same 184 also means a connected app without the
//     pardot_api scope, a second 184 after a new token is final.
//   - Code 1 is documented for api keys only ("the API key has expired");
//     it is treated as an ended session for OAuth too, with the same one
//     renewal.
//   - pardot/api-docs docs/kb/authentication.md still presents the legacy
//     login beside OAuth as an equal choice for Pardot-only users; help
//     article 000381447 (and SAP Open Connectors' Pardot setup page:
//     "completely deprecated") retire it. This package follows the
//     retirement: deprecated, kept, not shown first.
//   - Salesforce's Authentication page says the business unit id is 18
//     characters; the 15-character form of the same id is accepted too.
//
// # Wire shapes
//
// Version 3 takes an object keyed by identifier (prospect id, else email):
//
//	{"prospects":{"1234":{"first_name":"Ada"},"ada@example.com":{"first_name":"Ada"}}}
//	<prospects><prospect identifier="1234"><first_name>Ada</first_name></prospect></prospects>
//
// Version 4 takes a flat array whose items carry id, fid or email:
//
//	{"prospects":[{"email":"ada@example.com","first_name":"Ada"}]}
//	<prospects><prospect><email>ada@example.com</email><first_name>Ada</first_name></prospect></prospects>
//
// The document goes in the form-encoded POST body as "prospects", beside
// "format" (the response format, json or xml). Credentials travel only in
// headers: "Authorization: Bearer …" with "Pardot-Business-Unit-Id" for
// Salesforce OAuth, or "Authorization: Pardot api_key=…, user_key=…" for
// the deprecated legacy login.
//
// # XML and JSON forms
//
// Prospect, Result and Error marshal and unmarshal with encoding/json and
// encoding/xml, for a caller's own files (records to import, rejects,
// reports). A Prospect's form in both encodings is its item in the
// version 4 wire document above, byte for byte: the root element
// <prospect> (or the name it is given inside another element), one child
// element or JSON member per non-empty field under its API name (id, fid,
// email, salutation, first_name, … opted_out, the names of the struct
// tags) in the wire's order, then Fields, one element or member per entry
// named by the field, sorted by name (the ids as JSON strings, as the
// wire writes them; read back as strings or numbers):
//
//	<prospect><email>ada@example.com</email><is_do_not_email>true</is_do_not_email><favorite_color>blue</favorite_color></prospect>
//	{"email":"ada@example.com","is_do_not_email":true,"favorite_color":"blue"}
//
// So a list of prospects in a <prospects> element is the version 4 XML
// document itself, and Pardot's own prospect elements read back. Reading,
// any element or member that is not a typed field's goes to Fields; values
// may be JSON strings, numbers or booleans (null leaves the field unset),
// the ids decimal integers, the booleans true/false or 1/0, an empty
// element the same as none; an element holding elements is an error.
// Writing, a Fields name that is not letters, digits and underscores
// (first a letter or underscore, not "xml…") or that repeats a typed
// field's name is an error, as it is when sending; a Fields entry with an
// empty value is kept. Text XML cannot hold (control characters other
// than tab, newline and return) is written as U+FFFD, as on the wire.
//
// Result is {} and <result></result>. An Error is written as data, its
// class by name (vendorkit's names: "invalid", "rate limited", "outcome
// unknown" …), its wait as a Go duration, its cause as text:
//
//	<error vendor="pardot" http_status="200" code="4" class="invalid" wait="2s" local="true"><op>batchCreate</op><key>0</key><param>…</param><request_id>…</request_id><message>Invalid prospect email address</message><cause>…</cause></error>
//	{"vendor":"pardot","op":"batchCreate","http_status":200,"code":4,"class":"invalid","wait":"2s","local":true,"key":"0","param":"…","request_id":"…","message":"Invalid prospect email address","cause":"…"}
//
// (empty members left out, class always written). Read back, an Error
// means what it meant: the same class and errors.Is sentinels, and the
// code table's attempts cap and run stop; the cause is an error with the
// same text, no longer matching what the original cause matched.
//
// # Identifiers, duplicates and size
//
// batchCreate needs a valid email on every prospect and no id;
// batchUpdate and batchUpsert identify a prospect by id or email in
// version 3 and by id or fid in version 4. An identifier repeated within
// one call (an email compared case-insensitively) is refused before
// sending, with a Local *Error matching batch.ErrDuplicate: in version 3
// the request is a map keyed by identifier, where the two would merge
// silently, and in version 4 a repeated row is far more often a mistake
// than a wish. Send deliberate repeats in separate calls.
//
// Pardot documents no size limit for these requests beyond 50 prospects
// (pardot/api-docs docs/kb/api-version-{3,4}/prospects.md; the current
// Salesforce reference, prospects-v4.html, says only "up to 50"). The
// client caps a request's form body at DefaultMaxRequestBytes (8 MiB, the
// default post_max_size of PHP, which Pardot's API runs on; generous for
// 50 prospects), changeable with WithMaxRequestBytes: requests are filled
// up to it, and a prospect that alone exceeds it fails before sending with
// a Local *Error matching batch.ErrInvalid.
//
// # Responses
//
// A global failure (<rsp stat="fail"><err code="66">…</err></rsp>, or JSON
// with "@attributes":{"stat":"fail"}) is checked in the body whatever the
// HTTP status. Per-prospect failures arrive in an "errors" map keyed by the
// prospect's position in the request (version 4) or by its identifier
// (version 3); a JSON array stands for a map keyed 0..n-1 (PHP's
// json_encode writes one so when the first n prospects failed). Both
// keyings are understood in both versions. A key that matches no prospect
// of the request fails the whole request rather than guess, and is never
// resent: Pardot processed the request, so the error matches
// batch.ErrOutcomeUnknown. Pardot returns no data for prospects that
// succeeded, so [Result] is empty. The XML layout of per-prospect errors is
// not documented; the decoder reads <errors> children of any name, taking
// the key from an identifier, index, key or id attribute or child, and the
// message from the text or a message, error or err child.
//
// # Errors and retries
//
// Every failure is a *Error (errors.As), which embeds the fields every
// crmbatch vendor shares (HTTPStatus, Code, Message, Op, Wait, Class,
// Local) and adds the errors-map Key and the Param of a code 10000. It
// matches the batch sentinel of its class with errors.Is. What each code
// means is in one table (classify.go): 62 (conflicting update) and 66
// (concurrency limit) are sent again as the retry policy allows, 85 once
// more and 119-121 up to three sends in all; a per-prospect code resends
// only that prospect. 122 (daily limit) matches batch.ErrQuotaExceeded
// and stops the run; so do the refused credentials (15, 126, 131, 76, 53,
// and 1 or 184 after the one renewal), matching batch.ErrUnauthorized, and
// the errors that would hit every request alike: the wrong API version
// (88, 89) or batch shape (90, 91); the rest of the input is then reported
// not attempted. The client itself retries nothing: each retry is the
// engine's, so RetryPolicy.MaxAttempts is the number of times a prospect
// is sent. A 429 or 503 is sent again after the server's Retry-After.
//
// A request refused as a whole before anything was written, for its size
// (70: the server takes fewer than WithBatchSize) or for one prospect's
// content (71, 72, 10000), is not sent again as is but split in halves
// down to single prospects, so only the prospects at fault fail with that
// code (batch.ErrInvalid). Once a whole batch's worth of prospects has
// been refused alone in a call, the fault is evidently a setting, not a
// prospect: later refused requests fail whole instead of being split (the
// engine has no run-level rule for this, so the guard is the client's).
// Per-prospect codes (3, 4, 9, 54, 77, 132, …) fail that prospect only. A
// create whose answer is lost (dropped connection, 5xx, unreadable 200)
// fails with an error matching batch.ErrOutcomeUnknown and is never sent
// again; updates and upserts by identifier are idempotent and are sent
// again.
//
// # Imports
//
// Large loads go through the Import API v5 instead: Prospects().Import
// (ImportCreate, ImportUpdate, ImportUpsert), or Create, Update and Upsert
// themselves when a call holds more prospects than WithImportThreshold(n)
// (default 0: never). It takes Salesforce OAuth only.
//
//	POST  /api/v5/imports               multipart: "input" {"operation":"Upsert","object":"Prospect",
//	                                    "createOnNoMatch":…,"columns":[…]} and the first "file" (CSV)
//	POST  /api/v5/imports/{id}/batches  multipart: one more "file"; 204
//	PATCH /api/v5/imports/{id}          {"status":"Ready"}: submit
//	GET   /api/v5/imports/{id}?fields=id,status,isExpired,createdCount,updatedCount,errorCount,errorsRef
//	GET   /api/v5/imports/{id}/errors   the errors file (CSV)
//
// The CSV is written as the input is read, into one reused batch file of
// at most MaxImportBatchBytes (Pardot: "smaller than 10 MB"); an import
// takes at most MaxImportBatches files (10), so a larger input becomes
// several imports, each submitted and read before the next begins. Each
// import is polled after 2 s, then twice as long each time up to a
// minute, with a context-aware wait; a 429 or 503 is sent again after its
// Retry-After (told to the limiter when it is a batch.Pauser), as
// RetryPolicy.MaxAttempts allows. A 401 earns one new token and one
// replay. An import costs the create (with its first file), one request
// per further file, the submit, the status reads and, when rows failed,
// the errors file: 200,000 prospects of a few fields take 5 requests.
//
// The columns are the v5 names (email, firstName, jobTitle, addressOne,
// campaignId, salesforceOwnerId, isDoNotEmail, …, and Fields' names as
// given, which for v5 custom fields end in __c) after one match column:
// matchId for a prospect with an id, matchSalesforceId for one with a fid
// (version 4), matchEmail otherwise; a create leaves it empty, which is
// how the Import API creates. Every file of an import has the same header,
// so a prospect needing another match column or a custom field the header
// lacks starts a new import. Each column is sent with nullOverwrite false,
// so an empty cell leaves the prospect's value alone, as the batch
// endpoints do for an unsent field.
//
// An errors-file line is placed back on its input record by key: its
// match value, else its email (lowercased), as Outcome.Key gives it; the
// record fails with Pardot's message (a *Error, class Invalid unless the
// message is a known code's). The other rows of a Complete import succeed
// only when created + updated + errors equals the rows sent and every
// error line was placed; otherwise, and when the import's status cannot be
// read after the submit (the context ended, the reads kept failing, the
// import expired), they fail with an error matching batch.ErrOutcomeUnknown.
// An import refused before its submit writes nothing (Pardot drops an
// unsubmitted import after 24 hours): its rows are reported not attempted.
//
// What differs from the batch endpoints: the answer comes minutes later
// (Pardot processes imports in the background and asks for status reads
// "at a reasonable interval"), at a cost of a handful of API calls instead
// of one per 50 prospects; a per-record failure carries Pardot's message
// but no code (the errors file has none) and no HTTP status; nothing is
// retried per record (an import is applied once); Outcome.Attempts is 1
// for a row sent; the report keeps one status byte and key per record
// while it runs, and Config.Keep applies when it is built. With
// Config.Keep = KeepNone, Report.Err lists no record (OnOutcome sees each).
//
// Sources: Salesforce's "Import API" v5 guide
// (developer.salesforce.com/docs/marketing/pardot/guide/import-v5.html:
// match columns matchId, matchSalesforceId and matchEmail, one per record,
// an empty match value creates); the version 4 Import API document
// (pardot/api-docs docs/kb/api-version-4/import.md: the states Open,
// Ready, Waiting, Processing and Complete, 10 batches per import, batches
// smaller than 10 MB, 1,000 batches and 10 GB a day, expiry 24 hours
// unsubmitted and 7 days after completion, the columns and nullOverwrite
// input); Salesforce's blog "Introducing Pardot's Import API" (2019-08:
// ten batches of 10 MB, the same header in every file); and PyPardotSF
// (the v5 create's "input" and "file" parts, createOnNoMatch, PATCH
// {"status":"Ready"}, the status read's fields, GET …/errors). The full
// v5 page could not be read; where it and the version 4 document may
// differ (part names, "status" for "state", errorsRef), this package
// follows PyPardotSF's v5 client, and the errors file's layout, which no
// source describes beyond "CSV data with error info", is read by header:
// the match and email columns and an "error" (or "errors", "message")
// column.
package pardot
