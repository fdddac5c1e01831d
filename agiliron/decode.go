package agiliron

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmbatch/crmbatch/internal/codec"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// Decoding limits: hostile bodies end in an error, never a panic or a
// runaway allocation.
const (
	maxNesting  = 32
	maxXMLNodes = 1 << 20
)

// detectFormat picks a body's format from its Content-Type, else from its
// first non-space byte.
func detectFormat(contentType string, body []byte) Format {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case strings.HasSuffix(mt, "xml"):
			return XML
		case strings.HasSuffix(mt, "json"):
			return JSON
		}
	}
	if t := bytes.TrimLeftFunc(body, unicode.IsSpace); len(t) > 0 && t[0] == '<' {
		return XML
	}
	return JSON
}

func malformed(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
}

// DecodeAck decodes Agiliron's acknowledgement of a bulk request (the MCM
// envelope) in JSON or XML, chosen by contentType or sniffed. A
// non-success status yields the Ack and an error wrapping
// ErrBatchRefused; a body that is not an MCM acknowledgement with a batch
// id yields an error wrapping ErrMalformed.
func DecodeAck(contentType string, body []byte) (Ack, error) {
	var w *mcmWire
	switch detectFormat(contentType, body) {
	case XML:
		w = new(mcmWire)
		if err := xml.Unmarshal(body, w); err != nil {
			return Ack{}, malformed("acknowledgement", err)
		}
	default:
		var env mcmEnvelopeJSON
		if err := json.Unmarshal(body, &env); err != nil {
			return Ack{}, malformed("acknowledgement", err)
		}
		if env.MCM == nil {
			return flatAck(body)
		}
		w = env.MCM
	}
	m := w.Parameters.Results.Message
	ack := Ack{
		ObjectType: strings.TrimSpace(w.Response.ObjectType),
		SyncTime:   strings.TrimSpace(w.Response.SyncTime),
		Status:     strings.TrimSpace(string(m.Status)),
		Message:    strings.TrimSpace(string(m.SuccessMessage)),
		BatchID:    strings.TrimSpace(string(m.BatchID)),
	}
	if ack.Message == "" {
		ack.Message = strings.TrimSpace(string(m.ErrorMessage))
	}
	switch {
	case ack.Status == "":
		return ack, malformed("acknowledgement", errors.New("no status"))
	case !strings.EqualFold(ack.Status, "Success"):
		return ack, fmt.Errorf("%w: status %q: %s", ErrBatchRefused, ack.Status, ack.Message)
	case ack.BatchID == "":
		return ack, malformed("acknowledgement", errors.New("no batch_id"))
	}
	return ack, nil
}

// flatAck reads the flat acknowledgement some Agiliron pages describe,
// {"message": "…", "batch_id": "…"}, when there is no MCM envelope.
func flatAck(body []byte) (Ack, error) {
	var f struct {
		Status  codec.String `json:"status"`
		Message codec.String `json:"message"`
		BatchID codec.String `json:"batch_id"`
	}
	if err := json.Unmarshal(body, &f); err != nil || strings.TrimSpace(string(f.BatchID)) == "" {
		return Ack{}, malformed("acknowledgement", errors.New("no MCM object and no batch_id"))
	}
	ack := Ack{Status: strings.TrimSpace(string(f.Status)), Message: strings.TrimSpace(string(f.Message)),
		BatchID: strings.TrimSpace(string(f.BatchID))}
	if ack.Status == "" {
		ack.Status = "Success"
	}
	if !strings.EqualFold(ack.Status, "Success") {
		return ack, fmt.Errorf("%w: status %q: %s", ErrBatchRefused, ack.Status, ack.Message)
	}
	return ack, nil
}

// DecodeResult decodes a batch's final result as Agiliron sends it to the
// callback URL, in JSON or XML (chosen by contentType or sniffed). It
// accepts every variant seen: the counts as numbers or strings, Success and
// Failure holding one entry or a list, entries wrapped in "Leads",
// "Product" or "Lead", with or without Record numbers, and with or without
// the outer "result" wrapper.
func DecodeResult(contentType string, body []byte) (*BatchResult, error) {
	if detectFormat(contentType, body) == XML {
		root, err := parseXML(body)
		if err != nil {
			return nil, malformed("result", err)
		}
		return resultFromXML(root)
	}
	return resultFromJSON(body)
}

