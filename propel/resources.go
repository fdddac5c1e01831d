package propel

import (
	"context"
	"iter"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
)

// Resource is the handle of one of Propel's bulk resources: customers,
// contacts or companies. Its two verbs upsert: a record the API finds by
// its key is updated, any other is created, so sending a record again
// never creates it twice.
//
// Each verb takes the whole input as an iter.Seq (slices.Values for a
// slice), cuts it into requests of at most the batch size, and returns a
// *batch.Report with one outcome per record: succeeded (with the server's
// Result: create or update and Propeller's id), failed (with the reason,
// an *Error), or not attempted. The error is the report's Err(). A key
// that appears twice in one call fails the later record locally (class
// batch.ErrDuplicate): Propel would write it twice.
type Resource[T any] struct {
	c              *Client
	bySourceID, id *endpoint[T]
}

// UpsertBySourceID upserts records matched on source + sourceId +
// language: POST /{resource}/bulk/sourceId. The report's keys are
// "source/sourceId/language".
func (r *Resource[T]) UpsertBySourceID(ctx context.Context, records iter.Seq[T]) (*batch.Report[Result], error) {
	return run(ctx, r.c, r.bySourceID, records)
}

// UpsertByID upserts records matched on Propeller's id:
// POST /{resource}/bulk/id. The report's keys are the ids.
func (r *Resource[T]) UpsertByID(ctx context.Context, records iter.Seq[T]) (*batch.Report[Result], error) {
	return run(ctx, r.c, r.id, records)
}

// Owner is the handle of a resource whose records own addresses:
// customers and companies. It has the Resource verbs and Addresses.
type Owner[T any] struct {
	Resource[T]
	resource, field string
}

// Addresses is the handle of one owner's addresses; see AddressBook.
func (o *Owner[T]) Addresses(owner RecordRef) *AddressBook {
	return &AddressBook{c: o.c, ep: addressEndpoint(o.resource, o.field, owner)}
}

// Customers is the customers resource (B2C). A customer's Addresses may
// be sent inline, or on their own through Addresses.
func (c *Client) Customers() *Owner[Customer] {
	return &Owner[Customer]{Resource: Resource[Customer]{c, customersBySourceID, customersByID}, resource: "customers", field: "customer"}
}

// Contacts is the contacts resource (people of a company). A contact's
// parent company must exist first (send companies before contacts); a
// contact whose parent is missing fails with Item set and is not created.
func (c *Client) Contacts() *Resource[Contact] {
	return &Resource[Contact]{c, contactsBySourceID, contactsByID}
}

// Companies is the companies resource (B2B). For UpsertBySourceID, source,
// sourceId and language are all required.
func (c *Client) Companies() *Owner[Company] {
	return &Owner[Company]{Resource: Resource[Company]{c, companiesBySourceID, companiesByID}, resource: "companies", field: "company"}
}

// sourceKey is a sourceId record's key in a report: source/sourceId/language.
func sourceKey(source, sourceID, language string) string {
	return source + "/" + sourceID + "/" + language
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

var customersBySourceID = &endpoint[Customer]{
	op: "customers bulk/sourceId", field: "customers", path: "/customers/bulk/sourceId", appendJSON: appendCustomer, keyField: "sourceId",
	key:      func(c Customer) string { return sourceKey(c.Source, c.SourceID, c.Language) },
	lookup:   func(c Customer) string { return c.SourceID },
	validate: func(c Customer) error { return validateCustomer(c, false) },
	ssn:      func(c Customer) string { return c.SSN },
}

var customersByID = &endpoint[Customer]{
	op: "customers bulk/id", field: "customers", path: "/customers/bulk/id", appendJSON: appendCustomer, keyField: "id",
	key:      func(c Customer) string { return idKey(c.ID) },
	lookup:   func(c Customer) string { return idKey(c.ID) },
	validate: func(c Customer) error { return validateCustomer(c, true) },
	ssn:      func(c Customer) string { return c.SSN },
}

var contactsBySourceID = &endpoint[Contact]{
	op: "contacts bulk/sourceId", field: "contacts", path: "/contacts/bulk/sourceId", appendJSON: appendContact, keyField: "sourceId",
	key:      func(c Contact) string { return sourceKey(c.Source, c.SourceID, c.Language) },
	lookup:   func(c Contact) string { return c.SourceID },
	validate: func(c Contact) error { return validateContact(c, false) },
	ssn:      func(c Contact) string { return c.SSN },
}

var contactsByID = &endpoint[Contact]{
	op: "contacts bulk/id", field: "contacts", path: "/contacts/bulk/id", appendJSON: appendContact, keyField: "id",
	key:      func(c Contact) string { return idKey(c.ID) },
	lookup:   func(c Contact) string { return idKey(c.ID) },
	validate: func(c Contact) error { return validateContact(c, true) },
	ssn:      func(c Contact) string { return c.SSN },
}

var companiesBySourceID = &endpoint[Company]{
	op: "companies bulk/sourceId", field: "companies", path: "/companies/bulk/sourceId", appendJSON: appendCompany, keyField: "sourceId",
	key: func(c Company) string {
		source, sourceID := c.sourceRef()
		return sourceKey(source, sourceID, c.Language)
	},
	lookup:   func(c Company) string { _, sourceID := c.sourceRef(); return sourceID },
	validate: func(c Company) error { return validateCompany(c, false) },
}

var companiesByID = &endpoint[Company]{
	op: "companies bulk/id", field: "companies", path: "/companies/bulk/id", appendJSON: appendCompany, keyField: "id",
	key:      func(c Company) string { return idKey(c.ID) },
	lookup:   func(c Company) string { return idKey(c.ID) },
	validate: func(c Company) error { return validateCompany(c, true) },
}
