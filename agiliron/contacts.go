package agiliron

import (
	"context"
	"iter"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// bulkContacts is the documented multi-contact add (POST) and update (PUT).
const bulkContacts = "Bulk-Contacts"

// contacts describes the Contact record to the shared code.
var contacts = &resource[Contact, ContactResult]{
	plural: "Contacts", single: "Contact", bulk: bulkContacts, idName: "ContactId", customKey: "CustomFields",
	id:     func(c *Contact) string { return c.ContactID },
	name:   func(c *Contact) string { return fullName(c.FirstName, c.LastName) },
	addKey: func(c Contact) string { return c.Email },
	validateUpdate: func(c Contact) error {
		return validateUpdate("PUT "+bulkContacts, "ContactId", c.ContactID, "LastName", c.LastName, "Contact Last Name cannot be blank")
	},
	validateAdd: func(c Contact) error {
		return validateNoID("POST "+bulkContacts, "ContactId", c.ContactID, "UpdateContacts")
	},
	marshalJSON: func(c *Contact) ([]byte, error) { return c.MarshalJSON() },
	result: func(r recordResult) ContactResult {
		return ContactResult{BatchID: r.batchID, ContactID: r.id, Name: r.name, Message: r.message, Record: r.record}
	},
}

// AddContacts creates new contacts: POST Bulk-Contacts ("Add Bulk
// Contacts", api.agiliron.com/docs/add-bulk-contacts-1) with
// {"Contacts":{"Contact":[…]}} (or XML), callback_url (when a webhook is
// configured) and sendRecordNo=true, in batches of WithBatchSize contacts,
// then waits for each batch's final result as UpdateLeads does. A contact
// with a ContactId fails with ErrInvalid and is not sent.
//
// A create is not idempotent: a request that may have reached the server
// and got no usable acknowledgement is never replayed; its contacts fail
// with ErrOutcomeUnknown (with the BatchID when one is known, for
// WaitBatch). Results without record numbers are placed as for leads, by
// name ("FirstName LastName") or by count only where they allow one
// reading.
func (c *Client) AddContacts(ctx context.Context, in []Contact) (*batch.Report[ContactResult], error) {
	return runSlice(ctx, c, bulkOp(c, contacts, http.MethodPost), in)
}

// AddContactsSeq is AddContacts over a sequence, read as it goes.
func (c *Client) AddContactsSeq(ctx context.Context, in iter.Seq[Contact]) (*batch.Report[ContactResult], error) {
	return runSeq(ctx, c, bulkOp(c, contacts, http.MethodPost), in)
}

// UpdateContacts updates existing contacts: PUT Bulk-Contacts, as
// UpdateLeads does for leads. An update REPLACES THE WHOLE RECORD: send
// each contact complete, as read. Each contact must carry ContactId (an
// integer) and LastName.
func (c *Client) UpdateContacts(ctx context.Context, in []Contact) (*batch.Report[ContactResult], error) {
	return runSlice(ctx, c, bulkOp(c, contacts, http.MethodPut), in)
}

// UpdateContactsSeq is UpdateContacts over a sequence, read as it goes.
func (c *Client) UpdateContactsSeq(ctx context.Context, in iter.Seq[Contact]) (*batch.Report[ContactResult], error) {
	return runSeq(ctx, c, bulkOp(c, contacts, http.MethodPut), in)
}

// EncodeContacts returns the Bulk-Contacts request body in format f:
// {"Contacts":{"Contact":[…]}} or <Contacts><Contact>…</Contact></Contacts>.
func EncodeContacts(f Format, in []Contact) ([]byte, error) { return encodeRecords(contacts, f, in) }

// DecodeContacts reads a Bulk-Contacts body (JSON or XML), a Contact
// given as one object or a list.
func DecodeContacts(contentType string, body []byte) ([]Contact, error) {
	return decodeRecords(contacts, contentType, body)
}