// resultFromJSON decodes {"result":{…}} or the bare result object. The
// body is parsed once into a tree (numbers kept as written), then walked.
func resultFromJSON(body []byte) (*BatchResult, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return nil, malformed("result", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, malformed("result", errors.New("data after the result"))
	}
	top, ok := tree.(map[string]any)
	if !ok {
		return nil, malformed("result", errors.New("not an object"))
	}
	if len(top) == 1 {
		for k, v := range top {
			if strings.EqualFold(k, "result") {
				if top, ok = v.(map[string]any); !ok {
					return nil, malformed("result", errors.New("result is not an object"))
				}
			}
		}
	}
	r := new(BatchResult)
	found := false
	for _, k := range sortedKeys(top) {
		v := top[k]
		var err error
		switch {
		case strings.EqualFold(k, "SuccessNumber"):
			found = true
			r.SuccessNumber, err = countJSON(v)
		case strings.EqualFold(k, "FailureNumber"):
			found = true
			r.FailureNumber, err = countJSON(v)
		case strings.EqualFold(k, "Success"):
			found = true
			r.Success, err = entriesJSON(v, 0, r.Success)
		case strings.EqualFold(k, "Failure"):
			found = true
			r.Failure, err = entriesJSON(v, 0, r.Failure)
		}
		if err != nil {
			return nil, malformed("result."+k, err)
		}
	}
	if !found {
		return nil, malformed("result", errors.New("no SuccessNumber, FailureNumber, Success or Failure"))
	}
	return r, nil
}

// sortedKeys returns m's keys in order, so that a result decodes the same
// every time (Agiliron's objects have one key per name in practice).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// countJSON reads a count or a Record number: a number or a string of
// digits, 0 to 2^31.
func countJSON(v any) (int, error) {
	var text string
	switch x := v.(type) {
	case nil:
		return 0, nil
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		return 0, fmt.Errorf("want a number, got %T", v)
	}
	var n int
	err := intText(text, &n)
	return n, err
}

// textJSON reads a string-like value: a string, a number or a boolean as
// written, null as "".
func textJSON(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(x), nil
	case json.Number:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("want a string or a number, got %T", v)
}

// isEntryKey reports whether an object key belongs to a result entry
// rather than to a wrapper ("Leads", "Product" …).
func isEntryKey(k string) bool {
	for _, n := range []string{"LeadId", "LeadName", "Message", "Record"} {
		if strings.EqualFold(k, n) {
			return true
		}
	}
	return false
}

// entriesJSON collects the result entries in v: an entry object, a
// wrapper object whose values hold entries, a list of either, null or "".
func entriesJSON(v any, depth int, out []ResultEntry) ([]ResultEntry, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deep")
	}
	switch x := v.(type) {
	case nil:
		return out, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return out, nil
		}
		return nil, fmt.Errorf("want an object or a list, got the string %.40q", x)
	case []any:
		for _, y := range x {
			var err error
			if out, err = entriesJSON(y, depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		keys := sortedKeys(x)
		if slices.ContainsFunc(keys, isEntryKey) {
			e, err := entryJSON(x, keys)
			if err != nil {
				return nil, err
			}
			return append(out, e), nil
		}
		for _, k := range keys {
			var err error
			if out, err = entriesJSON(x[k], depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("want an object or a list, got %T", v)
}

// entryJSON reads one entry object, whose keys are given in order.
func entryJSON(obj map[string]any, keys []string) (ResultEntry, error) {
	var e ResultEntry
	for _, k := range keys {
		v := obj[k]
		var err error
		switch {
		case strings.EqualFold(k, "LeadId"):
			e.LeadID, err = textJSON(v)
		case strings.EqualFold(k, "LeadName"):
			e.LeadName, err = textJSON(v)
		case strings.EqualFold(k, "Message"):
			e.Message, err = textJSON(v)
		case strings.EqualFold(k, "Record"):
			e.Record, err = countJSON(v)
		}
		if err != nil {
			return ResultEntry{}, fmt.Errorf("%s: %w", k, err)
		}
	}
	return e, nil
}

// xnode is a parsed XML element: its name, its text and its children.
type xnode struct {
	name string
	text string
	buf  []byte // text as read, appended in amortized time
	kids []*xnode
}

// child returns the first child named name (case-insensitive).
func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
	}
	return nil
}

// parseXML reads one XML document into a tree, bounded in depth and size.
func parseXML(body []byte) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	var (
		stack []*xnode
		root  *xnode
		nodes int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("more than one root element")
			}
			if len(stack) >= maxNesting {
				return nil, errors.New("nested too deep")
			}
			if nodes++; nodes > maxXMLNodes {
				return nil, errors.New("too many elements")
			}
			n := &xnode{name: t.Name.Local}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced end element")
			}
			n := stack[len(stack)-1]
			n.text, n.buf = string(n.buf), nil
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				n := stack[len(stack)-1]
				n.buf = append(n.buf, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	if len(stack) != 0 {
		return nil, errors.New("unclosed element")
	}
	return root, nil
}

