package hubspot

import (
	"encoding/json"
)

// idInput is a read or archive input.
type idInput struct {
	ID string `json:"id"`
}

// readRequest is the body of batch/read.
type readRequest struct {
	Inputs                []idInput `json:"inputs"`
	Properties            []string  `json:"properties"`
	PropertiesWithHistory []string  `json:"propertiesWithHistory"`
	IDProperty            string    `json:"idProperty,omitempty"`
}

// inputsBody is the body of batch/create, update, upsert and archive.
type inputsBody[T any] struct {
	Inputs []T `json:"inputs"`
}

// envelopeBytes is room kept in a request for everything around its
// inputs: the {"inputs":[…]} wrapper and, on reads, the property lists
// (added on top).
const envelopeBytes = 256

// inputOverhead is what the client may add to an input as encoded for its
// Size: a generated objectWriteTraceId, an empty associations list, a
// separating comma.
const inputOverhead = 64

// encodedSize is the size of v encoded as one input of a request; 0 when
// it cannot be encoded (the request's own encoding then reports it).
func encodedSize[T any](v T) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b) + inputOverhead
}

// idSize is the size of one {"id": …} input.
func idSize(id string) int { return encodedSize(idInput{ID: id}) }

// readEnvelope is the room the property lists of a read take.
func readEnvelope(props, hist []string) int {
	b, _ := json.Marshal(readRequest{Properties: props, PropertiesWithHistory: hist})
	return len(b)
}
