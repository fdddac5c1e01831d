package propel

import (
	"context"
	"iter"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
)

// sourceKey is a sourceId record's key in a report: source/sourceId/language.
func sourceKey(source, sourceID, language string) string {
	return source + "/" + sourceID + "/" + language
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

var customersBySourceID = &spec[Customer]{
	name: "propel customers bulk/sourceId", field: "customers", path: "/customers/bulk/sourceId",
	key:      func(c Customer) string { return sourceKey(c.Source, c.SourceID, c.Language) },
	lookup:   func(c Customer) string { return c.SourceID },
	validate: func(c Customer) error { return ValidateCustomer(c, false) },
	ssn:      func(c Customer) string { return c.SSN },
}

var customersByID = &spec[Customer]{
	name: "propel customers bulk/id", field: "customers", path: "/customers/bulk/id",
	key:      func(c Customer) string { return idKey(c.ID) },
	lookup:   func(c Customer) string { return idKey(c.ID) },
	validate: func(c Customer) error { return ValidateCustomer(c, true) },
	ssn:      func(c Customer) string { return c.SSN },
}

// BulkCustomersBySourceID upserts customers matched on source + sourceId +
// language: POST /customers/bulk/sourceId. A customer not found is
// created, one found is updated. The report's keys are
// "source/sourceId/language"; each succeeded outcome's Result says create
// or update and gives Propeller's id. The error is rep.Err().
func (c *Client) BulkCustomersBySourceID(ctx context.Context, customers []Customer) (*batch.Report[Result], error) {
	return runSlice(ctx, c, customersBySourceID, customers)
}

// BulkCustomersBySourceIDSeq is BulkCustomersBySourceID reading its input
// from an iterator, in memory bounded by concurrency × batch size.
func (c *Client) BulkCustomersBySourceIDSeq(ctx context.Context, customers iter.Seq[Customer]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, customersBySourceID, customers)
}

// BulkCustomersByID upserts customers matched on Propeller's id:
// POST /customers/bulk/id. The report's keys are the ids.
func (c *Client) BulkCustomersByID(ctx context.Context, customers []Customer) (*batch.Report[Result], error) {
	return runSlice(ctx, c, customersByID, customers)
}

// BulkCustomersByIDSeq is BulkCustomersByID reading its input from an
// iterator.
func (c *Client) BulkCustomersByIDSeq(ctx context.Context, customers iter.Seq[Customer]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, customersByID, customers)
}
