package agiliron

// resource describes one Agiliron record type (T, reported as R) to the
// code every resource shares: encoding, decoding, the bulk request, the
// acknowledgement, the wait for the result, and matching it to the input.
type resource[T, R any] struct {
	// plural and single name the wire envelope:
	// {"Leads":{"Lead":[…]}} and <Leads><Lead>…</Lead></Leads>.
	plural, single string
	// bulk is the Bulk-* resource (PUT updates, POST adds where documented).
	bulk string
	// idName is the id field's wire name ("LeadId"), for errors.
	idName string
	// customKey wraps the custom fields ("LeadCustomFields"); the body
	// leaves it out when a record has none.
	customKey string
	// id returns a record's id ("" for a new record).
	id func(*T) string
	// name returns the name Agiliron reports for a record in a batch
	// result ("John Doe" for a lead), used to place results that carry
	// no Record number.
	name func(*T) string
	// addKey is the report key of a record to add (it has no id yet).
	addKey func(T) string
	// validateUpdate and validateAdd check a record before it is sent.
	validateUpdate, validateAdd func(T) error
	// marshalJSON writes one record (without HTML escaping).
	marshalJSON func(*T) ([]byte, error)
	// result turns a record's outcome into the caller's result type.
	result func(recordResult) R
}

// recordResult is what the shared code knows of one record's outcome.
type recordResult struct {
	batchID, id, name, message string
	record                     int
}
