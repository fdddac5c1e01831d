package hubspot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"time"
)

// Properties are an object's property values by internal property name.
// HubSpot sends every value as a string — dates as epoch milliseconds,
// booleans as "true"/"false", multiple checkboxes as "a;b". Answers are
// decoded tolerantly: a JSON number or boolean keeps its text and null
// becomes "". In XML each value is a <property name="…"> element, in
// sorted name order (see the package doc's XML form).
type Properties map[string]string

// tolerantProperties decodes Properties from an object of strings,
// numbers, booleans or nulls.
type tolerantProperties Properties

// UnmarshalJSON implements json.Unmarshaler.
func (p *tolerantProperties) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*p = nil
		return nil
	}
	out := make(tolerantProperties, len(raw))
	for k, v := range raw {
		s, err := scalarText(v)
		if err != nil {
			return fmt.Errorf("property %q: %w", k, err)
		}
		out[k] = s
	}
	*p = out
	return nil
}

// scalarText returns the text of a JSON string, number or boolean; null
// gives "".
func scalarText(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case 'n':
		if string(v) == "null" {
			return "", nil
		}
	case 't', 'f':
		if string(v) == "true" || string(v) == "false" {
			return string(v), nil
		}
	default:
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf("want a string, number, boolean or null, got %.40q", v)
}

// AssociationTarget is the object an association points to.
type AssociationTarget struct {
	ID string `json:"id" xml:"id"`
}

// AssociationType is one association label: category HUBSPOT_DEFINED,
// USER_DEFINED or INTEGRATOR_DEFINED and the type id.
type AssociationType struct {
	AssociationCategory string `json:"associationCategory" xml:"associationCategory"`
	AssociationTypeID   int    `json:"associationTypeId" xml:"associationTypeId"`
}

// Association links a created object to an existing one.
type Association struct {
	To    AssociationTarget `json:"to" xml:"to"`
	Types []AssociationType `json:"types" xml:"types>type"`
}

// CreateInput is one object to create (POST …/batch/create).
type CreateInput struct {
	// XMLName is the element of one create input in XML: <input>.
	XMLName xml.Name `json:"-" xml:"input"`
	// Properties are the new object's property values; at least one is
	// required.
	Properties Properties `json:"properties" xml:"properties"`
	// Associations to existing objects. Sent as [] when empty, as HubSpot's
	// spec requires the field.
	Associations []Association `json:"associations" xml:"associations>association"`
	// ObjectWriteTraceID ties the answer to this input. Leave it empty and
	// the client sets one for the request; if you set it, it is the
	// record's outcome key and must be unique in the call.
	ObjectWriteTraceID string `json:"objectWriteTraceId,omitempty" xml:"objectWriteTraceId,omitempty"`
}

// UpdateInput is one object to update (POST …/batch/update) or to upsert
// (POST …/batch/upsert, see [UpsertInput]).
type UpdateInput struct {
	// XMLName is the element of one update or upsert input in XML: <input>.
	XMLName xml.Name `json:"-" xml:"input"`
	// ID is the object's record id, or, with IDProperty, the value of that
	// unique property. Required.
	ID string `json:"id" xml:"id"`
	// IDProperty names a unique property (such as "email" for contacts)
	// whose value ID holds. Optional on update, required on upsert. An
	// upsert of contacts by "email" is not partial: send every property
	// the contact should hold, or use a custom unique property (see
	// Objects.Upsert).
	IDProperty string `json:"idProperty,omitempty" xml:"idProperty,omitempty"`
	// Properties are the values to set.
	Properties Properties `json:"properties" xml:"properties"`
	// ObjectWriteTraceID ties the answer to this input. Leave it empty and
	// the client sets one for the request; if you set it, keep it unique in
	// the call.
	ObjectWriteTraceID string `json:"objectWriteTraceId,omitempty" xml:"objectWriteTraceId,omitempty"`
}

// UpsertInput is one object to create or update by a unique property
// (POST …/batch/upsert): ID holds the value, IDProperty names the property.
type UpsertInput = UpdateInput

// ReadOptions shape a batch read (POST …/batch/read).
type ReadOptions struct {
	// XMLName is the element of read options in XML: <readOptions>.
	XMLName xml.Name `json:"-" xml:"readOptions"`
	// Properties to return; empty returns HubSpot's default set.
	Properties []string `json:"properties,omitempty" xml:"properties>property,omitempty"`
	// PropertiesWithHistory to return with their change history, in
	// Result.PropertiesWithHistory. When set, a request carries at most
	// MaxHistoryBatchSize (50) ids.
	PropertiesWithHistory []string `json:"propertiesWithHistory,omitempty" xml:"propertiesWithHistory>property,omitempty"`
	// IDProperty, when set, says the ids are values of this unique property.
	IDProperty string `json:"idProperty,omitempty" xml:"idProperty,omitempty"`
	// Archived reads archived objects instead (?archived=true).
	Archived bool `json:"archived,omitempty" xml:"archived,omitempty"`
}

// Result is HubSpot's answer for one record: the object as HubSpot holds
// it (SimplePublicObject, and SimplePublicUpsertObject on upsert).
type Result struct {
	// XMLName is the element of one result in XML: <result>.
	XMLName xml.Name `json:"-" xml:"result"`
	// ID is the object's record id.
	ID string `json:"id" xml:"id"`
	// Properties are the values HubSpot returned (on writes, usually the
	// ones set plus a few HubSpot maintains).
	Properties Properties `json:"properties" xml:"properties"`
	// PropertiesWithHistory holds, for a read with
	// ReadOptions.PropertiesWithHistory, each asked property's values,
	// newest first.
	PropertiesWithHistory PropertyHistories `json:"propertiesWithHistory,omitempty" xml:"propertiesWithHistory,omitempty"`
	// CreatedAt and UpdatedAt are HubSpot's timestamps (RFC 3339 with
	// milliseconds, as HubSpot writes them, in JSON and XML alike).
	CreatedAt time.Time `json:"createdAt" xml:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt" xml:"updatedAt"`
	// Archived and ArchivedAt say whether and when the object was archived.
	Archived   bool       `json:"archived" xml:"archived"`
	ArchivedAt *time.Time `json:"archivedAt,omitempty" xml:"archivedAt,omitempty"`
	// New is true when an upsert created the object.
	New bool `json:"new,omitempty" xml:"new,omitempty"`
	// ObjectWriteTraceID echoes the input's trace id, when HubSpot sends it.
	ObjectWriteTraceID string `json:"objectWriteTraceId,omitempty" xml:"objectWriteTraceId,omitempty"`
	// URL is the object's record page, when HubSpot sends it.
	URL string `json:"url,omitempty" xml:"url,omitempty"`
}

// batchStatus is the status of a batch answer (PENDING, PROCESSING,
// CANCELED or COMPLETE). CANCELED (in any case) fails every record of the
// request with ErrCanceled; under any other status, a record with a result
// succeeded and one without is settled as not answered.
type batchStatus string

const (
	statusCanceled batchStatus = "CANCELED"
	statusComplete batchStatus = "COMPLETE"
)
