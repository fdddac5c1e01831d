package propel

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
)

var companiesBySourceID = &spec[Company]{
	name: "propel companies bulk/sourceId", field: "companies", path: "/companies/bulk/sourceId",
	key: func(c Company) string {
		source, sourceID := c.sourceRef()
		return sourceKey(source, sourceID, c.Language)
	},
	lookup:   func(c Company) string { _, sourceID := c.sourceRef(); return sourceID },
	validate: func(c Company) error { return ValidateCompany(c, false) },
}

var companiesByID = &spec[Company]{
	name: "propel companies bulk/id", field: "companies", path: "/companies/bulk/id",
	key:      func(c Company) string { return idKey(c.ID) },
	lookup:   func(c Company) string { return idKey(c.ID) },
	validate: func(c Company) error { return ValidateCompany(c, true) },
}

// BulkCompaniesBySourceID upserts companies matched on source + sourceId +
// language (all three required): POST /companies/bulk/sourceId. Send
// companies before the contacts that name them as parent.
func (c *Client) BulkCompaniesBySourceID(ctx context.Context, companies []Company) (*batch.Report[Result], error) {
	return runSlice(ctx, c, companiesBySourceID, companies)
}

// BulkCompaniesBySourceIDSeq is BulkCompaniesBySourceID reading its input
// from an iterator.
func (c *Client) BulkCompaniesBySourceIDSeq(ctx context.Context, companies iter.Seq[Company]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, companiesBySourceID, companies)
}

// BulkCompaniesByID upserts companies matched on Propeller's id:
// POST /companies/bulk/id.
func (c *Client) BulkCompaniesByID(ctx context.Context, companies []Company) (*batch.Report[Result], error) {
	return runSlice(ctx, c, companiesByID, companies)
}

// BulkCompaniesByIDSeq is BulkCompaniesByID reading its input from an
// iterator.
func (c *Client) BulkCompaniesByIDSeq(ctx context.Context, companies iter.Seq[Company]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, companiesByID, companies)
}