// resultFromXML reads <result>…</result> (or a root holding it).
func resultFromXML(root *xnode) (*BatchResult, error) {
	n := root
	if !strings.EqualFold(n.name, "result") {
		if c := n.child("result"); c != nil {
			n = c
		}
	}
	r := new(BatchResult)
	found := false
	for _, k := range n.kids {
		var err error
		switch {
		case strings.EqualFold(k.name, "SuccessNumber"):
			found = true
			err = intText(k.text, &r.SuccessNumber)
		case strings.EqualFold(k.name, "FailureNumber"):
			found = true
			err = intText(k.text, &r.FailureNumber)
		case strings.EqualFold(k.name, "Success"):
			found = true
			r.Success, err = entriesXML(k, 0, r.Success)
		case strings.EqualFold(k.name, "Failure"):
			found = true
			r.Failure, err = entriesXML(k, 0, r.Failure)
		}
		if err != nil {
			return nil, malformed("result."+k.name, err)
		}
	}
	if !found {
		return nil, malformed("result", errors.New("no SuccessNumber, FailureNumber, Success or Failure"))
	}
	return r, nil
}

// intText reads a count or a Record number written as text (" 7 ", "",
// "1e3"), the way codec.Int reads it, bounded to 0..2^31.
func intText(s string, dst *int) error {
	n, err := codec.ParseInt(s)
	if err != nil {
		return err
	}
	if n < 0 || int64(n) > 1<<31 {
		return fmt.Errorf("count %d out of range", n)
	}
	*dst = int(n)
	return nil
}

// entriesXML collects the result entries under n: n itself when it holds
// LeadId/LeadName/Message/Record, else its children's.
func entriesXML(n *xnode, depth int, out []ResultEntry) ([]ResultEntry, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deep")
	}
	entry := false
	for _, k := range n.kids {
		if isEntryKey(k.name) {
			entry = true
			break
		}
	}
	if !entry {
		for _, k := range n.kids {
			var err error
			if out, err = entriesXML(k, depth+1, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	var e ResultEntry
	for _, k := range n.kids {
		switch {
		case strings.EqualFold(k.name, "LeadId"):
			e.LeadID = strings.TrimSpace(k.text)
		case strings.EqualFold(k.name, "LeadName"):
			e.LeadName = strings.TrimSpace(k.text)
		case strings.EqualFold(k.name, "Message"):
			e.Message = strings.TrimSpace(k.text)
		case strings.EqualFold(k.name, "Record"):
			if err := intText(k.text, &e.Record); err != nil {
				return nil, fmt.Errorf("Record: %w", err)
			}
		}
	}
	return append(out, e), nil
}

// batchStatusJSON is GET BatchStatus/{id} in JSON.
type batchStatusJSON struct {
	BatchStatus *struct {
		ID               codec.String    `json:"Id"`
		BatchID          codec.String    `json:"BatchId"`
		Response         json.RawMessage `json:"Response"`
		RequestStartTime codec.String    `json:"RequestStartTime"`
		RequestEndTime   codec.String    `json:"RequestEndTime"`
		Status           codec.String    `json:"Status"`
	} `json:"BatchStatus"`
}

// DecodeBatchStatus decodes the answer of GET BatchStatus/{batch_id} in
// JSON or XML. Its Response field holds the batch result as JSON text inside
// a string (in XML, as the element's text); it is decoded in turn, with
// LeadId as a number or a string. An empty Response leaves Result nil.
func DecodeBatchStatus(contentType string, body []byte) (*BatchStatus, error) {
	if detectFormat(contentType, body) == XML {
		return batchStatusFromXML(body)
	}
	var w batchStatusJSON
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, malformed("BatchStatus", err)
	}
	if w.BatchStatus == nil {
		return nil, malformed("BatchStatus", errors.New("no BatchStatus object"))
	}
	b := w.BatchStatus
	s := &BatchStatus{
		ID: strings.TrimSpace(string(b.ID)), BatchID: strings.TrimSpace(string(b.BatchID)),
		Status:           strings.TrimSpace(string(b.Status)),
		RequestStartTime: string(b.RequestStartTime), RequestEndTime: string(b.RequestEndTime),
	}
	raw := bytes.TrimSpace(b.Response)
	if len(raw) > 0 && raw[0] == '"' {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return nil, malformed("BatchStatus.Response", err)
		}
		raw = bytes.TrimSpace([]byte(inner))
	}
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	r, err := DecodeResult("application/json", raw)
	if err != nil {
		return nil, fmt.Errorf("BatchStatus.Response: %w", err)
	}
	s.Result = r
	return s, nil
}

