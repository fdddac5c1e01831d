package noojee

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/codec"
)

// reply is one decoded answer: a result code and what came with it.
type reply struct {
	Code       Code
	Message    string
	LeadID     string
	ExternalID string
}

// errNoCode is returned when a body holds no recognisable result code.
var errNoCode = errors.New("no result code in the response body")

// maxPlainText bounds a plain-text body the decoder will try to read.
const maxPlainText = 4096

// replyObject holds the keys the decoder reads in a JSON object.
// encoding/json matches each key in any case (a key given twice, in two
// cases, keeps its last value); a key present with null is "null", an
// absent one nil. Of each group (code, message, lead id, external id) the
// first key in the order below that is present wins.
type replyObject struct {
	Code           json.RawMessage `json:"code"`
	ResultCode     json.RawMessage `json:"resultcode"`
	ErrorCode      json.RawMessage `json:"errorcode"`
	ResultCodeU    json.RawMessage `json:"result_code"`
	ErrorCodeU     json.RawMessage `json:"error_code"`
	Message        json.RawMessage `json:"message"`
	Msg            json.RawMessage `json:"msg"`
	Description    json.RawMessage `json:"description"`
	Error          json.RawMessage `json:"error"`
	ErrorMessage   json.RawMessage `json:"errormessage"`
	LeadID         json.RawMessage `json:"leadid"`
	LeadIDU        json.RawMessage `json:"lead_id"`
	ID             json.RawMessage `json:"id"`
	NjLeadID       json.RawMessage `json:"njleadid"`
	NjExternalID   json.RawMessage `json:"njexternalleadid"`
	ExternalLeadID json.RawMessage `json:"externalleadid"`
	ExternalID     json.RawMessage `json:"externalid"`
}

// decodeReplies reads a CampaignAPI answer body. The response schema is
// not documented, so it accepts the shapes a server may plausibly send:
// a JSON object {"code": 109, "message": "..."} with keys in any case and
// the code as a number, a numeric string or a name; a bare JSON number or
// string; a plain-text code or name ("109", "DNC", "109 TIMEOUT_...").
// A JSON array of such objects (one per lead of a bulk call) gives one
// reply each. Anything else is an error wrapping batch.ErrMalformedResponse.
func decodeReplies(body []byte) ([]reply, error) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return nil, fmt.Errorf("%w: %v", batch.ErrMalformedResponse, err)
		}
		if len(items) == 0 {
			return nil, fmt.Errorf("%w: empty array", batch.ErrMalformedResponse)
		}
		out := make([]reply, len(items))
		for i, it := range items {
			r, err := decodeReply(it)
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			out[i] = r
		}
		return out, nil
	}
	r, err := decodeReply(b)
	if err != nil {
		return nil, err
	}
	return []reply{r}, nil
}

// decodeReply decodes one answer (not an array).
func decodeReply(body []byte) (reply, error) {
	b := bytes.TrimSpace(body)
	switch {
	case len(b) == 0:
		return reply{}, fmt.Errorf("%w: empty body", batch.ErrMalformedResponse)
	case b[0] == '{':
		return decodeObject(b)
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return reply{}, fmt.Errorf("%w: %v", batch.ErrMalformedResponse, err)
		}
		return decodeText(s)
	case b[0] == '[':
		return reply{}, fmt.Errorf("%w: nested array", batch.ErrMalformedResponse)
	}
	return decodeText(string(b))
}

// decodeObject reads a JSON object with case-insensitive keys.
func decodeObject(b []byte) (reply, error) {
	var obj replyObject
	if err := json.Unmarshal(b, &obj); err != nil {
		return reply{}, fmt.Errorf("%w: %v", batch.ErrMalformedResponse, err)
	}
	r := reply{
		Message:    firstString(obj.Message, obj.Msg, obj.Description, obj.Error, obj.ErrorMessage),
		LeadID:     firstString(obj.LeadID, obj.LeadIDU, obj.ID, obj.NjLeadID),
		ExternalID: firstString(obj.NjExternalID, obj.ExternalLeadID, obj.ExternalID),
	}
	for _, raw := range [...]json.RawMessage{obj.Code, obj.ResultCode, obj.ErrorCode, obj.ResultCodeU, obj.ErrorCodeU} {
		if raw == nil {
			continue
		}
		code, err := codeValue(raw)
		if err != nil {
			return reply{}, err
		}
		r.Code = code
		return r, nil
	}
	// No code key: a message that is itself a code name still answers.
	if c, ok := codeByName(r.Message); ok {
		r.Code = c
		return r, nil
	}
	return reply{}, fmt.Errorf("%w: %w", batch.ErrMalformedResponse, errNoCode)
}

// firstString reads the first present value that is a string or a number
// (see codec.String); "" when none is.
func firstString(raws ...json.RawMessage) string {
	for _, raw := range raws {
		if raw == nil {
			continue
		}
		if s, ok := codec.PlainString(raw); ok {
			return s
		}
		var s codec.String
		if json.Unmarshal(raw, &s) == nil {
			return string(s)
		}
	}
	return ""
}

// codeValue reads a code given as a number, a numeric string or a name.
func codeValue(raw json.RawMessage) (Code, error) {
	if n, ok := plainNumber(raw); ok {
		return checkedCode(n)
	}
	var n codec.Int
	if err := json.Unmarshal(raw, &n); err == nil {
		if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" || string(bytes.TrimSpace(raw)) == `""` {
			return 0, fmt.Errorf("%w: empty code", batch.ErrMalformedResponse)
		}
		return checkedCode(int64(n))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if c, ok := codeByName(s); ok {
			return c, nil
		}
		return 0, fmt.Errorf("%w: the code is a string that names no code", batch.ErrMalformedResponse)
	}
	// The value is not echoed: a hostile server could put anything there,
	// and a cut-off echo could not be redacted. The caller shows the body.
	return 0, fmt.Errorf("%w: the code is neither a number nor a name", batch.ErrMalformedResponse)
}

// plainNumber reads a JSON number of one to nine digits, the common
// case, without encoding/json.
func plainNumber(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 9 {
		return 0, false
	}
	var n int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// checkedCode refuses numbers that cannot be a result code.
func checkedCode(n int64) (Code, error) {
	if n < 0 || n > 100000 {
		return 0, fmt.Errorf("%w: code %d out of range", batch.ErrMalformedResponse, n)
	}
	return Code(n), nil
}

// decodeText reads a plain-text answer: a code, a name, or a code or name
// followed by a message ("109 TIMEOUT_...", "DNC: on the list").
func decodeText(s string) (reply, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return reply{}, fmt.Errorf("%w: empty body", batch.ErrMalformedResponse)
	}
	if len(s) > maxPlainText {
		return reply{}, fmt.Errorf("%w: %d bytes of unrecognised text", batch.ErrMalformedResponse, len(s))
	}
	head, rest := s, ""
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ':' || r == ',' || r == ';' || r == '-' }); i >= 0 {
		head, rest = s[:i], strings.TrimLeft(s[i:], " \t\r\n:,;-")
	}
	if n, err := strconv.ParseInt(head, 10, 64); err == nil {
		c, err := checkedCode(n)
		if err != nil {
			return reply{}, err
		}
		return reply{Code: c, Message: rest}, nil
	}
	if c, ok := codeByName(head); ok {
		return reply{Code: c, Message: rest}, nil
	}
	if c, ok := codeByName(s); ok {
		return reply{Code: c}, nil
	}
	return reply{}, fmt.Errorf("%w: %w", batch.ErrMalformedResponse, errNoCode)
}
