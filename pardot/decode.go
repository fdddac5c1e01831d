package pardot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// response is a decoded Pardot answer in either format.
type response struct {
	// Failed is true for a global failure; Errs then holds its errors
	// (never empty).
	Failed bool
	Errs   []itemError
	// Items are the per-prospect errors in document order.
	Items []itemError
	// APIKey and Version come from a login response.
	APIKey  string
	Version string
}

// itemError is one entry of a batch response's errors map, or one error
// of a global failure (Key empty).
type itemError struct {
	Key     string
	Code    Code
	Message string
	Param   string
}

// errMalformed is the cause of every decoding failure.
var errMalformed = errors.New("malformed response")

// decodeResponse decodes body, sniffing the format from its first
// non-space byte (Pardot answers some failures in XML whatever format was
// asked for). It never panics; anything it cannot read is an error
// wrapping errMalformed.
func decodeResponse(body []byte) (*response, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty body", errMalformed)
	}
	switch trimmed[0] {
	case '{':
		if r, ok := decodeBatchOK(trimmed); ok {
			return r, nil
		}
		return decodeJSON(trimmed)
	case '<':
		return decodeXML(trimmed)
	}
	return nil, fmt.Errorf("%w: body is neither JSON nor XML (starts %q)", errMalformed, snippet(trimmed))
}

func snippet(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

// jsonResponse is the JSON envelope:
//
//	{"@attributes":{"stat":"fail","version":1,"err_code":66},"err":"…"}
//	{"@attributes":{"stat":"ok","version":1},"errors":{"0":"Invalid prospect email address"}}
type jsonResponse struct {
	Attributes *struct {
		Stat    string       `json:"stat"`
		Version codec.String `json:"version"`
		ErrCode codec.Int    `json:"err_code"`
	} `json:"@attributes"`
	Err     json.RawMessage `json:"err"`
	Errors  jsonErrors      `json:"errors"`
	APIKey  codec.String    `json:"api_key"`
	Version codec.String    `json:"version"`
}

// jsonErrors is the per-prospect errors member in document order: an
// object keyed by position or identifier, or an array. Pardot is written
// in PHP, whose json_encode writes a map keyed exactly 0..n-1 as an array
// (the first n prospects failed), so item i of an array is keyed "i".
type jsonErrors struct {
	keys    []string
	vals    []jsonItemError
	present bool // the member was in the document
}

// UnmarshalJSON accepts an object, an array or null.
func (e *jsonErrors) UnmarshalJSON(b []byte) error {
	e.present = true
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &e.vals); err != nil {
			return err
		}
		for i := range e.vals {
			e.keys = append(e.keys, strconv.Itoa(i))
		}
		return nil
	}
	var m codec.OrderedMap[jsonItemError]
	if err := m.UnmarshalJSON(b); err != nil {
		return err
	}
	e.keys = m.Keys()
	for _, k := range e.keys {
		v, _ := m.Get(k)
		e.vals = append(e.vals, v)
	}
	return nil
}

// jsonItemError is one errors-map value: a message, a list of messages, or
// an object with a code and a message.
type jsonItemError struct {
	Code    Code
	Message string
}