func batchStatusFromXML(body []byte) (*BatchStatus, error) {
	root, err := parseXML(body)
	if err != nil {
		return nil, malformed("BatchStatus", err)
	}
	n := root
	if !strings.EqualFold(n.name, "BatchStatus") {
		if n = root.child("BatchStatus"); n == nil {
			return nil, malformed("BatchStatus", errors.New("no BatchStatus element"))
		}
	}
	text := func(name string) string {
		if c := n.child(name); c != nil {
			return strings.TrimSpace(c.text)
		}
		return ""
	}
	s := &BatchStatus{
		ID: text("Id"), BatchID: text("BatchId"), Status: text("Status"),
		RequestStartTime: text("RequestStartTime"), RequestEndTime: text("RequestEndTime"),
	}
	resp := n.child("Response")
	switch {
	case resp == nil:
	case len(resp.kids) > 0:
		if s.Result, err = resultFromXML(resp); err != nil {
			return nil, fmt.Errorf("BatchStatus.Response: %w", err)
		}
	case strings.TrimSpace(resp.text) != "":
		if s.Result, err = DecodeResult("application/json", []byte(resp.text)); err != nil {
			return nil, fmt.Errorf("BatchStatus.Response: %w", err)
		}
	}
	return s, nil
}

// isCompleted reports whether a BatchStatus status is final.
func isCompleted(status string) bool {
	return strings.EqualFold(status, "Completed") || strings.EqualFold(status, "Complete")
}

// errorMessage extracts a short message from an error response: a
// message-like field of a JSON or XML body, else the start of the body,
// else the status text.
func errorMessage(resp *httpx.Response) string {
	body := resp.Body
	msg := ""
	if detectFormat(resp.Header.Get("Content-Type"), body) == XML {
		if root, err := parseXML(body); err == nil {
			msg = messageXML(root, 0)
		}
	} else {
		var v any
		if json.Unmarshal(body, &v) == nil {
			msg = messageJSON(v, 0)
		}
	}
	if msg == "" {
		msg = string(bytes.TrimSpace(body))
	}
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, msg)
	if len(msg) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return msg
}

func isMessageName(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "message") || strings.Contains(k, "error") || k == "description"
}

func messageJSON(v any, depth int) string {
	if depth > maxNesting {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && isMessageName(k) && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
		for _, val := range x {
			if s := messageJSON(val, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, val := range x {
			if s := messageJSON(val, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

func messageXML(n *xnode, depth int) string {
	if depth > maxNesting {
		return ""
	}
	if isMessageName(n.name) && len(n.kids) == 0 && strings.TrimSpace(n.text) != "" {
		return strings.TrimSpace(n.text)
	}
	for _, k := range n.kids {
		if s := messageXML(k, depth+1); s != "" {
			return s
		}
	}
	return ""
}
