package propel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/codec"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// bulkResponse is the body of a 2xx bulk answer, as in the API's example:
//
//	{"data":[{"action":"update","id":25494,"key":3002196,"lookupKey":"sourceId","success":true}],
//	 "messages":["Completed"],"total":1}
type bulkResponse struct {
	// Data has one entry per record sent.
	Data []entry
	// Messages is the answer's "messages" (a lone string is accepted too).
	Messages []string
	// Total is the answer's "total" (a number or a numeric string).
	Total int
}

// entry is one element of a bulk response's data. The documented members
// are action, id, key, lookupKey and success; a failed entry's shape is not
// documented, so code, type, message(s) and an "error" object or string
// are read wherever they appear.
type entry struct {
	// Action is "create" or "update".
	Action string
	// ID is Propeller's id of the record (a number or a numeric string).
	ID int64
	// Key echoes the record's lookup value as text, whether it came as a
	// number (3002196) or a string ("C-1002").
	Key string
	// HasKey reports whether the entry had a non-empty key; entries
	// without one are matched to records by position.
	HasKey bool
	// LookupKey is "id", "sourceId" or "code".
	LookupKey string
	// Success is the entry's flag; an entry without one counts as
	// successful when it carries no error and an id or an action (what
	// a saved record's entry gives).
	Success bool
	// Unconfirmed marks an entry without a success flag, error, id or
	// action: it says nothing of whether the record was saved.
	Unconfirmed bool
	// Code is the failed entry's error code as sent, if any.
	Code string
	// Type is the failed entry's error type, e.g. "ParentCompanyNotFound".
	Type string
	// Messages is everything the entry said: "message", "messages" and
	// those of its "error".
	Messages []string
	// Raw is a failed entry as received, whatever its shape.
	Raw json.RawMessage
}

// wire shapes, tolerant of the types the API varies. The data array is
// decoded in one pass into wireEntry, whose members cost no allocation in
// the usual answer (see wiretext.go); a failed entry's raw text is read in
// a second pass, only when there is one.
type wireBulk struct {
	Data     []wireEntry             `json:"data"`
	Messages codec.OneOrMany[string] `json:"messages"`
	Total    codec.Int               `json:"total"`
}

type wireEntry struct {
	Action    wireWord                `json:"action"`
	ID        wireInt                 `json:"id"`
	Key       wireText                `json:"key"`
	LookupKey wireWord                `json:"lookupKey"`
	Success   wireFlag                `json:"success"`
	Code      codec.String            `json:"code"`
	Type      string                  `json:"type"`
	Message   codec.String            `json:"message"`
	Messages  codec.OneOrMany[string] `json:"messages"`
	Error     json.RawMessage         `json:"error"`
}

// wireRaw is the second pass over an answer with a failed entry.
type wireRaw struct {
	Data []json.RawMessage `json:"data"`
}

type wireErrorBody struct {
	Code     codec.String            `json:"code"`
	Status   codec.Int               `json:"status"`
	Type     string                  `json:"type"`
	Message  codec.String            `json:"message"`
	Messages codec.OneOrMany[string] `json:"messages"`
	MoreInfo string                  `json:"moreInfo"`
}

// decodeBulk reads a 2xx bulk answer. It fails on anything that is not
// such an object; it never panics. The caller may hand the answer back
// with release once it has read it.
func decodeBulk(body []byte) (*bulkResponse, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errors.New("bulk answer: not a JSON object")
	}
	wp := wireEntries.Get().(*[]wireEntry)
	w := wireBulk{Data: (*wp)[:0]}
	defer func() { putCleared(&wireEntries, wp, w.Data) }()
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("bulk answer: %w", redactJSONErr(err))
	}
	data := *entries.Get().(*[]entry)
	if data == nil {
		data = make([]entry, 0, len(w.Data))
	}
	out := &bulkResponse{Messages: w.Messages, Total: int(w.Total), Data: append(data[:0], make([]entry, len(w.Data))...)}
	failed := false
	for i := range w.Data {
		out.Data[i] = entryOf(&w.Data[i])
		failed = failed || !out.Data[i].Success
	}
	if failed {
		var raw wireRaw
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.Data) != len(out.Data) {
			return nil, errors.New("bulk answer: invalid JSON")
		}
		for i := range out.Data {
			if !out.Data[i].Success {
				out.Data[i].Raw = raw.Data[i]
			}
		}
	}
	return out, nil
}

// The entry slices of the answers decoded, reused: an answer of a
// hundred entries would otherwise grow and drop two arrays of them.
var (
	wireEntries = sync.Pool{New: func() any { return new([]wireEntry) }}
	entries     = sync.Pool{New: func() any { return new([]entry) }}
)

// maxPooledEntries is the largest entry slice kept for reuse.
const maxPooledEntries = 1000

// putCleared zeroes s (the decoder merges into what a reused element
// holds) and puts it back into pool through p.
func putCleared[E any](pool *sync.Pool, p *[]E, s []E) {
	if cap(s) > maxPooledEntries {
		return
	}
	clear(s)
	*p = s[:0]
	pool.Put(p)
}