// UnmarshalJSON accepts "msg", ["msg", …] and {"code":…,"message"|"err":…}.
func (e *jsonItemError) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("empty value")
	}
	switch b[0] {
	case '[':
		var list []jsonItemError
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		var msgs []string
		for _, x := range list {
			if e.Code == 0 {
				e.Code = x.Code
			}
			msgs = append(msgs, x.Message)
		}
		e.Message = strings.Join(msgs, "; ")
		return nil
	case '{':
		var obj struct {
			Code       codec.Int    `json:"code"`
			ErrCode    codec.Int    `json:"err_code"`
			Message    codec.String `json:"message"`
			Err        codec.String `json:"err"`
			Attributes *struct {
				Code    codec.Int `json:"code"`
				ErrCode codec.Int `json:"err_code"`
			} `json:"@attributes"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		e.Code = Code(max(obj.Code, obj.ErrCode))
		if obj.Attributes != nil && e.Code == 0 {
			e.Code = Code(max(obj.Attributes.Code, obj.Attributes.ErrCode))
		}
		e.Message = string(obj.Message)
		if e.Message == "" {
			e.Message = string(obj.Err)
		}
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		e.Message = string(b[1 : len(b)-1]) // already validated by the outer decoder
		return nil
	}
	var s codec.String
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	e.Message = string(s)
	return nil
}

func decodeJSON(body []byte) (*response, error) {
	var jr jsonResponse
	if err := json.Unmarshal(body, &jr); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	r := &response{APIKey: string(jr.APIKey), Version: string(jr.Version)}
	stat := ""
	var code Code
	if jr.Attributes != nil {
		stat = strings.ToLower(jr.Attributes.Stat)
		code = Code(jr.Attributes.ErrCode)
	}
	if stat == "fail" || (stat == "" && len(jr.Err) > 0) {
		r.Failed = true
		var msg jsonItemError
		if len(jr.Err) > 0 {
			if err := msg.UnmarshalJSON(jr.Err); err != nil {
				return nil, fmt.Errorf("%w: err: %v", errMalformed, err)
			}
		}
		if code == 0 {
			code = msg.Code
		}
		if code == 0 {
			code = inferCode(msg.Message)
		}
		r.Errs = []itemError{{Code: code, Message: msg.Message}}
		return r, nil
	}
	// Batch answers from before Pardot added the attributes node carry
	// only the errors map.
	if stat != "ok" && !(stat == "" && jr.Errors.present) {
		return nil, fmt.Errorf("%w: no stat attribute", errMalformed)
	}
	for i, k := range jr.Errors.keys {
		v := jr.Errors.vals[i]
		c := v.Code
		if c == 0 {
			c = inferCode(v.Message)
		}
		r.Items = append(r.Items, itemError{Key: k, Code: c, Message: v.Message})
	}
	return r, nil
}

// xmlResponse is the XML envelope:
//
//	<rsp stat="fail" version="1.0"><err code="66">…</err></rsp>
//	<rsp stat="ok" version="1.0"><errors><prospect identifier="0">…</prospect></errors></rsp>
type xmlResponse struct {
	XMLName xml.Name    `xml:"rsp"`
	Stat    string      `xml:"stat,attr"`
	Errs    []xmlErr    `xml:"err"`
	Errors  []xmlErrors `xml:"errors"`
	APIKey  string      `xml:"api_key"`
	Version string      `xml:"version"`
}

type xmlErr struct {
	Code  codec.Int `xml:"code,attr"`
	Param string    `xml:"param,attr"`
	Text  string    `xml:",chardata"`
}

type xmlErrors struct {
	Items []xmlItem `xml:",any"`
}

// xmlItem is one per-prospect error of any element name, its key in an
// attribute or a child, its message in the text or a message, error or
// err child (which may carry a code attribute).
type xmlItem struct {
	XMLName    xml.Name
	Attrs      []xml.Attr `xml:",any,attr"`
	Text       string     `xml:",chardata"`
	Identifier string     `xml:"identifier"`
	Index      string     `xml:"index"`
	Message    string     `xml:"message"`
	ErrorText  xmlErr     `xml:"error"`
	Err        xmlErr     `xml:"err"`
	Code       codec.Int  `xml:"code"`
}

func decodeXML(body []byte) (*response, error) {
	var xr xmlResponse
	if err := xml.Unmarshal(body, &xr); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	r := &response{APIKey: strings.TrimSpace(xr.APIKey), Version: strings.TrimSpace(xr.Version)}
	stat := strings.ToLower(xr.Stat)
	if stat == "fail" || (stat == "" && len(xr.Errs) > 0) {
		r.Failed = true
		for _, e := range xr.Errs {
			msg := strings.TrimSpace(e.Text)
			c := Code(e.Code)
			if c == 0 {
				c = inferCode(msg)
			}
			r.Errs = append(r.Errs, itemError{Code: c, Message: msg, Param: e.Param})
		}
		if len(r.Errs) == 0 {
			r.Errs = []itemError{{Message: "request failed without an error element"}}
		}
		return r, nil
	}
	if stat != "ok" {
		return nil, fmt.Errorf("%w: no stat attribute", errMalformed)
	}
	for _, group := range xr.Errors {
		for _, it := range group.Items {
			key, code := "", Code(it.Code)
			for _, a := range it.Attrs {
				switch strings.ToLower(a.Name.Local) {
				case "identifier", "index", "key", "id":
					if key == "" {
						key = a.Value
					}
				case "code":
					var n codec.Int
					if n.UnmarshalXMLAttr(a) == nil && code == 0 {
						code = Code(n)
					}
				}
			}
			if key == "" {
				key = strings.TrimSpace(it.Identifier)
			}
			if key == "" {
				key = strings.TrimSpace(it.Index)
			}
			msg := strings.TrimSpace(it.Message)
			for _, child := range []xmlErr{it.ErrorText, it.Err} {
				if msg == "" {
					msg = strings.TrimSpace(child.Text)
				}
				if code == 0 {
					code = Code(child.Code)
				}
			}
			if msg == "" {
				msg = strings.TrimSpace(it.Text)
			}
			if key == "" {
				return nil, fmt.Errorf("%w: per-prospect error <%s> without a key", errMalformed, it.XMLName.Local)
			}
			if code == 0 {
				code = inferCode(msg)
			}
			r.Items = append(r.Items, itemError{Key: key, Code: code, Message: msg})
		}
	}
	return r, nil
}
