package agiliron

import (
	"context"
	"iter"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// The Agiliron resources leads go through.
const (
	// bulkLeads is the documented multi-lead update (PUT only).
	bulkLeads = "Bulk-Leads"
	// leadsPath is the documented lead create (Add Lead, POST), which takes
	// {"Leads":{"Lead":[…]}} and so many leads at once.
	leadsPath = "Leads"
)

// leads describes the Lead record to the shared code.
var leads = &resource[Lead, LeadResult]{
	plural: "Leads", single: "Lead", bulk: bulkLeads, idName: "LeadId", customKey: "LeadCustomFields",
	id:             func(l *Lead) string { return l.LeadID },
	name:           func(l *Lead) string { return fullName(l.FirstName, l.LastName) },
	addKey:         func(l Lead) string { return l.Email },
	validateUpdate: validateLeadUpdate,
	validateAdd:    func(l Lead) error { return validateNoID("POST "+leadsPath, "LeadId", l.LeadID, "UpdateLeads") },
	marshalJSON:    func(l *Lead) ([]byte, error) { return l.MarshalJSON() },
	result: func(r recordResult) LeadResult {
		return LeadResult{BatchID: r.batchID, LeadID: r.id, LeadName: r.name, Message: r.message, Record: r.record}
	},
}

// UpdateLeads updates existing leads: PUT Bulk-Leads with
// {"Leads":{"Lead":[…]}} (or <Leads><Lead>…</Lead></Leads>), callback_url
// (when a webhook is configured) and sendRecordNo=true, in batches of
// WithBatchSize leads, then waits for each batch's final result.
//
// An update REPLACES THE WHOLE RECORD: every writable field left empty is
// set to NULL by Agiliron. Send each lead complete, as read. Each lead
// must carry LeadId, LastName and Company (the WADL's required fields);
// one that does not fails with ErrInvalid and is not sent. A LeadId
// repeated in the input goes in a later batch than its first occurrence.
//
// An update by LeadId is idempotent, so a request that failed in transit,
// with 429 or 5xx, or with a malformed acknowledgement is sent again with
// backoff. A request refused as a whole with 400, 413 or 422 (nothing
// queued) is split in halves and sent again, down to single leads, so only
// the leads at fault fail. Each lead ends succeeded, or failed with
// Agiliron's message (ErrRejected) or another *Error; the report is final
// when the method returns, and the error is rep.Err().
func (c *Client) UpdateLeads(ctx context.Context, in []Lead) (*batch.Report[LeadResult], error) {
	return runSlice(ctx, c, bulkOp(c, leads, http.MethodPut), in)
}

// UpdateLeadsSeq is UpdateLeads over a sequence, read as it goes.
func (c *Client) UpdateLeadsSeq(ctx context.Context, in iter.Seq[Lead]) (*batch.Report[LeadResult], error) {
	return runSeq(ctx, c, bulkOp(c, leads, http.MethodPut), in)
}

// AddLeads creates new leads: POST Leads ("Add Lead",
// api.agiliron.com/docs/add-lead-1) with {"Leads":{"Lead":[…]}} (or
// <Leads><Lead>…</Lead></Leads>), WithBatchSize leads a request. A lead
// with a LeadId fails with ErrInvalid and is not sent.
//
// Add Lead is synchronous: it documents no callback_url, sendRecordNo or
// batch id, so the answer to the request is the final word. A "Success"
// answer adds every lead of the request; the new LeadId is reported when
// the request held one lead (with several, the answer does not say which
// new id is whose). A non-success answer refuses the request: one lead is
// rejected with Agiliron's message (ErrRejected); a request of several is
// halved until the lead at fault is named.
//
// A create is not idempotent: a request refused outright (429, 503, a
// connection that never reached the server) is sent again, but one that
// may have reached the server (a timeout after sending, a 500, an answer
// that cannot be read) is never replayed; its leads fail with
// ErrOutcomeUnknown, so that no lead is added twice. Read those leads back
// before sending them again.
func (c *Client) AddLeads(ctx context.Context, in []Lead) (*batch.Report[LeadResult], error) {
	return runSlice(ctx, c, createOp(c, leads, leadsPath), in)
}

// AddLeadsSeq is AddLeads over a sequence, read as it goes.
func (c *Client) AddLeadsSeq(ctx context.Context, in iter.Seq[Lead]) (*batch.Report[LeadResult], error) {
	return runSeq(ctx, c, createOp(c, leads, leadsPath), in)
}

// EncodeLeads returns the request body for leads in format f:
// {"Leads":{"Lead":[…]}} or <Leads><Lead>…</Lead></Leads>.
func EncodeLeads(f Format, in []Lead) ([]byte, error) { return encodeRecords(leads, f, in) }

// DecodeLeads reads a Leads or Bulk-Leads body (JSON or XML, chosen by
// contentType or sniffed), a Lead given as one object or a list.
func DecodeLeads(contentType string, body []byte) ([]Lead, error) {
	return decodeRecords(leads, contentType, body)
}
