package agiliron

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Resource is one Agiliron record type (Lead, Contact or Account) with
// its two verbs, Create and Update. Get one from Client.Leads,
// Client.Contacts or Client.Accounts; it is safe for concurrent use.
type Resource[T any] struct {
	c    *Client
	spec *spec[T]
}

// Format prints the resource as its client does (vendor and base URL
// only), for every verb; slog's text handler uses it too.
func (r Resource[T]) Format(f fmt.State, verb rune) { r.c.Printable.Format(f, verb) }

// Leads is the lead resource: Create is POST Leads ("Add Lead",
// api.agiliron.com/docs/add-lead-1), synchronous; Update is PUT Bulk-Leads
// (update-bulk-leads), asynchronous. An update needs LeadId, LastName and
// Company (the WADL's required fields).
func (c *Client) Leads() *Resource[Lead] { return &Resource[Lead]{c: c, spec: leadSpec} }

// Contacts is the contact resource: Create is POST Bulk-Contacts ("Add
// Bulk Contacts", add-bulk-contacts-1) and Update PUT Bulk-Contacts, both
// asynchronous. An update needs ContactId and LastName.
func (c *Client) Contacts() *Resource[Contact] { return &Resource[Contact]{c: c, spec: contactSpec} }

// Accounts is the account resource: Create is POST Bulk-Accounts ("Add
// Bulk Accounts", add-bulk-accounts) and Update PUT Bulk-Accounts, both
// asynchronous. Every account needs an AccountName; an update also its
// AccountID. See Account for the fields this package knows.
func (c *Client) Accounts() *Resource[Account] { return &Resource[Account]{c: c, spec: accountSpec} }

// Create adds new records, WithBatchSize a request. A record with an id
// fails locally (batch.ErrInvalid) and is not sent.
//
// Leads go through Add Lead, which is synchronous: its answer is the final
// word. A "Success" answer adds every lead of the request; the new LeadId
// is reported when the request held one lead. A non-success answer refuses
// the request: one lead is rejected with Agiliron's message; a request of
// several is halved until the lead at fault is named. Contacts and
// accounts go through POST Bulk-*, which Agiliron acknowledges with a
// batch id; the method waits for each batch's final result (by webhook,
// see WithWebhook, or from BatchStatus) and matches it to the input by
// record number, else by name where that allows one reading.
//
// A create is not idempotent: a request refused outright (429, 503, a
// connection that never reached the server) is sent again by the engine,
// but one that may have reached the server (a timeout after sending, a
// 500, an answer that cannot be read) is never replayed; its records fail
// matching batch.ErrOutcomeUnknown, so that none is added twice. Read those
// records back (or WaitBatch their BatchID) before sending them again.
func (r *Resource[T]) Create(ctx context.Context, records iter.Seq[T]) (*batch.Report[Result], error) {
	var op batch.Op[T, Result]
	if r.spec.createPath != "" {
		op = createOp(r.c, r.spec)
	} else {
		op = bulkOp(r.c, r.spec, http.MethodPost)
	}
	return vendorkit.Run(ctx, op, r.c.cfg.Engine, records)
}

// Update updates existing records by id: PUT Bulk-* with
// {"<Plural>":{"<Single>":[…]}} (or XML), callback_url (when a webhook is
// configured) and sendRecordNo=true, WithBatchSize records a request, then
// waits for each batch's final result.
//
// An update REPLACES THE WHOLE RECORD: every writable field left empty is
// set to NULL by Agiliron. Send each record complete, as read. A record
// without its id (an integer) or a required field fails locally with
// batch.ErrInvalid; an id repeated within one call fails locally with
// batch.ErrDuplicate (the first occurrence is sent). Nothing refused
// locally is sent.
//
// An update by id is idempotent, so a request that failed in transit,
// with 429 or 5xx, or with a malformed acknowledgement is sent again by
// the engine. A request refused as a whole with 400, 413 or 422 (nothing
// queued) is split in halves and sent again, down to single records, so
// only the records at fault fail.
func (r *Resource[T]) Update(ctx context.Context, records iter.Seq[T]) (*batch.Report[Result], error) {
	return vendorkit.Run(ctx, bulkOp(r.c, r.spec, http.MethodPut), r.c.cfg.Engine, records)
}