// release hands the answer's entries back for reuse; br must not be read
// afterwards (the results built from it hold no part of it).
func (br *bulkResponse) release() {
	putCleared(&entries, new([]entry), br.Data)
	br.Data = nil
}

// entryOf reads one decoded entry: its messages gathered, its success
// flag defaulted (an entry without one succeeded unless it has an error).
func entryOf(we *wireEntry) entry {
	e := entry{Action: string(we.Action), ID: int64(we.ID), LookupKey: string(we.LookupKey), Code: string(we.Code), Type: we.Type}
	if we.Key != "" {
		e.Key, e.HasKey = string(we.Key), true
	}
	if we.Message != "" {
		e.Messages = append(e.Messages, string(we.Message))
	}
	e.Messages = append(e.Messages, we.Messages...)
	hasErr := false
	if len(we.Error) > 0 && string(we.Error) != "null" && string(we.Error) != "false" {
		hasErr = true
		eb, msg := decodeErrorValue(we.Error)
		if eb != nil {
			if e.Code == "" {
				e.Code = string(eb.Code)
			}
			if e.Type == "" {
				e.Type = eb.Type
			}
			if eb.Message != "" {
				e.Messages = append(e.Messages, string(eb.Message))
			}
			e.Messages = append(e.Messages, eb.Messages...)
		} else if msg != "" {
			e.Messages = append(e.Messages, msg)
		}
	}
	switch {
	case we.Success.set:
		e.Success = we.Success.value
	case hasErr:
	case e.ID != 0 || e.Action != "":
		e.Success = true
	default:
		e.Unconfirmed = true
	}
	return e
}

// decodeErrorValue reads an "error" value that is an object or a string.
func decodeErrorValue(raw json.RawMessage) (*wireErrorBody, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, ""
	}
	if raw[0] == '{' {
		var eb wireErrorBody
		if json.Unmarshal(raw, &eb) == nil {
			return &eb, ""
		}
		return nil, ""
	}
	var s codec.String
	if json.Unmarshal(raw, &s) == nil {
		return nil, string(s)
	}
	return nil, ""
}

// decodeError reads a non-2xx answer's body into e: the envelope
// {"error":{...}}, an OAuth error ({"error":"invalid_client",...}) or, when
// the body is neither, nothing but a note of its size. It never panics.
func decodeError(e *Error, body []byte) {
	var env struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription codec.String    `json:"error_description"`
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &env) == nil && len(env.Error) > 0 {
		eb, msg := decodeErrorValue(env.Error)
		switch {
		case eb != nil:
			var msgs []string
			if eb.Message != "" {
				msgs = append(msgs, string(eb.Message))
			}
			e.Type, e.MoreInfo = eb.Type, eb.MoreInfo
			e.Messages = append(msgs, eb.Messages...)
			e.setCode(string(eb.Code))
			if e.HTTPStatus == 0 {
				e.HTTPStatus = int(eb.Status)
			}
		case msg != "":
			e.Type = msg // OAuth: "invalid_client"
			if env.ErrorDescription != "" {
				e.Messages = []string{string(env.ErrorDescription)}
			}
		}
		return
	}
	if len(body) > 0 {
		e.Messages = []string{fmt.Sprintf("unreadable error body (%d bytes)", len(body))}
	}
}

// errorFromResponse builds the *Error of a non-2xx response: the class of
// its status (the bulk upserts are idempotent), refined by the code table,
// every server string scrubbed by sc.
func errorFromResponse(op string, resp *httpx.Response, sc *scrubber) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code]("propel", op, resp, true)}
	e.RequestID = resp.Header.Get("X-Request-Id")
	e.maybeWritten = resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable
	decodeError(e, resp.Body)
	sc.scrubError(e)
	return e
}

// tokenResponse is the token endpoint's answer in both documented forms:
// {"access_token","expires_in":1800,"token_type":"Bearer"} and the older
// {"access_token","expires_in":"1899","token_type":"BearerToken",...}.
type tokenResponse struct {
	AccessToken string    `json:"access_token"`
	ExpiresIn   codec.Int `json:"expires_in"`
	TokenType   string    `json:"token_type"`
}

// defaultTokenLifetime is assumed when the token endpoint gives no
// expires_in (Propel documents 30 minutes).
const defaultTokenLifetime = 30 * time.Minute

// decodeToken reads a token answer; the token type is ignored (the token is
// always sent as Bearer).
func decodeToken(body []byte, now time.Time) (token string, expiry time.Time, err error) {
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", time.Time{}, fmt.Errorf("token answer: %w", redactJSONErr(err))
	}
	if strings.TrimSpace(tr.AccessToken) == "" {
		return "", time.Time{}, errors.New("token answer without access_token")
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn <= 0 || tr.ExpiresIn > 1e6 {
		life = defaultTokenLifetime
	}
	return tr.AccessToken, now.Add(life), nil
}

// redactJSONErr keeps a JSON error's message short and free of values.
func redactJSONErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at offset %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %s: unexpected %s", te.Field, te.Value)
	}
	return errors.New("invalid JSON")
}

// isSuccess reports a 2xx status.
func isSuccess(status int) bool {
	return status >= http.StatusOK && status < http.StatusMultipleChoices
}
