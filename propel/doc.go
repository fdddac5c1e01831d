// Package propel moves customers, contacts and companies in bulk into
// Propeller Commerce (Propel) through its REST v2 bulk upsert endpoints:
//
//	POST /customers/bulk/sourceId   POST /customers/bulk/id
//	POST /contacts/bulk/sourceId    POST /contacts/bulk/id
//	POST /companies/bulk/sourceId   POST /companies/bulk/id
//
// Every bulk method takes the whole input (a slice, or an iter.Seq in the
// ...Seq variant), cuts it into requests of at most the batch size
// (DefaultBatchSize unless WithBatchSize says otherwise), and returns a
// *batch.Report with one outcome per record: succeeded (with the server's
// [Result]: create or update and Propeller's id), failed (with the reason),
// or not attempted.
//
// Authentication is OAuth 2.0 client credentials ([WithClientCredentials]):
// the client fetches a token from POST {host}/oauth2/token, reuses it until
// 5 minutes before it expires ([TokenRenewBefore]: Propeller's tokens last
// 30 minutes, cannot be refreshed, and its guide recommends "a renewal
// buffer of about 5 minutes", docs.propeller-commerce.com/integrations/
// integration-patterns/authentication-and-security), and, when the API
// answers 401 mid-run all the same, fetches a new one once and replays the
// request. Both token answers Propel has
// documented are accepted ("expires_in" as a number or a string, token_type
// "Bearer" or the old "BearerToken"); the token is always sent as
// "Authorization: Bearer". Any oauth2.TokenSource can be given instead
// ([WithTokenSource]).
//
// The bulk endpoints upsert by key, so a request replayed after a 5xx or a
// dropped connection cannot create a record twice: such requests are retried
// with backoff. A 400 is not retried; when a schema error (10007) names the
// records at fault ("#/customers/3: extraneous key ..."), only those records
// fail and the others are sent again without them; any other whole-request
// rejection is narrowed down by halving the request.
//
// Records are checked before anything is sent (required keys, email and
// date formats, gender M/F/U, two-letter country codes, Y/N flags), and
// nothing the API does not know is ever sent: every empty optional field is
// left out of the JSON.
//
// Social security numbers never appear in an error, a log line or a printed
// record: Customer and Contact print and log "REDACTED" in their place, and
// every string the server answers (messages, types, codes, failed entries)
// has the request's SSNs replaced, however short, as well as any value the
// server quotes in a message about an "ssn" field. The client secret is
// scrubbed the same way.
//
// Package propeltest is an in-memory fake of these endpoints for tests.
package propel
