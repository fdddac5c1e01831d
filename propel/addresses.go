package propel

import (
	"context"
	"encoding/xml"
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
	XMLName xml.Name `json:"-" xml:"recordRef"`
	// ID is Propeller's id (lookup key "id").
	ID int64 `json:"id,omitempty" xml:"id,omitempty"`
	// Source and SourceID are the record's origin (lookup key "sourceId";
	// Source is sent as the "source" query parameter).
	Source   string `json:"source,omitempty" xml:"source,omitempty"`
	SourceID string `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
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
// local *Error naming field.
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

// addressEndpoint describes the bulk addresses endpoint of one owner.
func addressEndpoint(resource, field string, owner RecordRef) *endpoint[Address] {
	e := &endpoint[Address]{
		op: field + " addresses bulk", field: "addresses", keyField: "code", appendJSON: appendBulkAddress,
		key:               func(a Address) string { return a.Code },
		lookup:            func(a Address) string { return a.Code },
		validate:          validateBulkAddress,
		noDirectives:      true,
		ownerMissingStops: true,
	}
	p, err := owner.path(resource, field)
	if err != nil {
		e.validate = func(Address) error { return err } // every address fails; nothing is sent
	}
	e.path = p
	return e
}

// AddressBook is the handle of one customer's or company's addresses:
// c.Customers().Addresses(ref) or c.Companies().Addresses(ref).
type AddressBook struct {
	c  *Client
	ep *endpoint[Address]
}

// Upsert creates or updates the owner's addresses:
// POST /{customers|companies}/{lookupKey}/{lookupValue}/addresses/bulk with
// {"addresses":[…]}. Propeller matches each address on its Code: one found
// is updated, otherwise it is created; Code is therefore required here, so
// that a resend never creates an address twice, and a code repeated in one
// call fails the later address locally. Each address is checked before
// anything is sent (type, street, city, country, code), and each
// outcome's Result carries the action and the address's id, matched to the
// address by the code the API echoes. The report's keys are the codes.
// When the owner does not exist (404), the run stops: nothing was written,
// and every address is reported not attempted (those of the refused
// request with the 404, matching batch.ErrNotFound, as their reason).
func (b *AddressBook) Upsert(ctx context.Context, addresses iter.Seq[Address]) (*batch.Report[Result], error) {
	return run(ctx, b.c, b.ep, addresses)
}
