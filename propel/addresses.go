package propel

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
)

// RecordRef names the one customer or company whose addresses a bulk
// addresses call writes: by Propeller id (ByID) or by source and sourceId
// (BySourceID). It becomes the {lookupKey}/{lookupValue} of the path.
type RecordRef struct {
	// ID is Propeller's id (lookup key "id").
	ID int64
	// Source and SourceID are the record's origin (lookup key "sourceId";
	// Source is sent as the "source" query parameter).
	Source   string
	SourceID string
}

// ByID names a record by Propeller's id.
func ByID(id int64) RecordRef { return RecordRef{ID: id} }

// BySourceID names a record by its source and sourceId.
func BySourceID(source, sourceID string) RecordRef {
	return RecordRef{Source: source, SourceID: sourceID}
}

// path returns the endpoint for r's addresses under resource:
// /{resource}/id/{id}/addresses/bulk, or
// /{resource}/sourceId/{sourceId}/addresses/bulk?source={source}; or a
// *ValidationError naming field.
func (r RecordRef) path(resource, field string) (string, error) {
	switch {
	case r.ID > 0 && r.Source == "" && r.SourceID == "":
		return "/" + resource + "/id/" + strconv.FormatInt(r.ID, 10) + "/addresses/bulk", nil
	case r.ID == 0 && strings.TrimSpace(r.Source) != "" && strings.TrimSpace(r.SourceID) != "":
		return "/" + resource + "/sourceId/" + url.PathEscape(r.SourceID) + "/addresses/bulk?" +
			url.Values{"source": {r.Source}}.Encode(), nil
	}
	return "", invalid(field, "give a positive id (ByID), or source and sourceId (BySourceID)")
}

// addressSpec describes the bulk addresses endpoint of one owner.
func addressSpec(resource, field string, owner RecordRef) *spec[Address] {
	s := &spec[Address]{
		name: "propel " + field + " addresses bulk", field: "addresses",
		key:               func(a Address) string { return a.Code },
		lookup:            func(a Address) string { return a.Code },
		validate:          ValidateBulkAddress,
		noDirectives:      true,
		ownerMissingStops: true,
	}
	p, err := owner.path(resource, field)
	if err != nil {
		s.validate = func(Address) error { return err } // every address fails; nothing is sent
	}
	s.path = p
	return s
}

// BulkCustomerAddresses creates or updates the addresses of one customer:
// POST /customers/{lookupKey}/{lookupValue}/addresses/bulk with
// {"addresses":[…]}. Propeller matches each address on its Code: one found
// is updated, otherwise it is created; Code is therefore required here, so
// that a resend never creates an address twice. Each address is checked
// before anything is sent (type, street, city, country, code), and each
// outcome's Result carries the action and the address's id, matched to the
// address by the code the API echoes. The report's keys are the codes; two
// addresses with the same code never share a request. When the customer
// does not exist (404), the run stops: nothing was written, and every
// address is reported not attempted (those of the refused request with the
// 404, matching ErrNotFound, as their reason).
func (c *Client) BulkCustomerAddresses(ctx context.Context, customer RecordRef, addresses []Address) (*batch.Report[Result], error) {
	return runSlice(ctx, c, addressSpec("customers", "customer", customer), addresses)
}

// BulkCustomerAddressesSeq is BulkCustomerAddresses reading its input from
// an iterator.
func (c *Client) BulkCustomerAddressesSeq(ctx context.Context, customer RecordRef, addresses iter.Seq[Address]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, addressSpec("customers", "customer", customer), addresses)
}

// BulkCompanyAddresses is BulkCustomerAddresses for one company:
// POST /companies/{lookupKey}/{lookupValue}/addresses/bulk.
func (c *Client) BulkCompanyAddresses(ctx context.Context, company RecordRef, addresses []Address) (*batch.Report[Result], error) {
	return runSlice(ctx, c, addressSpec("companies", "company", company), addresses)
}

// BulkCompanyAddressesSeq is BulkCompanyAddresses reading its input from
// an iterator.
func (c *Client) BulkCompanyAddressesSeq(ctx context.Context, company RecordRef, addresses iter.Seq[Address]) (*batch.Report[Result], error) {
	return runSeq(ctx, c, addressSpec("companies", "company", company), addresses)
}
