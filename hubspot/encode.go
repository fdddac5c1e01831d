package hubspot

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"sync"

	"github.com/crmbatch/crmbatch/internal/codec"
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

// inputsBody is the body of batch/archive.
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

// The create, update and upsert inputs are written by hand, without
// reflection: byte for byte what encoding/json writes for them (fields in
// declaration order, omitempty honoured, property names sorted, strings
// escaped as json.Marshal escapes them, nil as null), as the golden
// request files and TestAppendInputMatchesEncodingJSON prove.

// jsonWriter is the reusable state of one encoding: the bytes written and
// the property names of the map being written, sorted.
type jsonWriter struct {
	buf   []byte
	names []string
}

// jsonWriters lends writers, so that sizing and encoding inputs allocate
// nothing once warm.
var jsonWriters = sync.Pool{New: func() any { return new(jsonWriter) }}

// wireInput is an input a write request carries, written by hand.
type wireInput interface {
	CreateInput | UpdateInput
}

// appendInput writes one input as encoding/json would.
func appendInput[T wireInput](w *jsonWriter, in *T) {
	switch v := any(in).(type) {
	case *CreateInput:
		w.create(v)
	case *UpdateInput:
		w.update(v)
	}
}

// inputSize is Size for a create, update or upsert input: its encoded
// length plus inputOverhead, as encodedSize gives it.
func inputSize[T wireInput](in T) int {
	w := jsonWriters.Get().(*jsonWriter)
	w.buf = w.buf[:0]
	appendInput(w, &in)
	n := len(w.buf)
	w.release()
	return n + inputOverhead
}

// writeBody is the body of batch/create, update or upsert:
// {"inputs":[…]}, in a slice of its own (the transport may still read it
// after the call returns, so it is never reused).
func writeBody[T wireInput](inputs []T) []byte {
	w := jsonWriters.Get().(*jsonWriter)
	w.buf = append(w.buf[:0], `{"inputs":`...)
	if inputs == nil {
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = append(w.buf, '[')
		for i := range inputs {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			appendInput(w, &inputs[i])
		}
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, '}')
	body := bytes.Clone(w.buf)
	w.release()
	return body
}

// release hands w back to the pool, keeping no caller's string alive.
func (w *jsonWriter) release() {
	clear(w.names[:cap(w.names)])
	w.names = w.names[:0]
	if cap(w.buf) > 1<<20 {
		w.buf = nil // an outsized request's buffer is not kept
	}
	jsonWriters.Put(w)
}

// update writes an UpdateInput (or UpsertInput).
func (w *jsonWriter) update(in *UpdateInput) {
	w.buf = append(w.buf, `{"id":`...)
	w.string(in.ID)
	if in.IDProperty != "" {
		w.buf = append(w.buf, `,"idProperty":`...)
		w.string(in.IDProperty)
	}
	w.buf = append(w.buf, `,"properties":`...)
	w.properties(in.Properties)
	w.trace(in.ObjectWriteTraceID)
	w.buf = append(w.buf, '}')
}

// create writes a CreateInput.
func (w *jsonWriter) create(in *CreateInput) {
	w.buf = append(w.buf, `{"properties":`...)
	w.properties(in.Properties)
	w.buf = append(w.buf, `,"associations":`...)
	if in.Associations == nil {
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = append(w.buf, '[')
		for i := range in.Associations {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.association(&in.Associations[i])
		}
		w.buf = append(w.buf, ']')
	}
	w.trace(in.ObjectWriteTraceID)
	w.buf = append(w.buf, '}')
}

// trace writes the objectWriteTraceId field, left out when empty.
func (w *jsonWriter) trace(t string) {
	if t != "" {
		w.buf = append(w.buf, `,"objectWriteTraceId":`...)
		w.string(t)
	}
}

// association writes one Association.
func (w *jsonWriter) association(a *Association) {
	w.buf = append(w.buf, `{"to":{"id":`...)
	w.string(a.To.ID)
	w.buf = append(w.buf, `},"types":`...)
	if a.Types == nil {
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = append(w.buf, '[')
		for i, t := range a.Types {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = append(w.buf, `{"associationCategory":`...)
			w.string(t.AssociationCategory)
			w.buf = append(w.buf, `,"associationTypeId":`...)
			w.buf = strconv.AppendInt(w.buf, int64(t.AssociationTypeID), 10)
			w.buf = append(w.buf, '}')
		}
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, '}')
}

// properties writes p as an object with its names sorted, or null.
func (w *jsonWriter) properties(p Properties) {
	if p == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.names = w.names[:0]
	for k := range p {
		w.names = append(w.names, k)
	}
	slices.Sort(w.names)
	w.buf = append(w.buf, '{')
	for i, k := range w.names {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.string(k)
		w.buf = append(w.buf, ':')
		w.string(p[k])
	}
	w.buf = append(w.buf, '}')
}

// string writes s as json.Marshal does (HTML characters escaped).
func (w *jsonWriter) string(s string) { w.buf = codec.AppendJSONString(w.buf, s, true) }
