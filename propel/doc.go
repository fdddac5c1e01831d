// Package propel moves customers, contacts, companies and their addresses
// in bulk into Propeller Commerce (Propel) through its REST v2 bulk upsert
// endpoints:
//
//	c.Customers().UpsertBySourceID   POST /customers/bulk/sourceId
//	c.Customers().UpsertByID         POST /customers/bulk/id
//	c.Contacts().UpsertBySourceID    POST /contacts/bulk/sourceId
//	c.Contacts().UpsertByID          POST /contacts/bulk/id
//	c.Companies().UpsertBySourceID   POST /companies/bulk/sourceId
//	c.Companies().UpsertByID         POST /companies/bulk/id
//	c.Customers().Addresses(ref).Upsert  POST /customers/{lookupKey}/{lookupValue}/addresses/bulk
//	c.Companies().Addresses(ref).Upsert  POST /companies/{lookupKey}/{lookupValue}/addresses/bulk
//
// Every verb takes the whole input as an iter.Seq (slices.Values for a
// slice), cuts it into requests of at most the batch size (DefaultBatchSize
// unless WithBatchSize says otherwise), and returns a *batch.Report with
// one outcome per record: succeeded (with the server's [Result]: create or
// update and Propeller's id), failed (with the reason, an [*Error]), or not
// attempted.
//
// # Options and defaults
//
// The engine options are the same in every crmbatch vendor: WithBaseURL,
// WithHTTPClient, WithTimeout (default 30 s, at least 1 s), WithBatchSize
// (default 100: Propel documents no maximum; 100 keeps a request to tens
// of kilobytes and a rejected record is isolated in at most seven
// halvings), WithEngine (retry policy, budget, keep, hooks), WithConcurrency
// (default 2: Propel documents no rate limit; two keep a steady pace
// without hammering a shared account), WithLimiter and WithLogger. A nil
// option is an error. Propel's own: WithClientCredentials or
// WithTokenSource, WithTokenURL, WithDirectives and WithMaxRequestBytes.
//
// # Authentication
//
// OAuth 2.0 client credentials ([WithClientCredentials]): the client
// fetches a token from POST {host}/oauth2/token, reuses it until 5 minutes
// before it expires ([TokenRenewBefore]: Propeller's tokens last 30
// minutes, cannot be refreshed, and its guide recommends "a renewal buffer
// of about 5 minutes", docs.propeller-commerce.com/integrations/
// integration-patterns/authentication-and-security), and, when the API
// answers 401 mid-run all the same, fetches a new one once and replays the
// request: at most one replay per request, counted in Report.Requests.
// Both token answers Propel has documented are accepted ("expires_in" as a
// number or a string, token_type "Bearer" or the old "BearerToken"); the
// token is always sent as "Authorization: Bearer". Any oauth2.TokenSource
// can be given instead ([WithTokenSource]). A token endpoint that refuses
// the client (a 3xx or a 4xx other than 408 and 429) stops the run.
//
// # Retries, errors and what is refused before sending
//
// Retries have one owner, the engine: this package never sends a request
// again on its own, apart from the one replay after a refused token. The
// bulk endpoints upsert by key, so a request sent again after a 5xx, a 429
// or a dropped connection cannot create a record twice: such answers are
// classified retryable (batch.ErrUnavailable, batch.ErrRateLimited) and
// the engine retries them under its RetryPolicy, honouring Retry-After. A
// 400 is not retried; when a schema error (10007) names the records at
// fault ("#/customers/3: extraneous key ..."), only those records fail and
// the others are sent again without them; any other whole-request
// rejection is narrowed down by halving the request. Every error is an
// *Error (one code table, classify.go) matching the batch class sentinels
// with errors.Is: batch.ErrInvalid, batch.ErrNotFound, batch.ErrDuplicate,
// batch.ErrUnauthorized, batch.ErrRateLimited, batch.ErrUnavailable,
// batch.ErrMalformedResponse. A record that failed while its request may
// have been applied without an answer saying so (a connection cut after
// sending, a 5xx other than 503, an unreadable 2xx: the engine's retries
// spent, or the run cancelled with it in flight) also matches
// batch.ErrOutcomeUnknown: it may have been written; check it in Propel,
// or send it again (an upsert writes it once).
//
// Records are checked before anything is sent (required keys, email and
// date formats, gender M/F/U, two-letter country codes, Y/N flags), and
// nothing the API does not know is ever sent: every empty optional field is
// left out of the JSON. A key repeated within one call (source/sourceId/
// language, id, or an address's code) fails the later record locally
// (batch.ErrDuplicate): Propel would write the record twice, the later
// write winning. A record whose JSON is larger than the request size
// limit fails locally too (*batch.TooLargeError): Propeller documents no
// limit, so the default is a generous DefaultMaxRequestBytes (10 MiB, the
// usual API-gateway default), changed with WithMaxRequestBytes; the
// records of one request add up to at most the same limit.
//
// # Secrets and SSNs
//
// The client secret and every access token, as it is learned, are held in
// the client's one redaction registry, in every spelling they travel in
// (raw, form- and query-escaped, JSON-escaped, base64): no error, log line
// or printed Client holds them (a Client prints only its base URL), and a
// redirect to another host is not followed, so the form body with the
// secret is never posted there.
//
// Social security numbers never appear in an error, a log line or a printed
// record: Customer and Contact print and log "REDACTED" in their place, and
// every string the server answers (messages, types, codes, failed entries)
// has the request's SSNs replaced, however short, as well as any value the
// server quotes in a message about an "ssn" field.
//
// # Where Propeller's documents disagree
//
// The choices below follow the API reference (docs.propeller-commerce.com,
// rest-v2/… and rest/… pages) over the integration guides where the two
// differ; the guide-only forms stay available but are never sent unless
// set.
//
//   - Company fields. The bulk company reference
//     (rest-v2/bulk-companies-by-source-id, …/bulk-companies-by-id) lists
//     name, language, parent, taxNumber, cocNumber, debtorId, department,
//     office, notes, inheritProductList, inheritOrderList, budget,
//     budgetInherit, orderListAllowAll, attributes and addresses, and
//     neither email nor phone. The guide "Import Companies, Contacts and
//     Customers" (integrations/domain-guides/users/…) sends email, phone
//     and "sources":[{"name","id"}] instead of source and sourceId. Since
//     Propel refuses unknown keys (10007), [Company] follows the reference;
//     Email, Phone and Sources are guide-only fields, sent only when set,
//     and a 10007 naming them fails that company alone. The Companies page
//     (rest-v2/companies) also lists phone and email, and gives budget a
//     third value, "H", which is accepted.
//   - Attributes. The bulk pages say "Read more about attributes" without
//     a schema of their own; the element {"class","name","type","value"}
//     is the one the bulk users reference shows (rest-v2/bulk-users-by-
//     source-id) and the attribute values page describes
//     (rest/bulk-resource-attribute-values-by-resource-lookup-key), where
//     an omitted value deletes the record's own value.
//   - Token lifetime. The authentication pages say 30 minutes and
//     recommend renewing about 5 minutes early; the older Apigee-style
//     answer says "expires_in":"1899". Either way the token is renewed
//     [TokenRenewBefore] before its announced expiry (a sixth of its life
//     for tokens shorter than 30 minutes), and a 401 still refreshes once.
//   - Bulk addresses. The reference (rest/bulk-customer-addresses,
//     rest/bulk-company-addresses) matches an address on its code, and its
//     field table requires type, code, street, city and country, while its
//     prose creates an address sent without a code; the newer rest-v2/user-management page matches on type and
//     code and also requires a postal code. The client requires a code
//     (an address without one would be created again by every resend),
//     checks the reference's required fields, and never puts two
//     addresses with the same code in one request, so both matching rules
//     give the same result. The owner's source travels as the "source"
//     query parameter of a sourceId lookup, as the lookup-keys and
//     attribute-values pages describe for lookups by sourceId. The client's
//     directives are not sent there: these endpoints document none.
//
// # XML form
//
// Propel's wire is JSON only; the XML form of the types serves the
// caller's own files (records to import, results and rejects to keep).
// Every record, result, directive and owner reference marshals and
// unmarshals with encoding/json and encoding/xml; a value decoded from
// either encoding encodes, in both, to the same bytes as the value it
// came from. The JSON sent to Propel is unchanged. The rules:
//
//   - A type's root element is its JSON name in the singular: <customer>,
//     <contact>, <company>, <address>, <parent>, <attribute>, <result>,
//     <directive>, <recordRef> and, for a [CompanySource], <sources> (the
//     JSON member that holds it; <source> is the flat source field).
//   - A field is a child element named as its JSON member (<sourceId>,
//     <dateOfBirth>, <inheritProductList>), with the same text the JSON
//     carries: numbers in decimal, flags "Y"/"N", [Result]'s success
//     "true"/"false". An empty field is left out, as in the JSON.
//   - A list is one element per item, named as the JSON member in the
//     singular, with no wrapper: <address> for "addresses", <attribute>
//     for "attributes", <message> for a [Result]'s "messages", <field> for
//     a [Directive]'s "fields"; a company's "sources" entries stay
//     <sources>. An empty list writes nothing.
//   - An [Attribute], the records' one name/value form, carries class,
//     name and type as XML attributes and its value as text:
//     <attribute class="company" name="CREDIT_LIMIT" type="integer">5000</attribute>.
//     The text is the value as it is, spaces included; an empty element
//     (<attribute name="OLD_FLAG"/>) is an attribute without a value, which
//     Propel reads as "delete this record's value".
//   - Dates stay text in Propel's layout, YYYY-MM-DD (<dateOfBirth>), in
//     both encodings; no type of this package holds a time.Time.
//   - A [Result]'s raw entry is the JSON text as Propel sent it, escaped,
//     as the text of <raw>; a <raw> that is not JSON is refused.
//
// For example:
//
//	<customer>
//	  <source>MY_CRM</source>
//	  <sourceId>3002196</sourceId>
//	  <language>NL</language>
//	  <email>ada@example.com</email>
//	  <parent><id>7</id></parent>
//	  <address><type>delivery</type><code>A-1</code><street>Keizersgracht</street><city>Amsterdam</city><country>NL</country></address>
//	</customer>
//
// Decoding checks the root element's name (a <Customer> is not a
// customer) and, as JSON decoding does, ignores elements it does not know.
// The SSN is part of a record in both encodings (it is sent); files that
// hold records hold it too.
//
// Package propeltest is an in-memory fake of these endpoints for tests;
// propel.New(propel.WithBaseURL(srv.BaseURL()),
// propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
// points a client at it.
package propel
