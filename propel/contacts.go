package propel

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

var contactsBySourceID = &spec[Contact]{
	name: "propel contacts bulk/sourceId", field: "contacts", path: "/contacts/bulk/sourceId",
	key:      func(c Contact) string { return sourceKey(c.Source, c.SourceID, c.Language) },
	lookup:   func(c Contact) string { return c.SourceID },
	validate: func(c Contact) error { return ValidateContact(c, false) },
	ssn:      func(c Contact) string { return c.SSN },
}

var contactsByID = &spec[Contact]{
	name: "propel contacts bulk/id", field: "contacts", path: "/contacts/bulk/id",
	key:      func(c Contact) string { return idKey(c.ID) },
	lookup:   func(c Contact) string { return idKey(c.ID) },
	validate: func(c Contact) error { return ValidateContact(c, true) },
	ssn:      func(c Contact) string { return c.SSN },
}

// BulkContactsBySourceID upserts contacts matched on source + sourceId +
// language: POST /contacts/bulk/sourceId. A contact's parent company must
// exist first (send companies before contacts); a contact whose parent is
// missing fails with ErrItemFailed and is not created.
func (c *Client) BulkContactsBySourceID(ctx context.Context, contacts []Contact) (*batch.Report[Result], error) {
	return runSlice(ctx, c, contactsBySourceID, contacts)
}

// BulkContactsBySourceIDSeq is BulkContactsBySourceID reading its input
// from an iterator.
func (c *Client) BulkContactsBySourceIDSeq(ctx context.Context, contacts iter.Seq[Contact]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, contactsBySourceID, contacts)
}

// BulkContactsByID upserts contacts matched on Propeller's id:
// POST /contacts/bulk/id.
func (c *Client) BulkContactsByID(ctx context.Context, contacts []Contact) (*batch.Report[Result], error) {
	return runSlice(ctx, c, contactsByID, contacts)
}

// BulkContactsByIDSeq is BulkContactsByID reading its input from an
// iterator.
func (c *Client) BulkContactsByIDSeq(ctx context.Context, contacts iter.Seq[Contact]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, contactsByID, contacts)
}
