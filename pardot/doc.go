// Package pardot moves prospects in bulk into Salesforce Account Engagement
// (Pardot) through its batch endpoints, API versions 3 and 4:
//
//	POST /api/prospect/version/{3|4}/do/batchCreate
//	POST /api/prospect/version/{3|4}/do/batchUpdate
//	POST /api/prospect/version/{3|4}/do/batchUpsert
//
// A [Client] splits the input into requests of at most 50 prospects, sends
// up to five at once (Pardot's concurrent-request limit), retries what
// Pardot says may be retried (codes 62 and 66), gets a new Salesforce
// token once when a session ends mid-run (code 184), stops the run on the
// daily limit (code 122) and reports every prospect as succeeded, failed
// (with a [*Error]) or not attempted in a [batch.Report].
//
// # Authentication
//
// The way in is Salesforce OAuth: a connected app with the pardot_api
// scope, a user with Account Engagement access, and the business unit's id
// ("0Uv…", from Setup, Business Unit Setup). Give [WithOAuthTokenFunc] a
// function that gets a new token, such as a clientcredentials.Config's
// Token method (TokenURL https://<MyDomain>.my.salesforce.com/services/oauth2/token):
//
//	app := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL}
//	c, err := pardot.New(pardot.WithOAuthTokenFunc(app.Token, businessUnitID))
//
// Every request carries "Authorization: Bearer <token>" and
// "Pardot-Business-Unit-Id: <id>". Salesforce's token answer has no
// expires_in (its fields are access_token, signature, token_format,
// instance_url, id, token_type and issued_at, as in Salesforce's Connect
// REST API quick start and NangoHQ/nango#327; the session lasts as the
// org's session policy says), so an
// oauth2.Token built from it never expires and an oauth2.ReuseTokenSource
// never asks for another. The client therefore keeps the token until
// Pardot refuses it as an ended session: code 184 ("access_token is
// invalid, unknown, or malformed: …"), or code 1. It then gets one new
// token, shared by every worker, and replays each refused request once;
// the replay counts in Report.Requests and Report.Retries, so the report
// matches what the server saw. If no new token comes (the same token back,
// or the token endpoint refusing the credentials), or the replay is
// refused again, the run stops and the rest of the input is reported not
// attempted. [WithOAuth] takes a TokenSource asked on every request; most
// cache, so with one an ended session stops the run. [WithToken] takes a
// fixed token.
//
// [WithLegacyLogin], Pardot's own login (POST /api/login/version/3 with
// email, password and user key, answering an api_key valid an hour), is
// deprecated: Salesforce retired it on 2021-02-15 for every user who signs
// in through Salesforce (help article 000381447). It remains for accounts
// that still have a Pardot-only API user; the client logs a warning once,
// and a refused login (code 15 or 126) says to use Salesforce OAuth. An
// expired api_key (code 1) earns one new login and one replay, as above.
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
// # Identifiers and duplicates
//
// batchCreate needs a valid email on every prospect, unique within the
// whole input (case-insensitively); a repeated email is reported Failed with
// [ErrDuplicateIdentifier] and not sent. That holds in version 4 too,
// where an account that allows several prospects per email would accept
// both: a repeated row is far more often a mistake than a wish, so create
// deliberate namesakes in separate calls. batchUpdate and batchUpsert
// identify a prospect by id or email in version 3 and by id or fid in
// version 4. Two records with the same identifier are never put in the same
// request (in version 3 they would merge silently in the keyed map): the
// second one starts a new request, so both are sent. With Concurrency above
// 1 those two requests may be in flight together, so which one Pardot
// applies last is not guaranteed; send such inputs with WithConcurrency(1)
// or merge them first when the order matters.
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
// resent: Pardot processed the request, so the error also matches
// httpx.ErrOutcomeUnknown. Pardot returns no data for prospects that
// succeeded, so [Result] is empty. The XML layout of per-prospect errors is
// not documented; the decoder reads <errors> children of any name, taking
// the key from an identifier, index, key or id attribute or child, and the
// message from the text or a message, error or err child.
//
// # Errors and retries
//
// Codes 62 and 66 are retried with the retry policy's backoff, 85 once
// more and 119-121 up to three sends in all (see [Error.MaxAttempts]); a
// per-prospect code resends only that prospect. An ended session (184, or
// 1) gets one new credential, shared by all workers, and one replay (see
// Authentication); the same credential back, a second refusal, a refused
// login (15, 131), a refused OAuth header (126) or a token endpoint
// refusing the credentials (a 4xx oauth2.RetrieveError, which matches
// ErrAuth; other token failures are retried) stops the run. So do the daily limit
// (122) and the errors that would hit every request alike: wrong API
// version (88, 89) or batch shape (90, 91); the rest of the input is then
// reported not attempted. A request refused as a whole before anything was
// written, for its size (70: the server takes fewer than WithBatchSize) or
// for one prospect's content (71, 72, 10000), is not resent as is but split
// in halves down to single prospects, so only the prospects at fault fail
// with that code. Once a whole batch's worth of prospects has been refused
// alone in a run, the fault is evidently a setting, not a prospect: later
// refused requests fail whole instead of being split. Per-prospect codes
// (3, 4, 9, 54, 77, 132, …) fail that prospect only. A create whose answer is lost (dropped connection, 5xx,
// unreadable 200) is failed with an error matching httpx.ErrOutcomeUnknown
// and never resent; updates and upserts by identifier are idempotent and
// are retried.
package pardot
