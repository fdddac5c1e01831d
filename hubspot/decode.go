package hubspot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// batchResponse is a batch answer: BatchResponseSimplePublicObject (and
// …WithErrors, and the upsert variants).
type batchResponse struct {
	Status      batchStatus       `json:"status"`
	Results     []Result          `json:"results"`
	NumErrors   int               `json:"numErrors"`
	Errors      []wireError       `json:"errors"`
	RequestedAt *time.Time        `json:"requestedAt"`
	StartedAt   *time.Time        `json:"startedAt"`
	CompletedAt *time.Time        `json:"completedAt"`
	Links       map[string]string `json:"-"`
}

// tolerantResult is Result with tolerant properties, for answers whose
// property values are not all strings.
type tolerantResult struct {
	Result
	Properties tolerantProperties `json:"properties"`
}

// decodeBatchResponse decodes a 2xx batch answer. A malformed body is an
// error, never a panic.
func decodeBatchResponse(data []byte) (*batchResponse, error) {
	return decodeBatchAnswer(data, 0, nil)
}

// decodeBatchAnswer is decodeBatchResponse for an answer expected to hold
// resultsHint results, keeping only the property values keepProp accepts
// (all when nil). The common answer is decoded by hand (decodeCommon);
// any other by encoding/json (decodeWithJSON), which keeps them all.
func decodeBatchAnswer(data []byte, resultsHint int, keepProp func(string) bool) (*batchResponse, error) {
	if r, ok := decodeCommon(data, resultsHint, keepProp); ok {
		return r, nil
	}
	return decodeWithJSON(data)
}

// decodeWithJSON decodes a batch answer with encoding/json. The common
// answer — properties all strings or null — decodes straight into
// Results; anything else is decoded again tolerantly.
func decodeWithJSON(data []byte) (*batchResponse, error) {
	var fast struct {
		batchResponse
		Links json.RawMessage `json:"links"`
	}
	if json.Unmarshal(data, &fast) == nil {
		r := fast.batchResponse
		r.Links = decodeLinks(fast.Links)
		return &r, nil
	}
	var w struct {
		batchResponse
		Results []tolerantResult `json:"results"`
		Links   json.RawMessage  `json:"links"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("hubspot: malformed batch answer: %w", err)
	}
	r := w.batchResponse
	r.Links = decodeLinks(w.Links)
	if w.Results != nil {
		r.Results = make([]Result, len(w.Results))
		for i, t := range w.Results {
			r.Results[i] = t.Result
			r.Results[i].Properties = Properties(t.Properties)
		}
	}
	return &r, nil
}

// wireError is an error body as sent; every field is optional and the
// loosely typed ones are decoded by hand.
type wireError struct {
	Status        string          `json:"status"`
	ID            string          `json:"id"`
	Category      string          `json:"category"`
	SubCategory   json.RawMessage `json:"subCategory"`
	Message       string          `json:"message"`
	CorrelationID string          `json:"correlationId"`
	Context       json.RawMessage `json:"context"`
	Errors        []wireDetail    `json:"errors"`
	Links         json.RawMessage `json:"links"`
	PolicyName    string          `json:"policyName"`
	ErrorType     string          `json:"errorType"`
	GroupName     string          `json:"groupName"`
}

type wireDetail struct {
	Message     string          `json:"message"`
	Code        string          `json:"code"`
	In          string          `json:"in"`
	SubCategory json.RawMessage `json:"subCategory"`
	Context     json.RawMessage `json:"context"`
}

// fill sets e's HubSpot fields, and its code, message and request id,
// from the body as sent. Every free-text field goes through redact: a
// server may echo the request (and its token) back in any of them.
func (w *wireError) fill(e *Error, redact func(string) string) {
	e.Code, e.Message, e.RequestID = Code(w.Category), redact(w.Message), redact(w.CorrelationID)
	e.ID, e.SubCategory = redact(w.ID), redact(rawText(w.SubCategory))
	e.PolicyName, e.ErrorType, e.GroupName = redact(w.PolicyName), redact(w.ErrorType), redact(w.GroupName)
	e.Context, e.Links = decodeContext(w.Context), decodeLinks(w.Links)
	for k, vs := range e.Context {
		for i := range vs {
			vs[i] = redact(vs[i])
		}
		e.Context[k] = vs
	}
	for k, v := range e.Links {
		e.Links[k] = redact(v)
	}
	if len(w.Errors) > 0 {
		e.Errors = make([]ErrorDetail, len(w.Errors))
		for i, d := range w.Errors {
			e.Errors[i] = ErrorDetail{Message: redact(d.Message), Code: redact(d.Code), In: redact(d.In),
				SubCategory: redact(rawText(d.SubCategory)), Context: redact(rawText(d.Context))}
		}
	}
}

// rawText gives a JSON string's value, "" for null or an empty object, or
// the compact JSON of anything else.
func rawText(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" || string(v) == "{}" {
		return ""
	}
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}

// decodeContext reads an error context: an object whose values are lists
// of strings (or single values); text goes under the key "".
func decodeContext(v json.RawMessage) map[string][]string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		if t := rawText(v); t != "" {
			return map[string][]string{"": {t}}
		}
		return nil
	}
	if len(obj) == 0 {
		return nil
	}
	out := make(map[string][]string, len(obj))
	for k, raw := range obj {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			vals := make([]string, 0, len(list))
			for _, x := range list {
				vals = append(vals, rawText(x))
			}
			out[k] = vals
			continue
		}
		out[k] = []string{rawText(raw)}
	}
	return out
}

// decodeLinks reads a links object of strings, ignoring anything else.
func decodeLinks(v json.RawMessage) map[string]string {
	var m map[string]json.RawMessage
	if json.Unmarshal(v, &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, raw := range m {
		out[k] = rawText(raw)
	}
	return out
}

// maxSnippet bounds the part of a non-JSON error body kept in a message.
const maxSnippet = 256

// decodeErrorBody fills e from a non-2xx answer's body: its fields when
// it is a HubSpot error body, else a short redacted snippet of it (or the
// status text) as the message.
func decodeErrorBody(e *Error, body []byte, redact func(string) string) {
	var w wireError
	if err := json.Unmarshal(body, &w); err == nil && (w.Message != "" || w.Category != "" || w.CorrelationID != "") {
		w.fill(e, redact)
		return
	}
	if e.Message != "" { // set by the base: a redirect not followed
		return
	}
	e.Message = redact(snippet(body))
	if e.Message == "" {
		e.Message = http.StatusText(e.HTTPStatus)
	}
}

// snippet returns the start of a body as printable text.
func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > maxSnippet {
		b = b[:maxSnippet]
	}
	s := strings.ToValidUTF8(string(b), string(utf8.RuneError))
	return httpx.RedactString(strings.Join(strings.Fields(s), " "))
}
