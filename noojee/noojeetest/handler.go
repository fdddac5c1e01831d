package noojeetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// answer writes a result code with its documented status.
func answer(w http.ResponseWriter, code int, status int, name, msg string, extra map[string]any) {
	body := map[string]any{"code": code, "message": name}
	if msg != "" {
		body["description"] = msg
	}
	for k, v := range extra {
		body[k] = v
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// refusal is a lead refused with a code.
type refusal struct {
	code   int
	status int
	name   string
	msg    string
}

func refuse(code int, msg string) *refusal {
	r := &refusal{code: code, status: http.StatusBadRequest, msg: msg}
	r.name = codeNames[code]
	if code == 103 {
		r.status = http.StatusInternalServerError
	}
	return r
}

var codeNames = map[int]string{
	0: "OK", 101: "COULDNT_FIND_THE_LEAD", 102: "NO_PHONE_FIELDS", 103: "EXCEPTION", 104: "DNC",
	105: "DUPLICATE", 106: "INVALID_DISPOSTION", 107: "DISPOSTION_ISNT_SET_AND_NOCHANGE_SPECIFIED",
	108: "IMPORT_BUT_NOCHANGE_SPECIFIED", 109: "TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS",
	110: "LEAD_NOT_UPDATED_DUE_TO_CONFLICT", 111: "INVALID_TIMEZONE_SPECIFIED", 112: "DUPLICATE_EXTERNAL_ID",
	114: "INVALID_CALLBACK_DATE_FORMAT", 115: "ALLOCATION_ID_REQUIRED", 116: "TEMPLATE_ID_REQUIRED",
	117: "CAMPAIGN_ID_REQUIRED",
}

// readLeads parses a body: an array of objects (bulk) or one object.
func readLeads(body []byte, bulk bool, maxBatch int) ([]map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw []map[string]any
	if bulk {
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("body is not a JSON array of leads: %v", err)
		}
		if len(raw) == 0 {
			return nil, fmt.Errorf("empty lead list")
		}
		if len(raw) > maxBatch {
			return nil, fmt.Errorf("%d leads in one call; at most %d", len(raw), maxBatch)
		}
	} else {
		var one map[string]any
		if err := dec.Decode(&one); err != nil {
			return nil, fmt.Errorf("body is not one JSON lead object: %v", err)
		}
		raw = []map[string]any{one}
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON body")
	}
	out := make([]map[string]string, len(raw))
	for i, obj := range raw {
		if obj == nil {
			return nil, fmt.Errorf("lead %d is null", i)
		}
		m := make(map[string]string, len(obj))
		for k, v := range obj {
			switch x := v.(type) {
			case string:
				m[k] = x
			case json.Number:
				m[k] = x.String()
			case bool:
				m[k] = strconv.FormatBool(x)
			case nil:
			default:
				return nil, fmt.Errorf("lead %d: field %q is not a string or number", i, k)
			}
		}
		out[i] = m
	}
	return out, nil
}

// serve handles one call: operation and auth, an injected fault, the
// shape of the request, the store, then the answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := s.operation(w, r)
	if !ok {
		return
	}
	fault, faulted := s.nextFault()
	if faulted && !fault.AfterWrite && s.answerFault(w, r, fault) {
		return
	}
	release, ok := s.acquire(r)
	if !ok {
		s.mu.Lock()
		wait := s.busyRetryAfter
		s.mu.Unlock()
		fakekit.RetryAfterHeader(w, wait)
		s.reply(w, refuse(109, "too many concurrent requests"))
		return
	}
	defer release()
	s.mu.Lock()
	lat := s.latency
	s.mu.Unlock()
	start := time.Now()
	ref, summary, extra, ok := s.apply(w, r, op)
	if !ok {
		return
	}
	if rest := lat - time.Since(start); rest > 0 && !wait(r, rest) {
		return
	}
	if faulted && fault.AfterWrite {
		if fault.Variant == variantNoRows {
			summary, _, _ = strings.Cut(summary, "\n")
		} else if s.answerFault(w, r, fault) {
			return
		}
	}
	if ref != nil {
		s.reply(w, ref)
		return
	}
	s.mu.Lock()
	s.stats.Codes[0]++
	s.mu.Unlock()
	if summary != "" {
		answerSummary(w, summary)
		return
	}
	answer(w, 0, http.StatusOK, "OK", "", extra)
}

// operation checks the path, method, apiKey and content type, counts the
// call, and returns the operation's name; on a refusal it has answered.
func (s *Server) operation(w http.ResponseWriter, r *http.Request) (string, bool) {
	op, ok := strings.CutPrefix(r.URL.Path, Path)
	if !ok || (op != "insertLeadsFast" && op != "insertLeadFast" && op != "updateLeadFast") {
		http.Error(w, "no such CampaignAPI operation", http.StatusNotFound)
		return "", false
	}
	s.mu.Lock()
	s.stats.Requests[op]++
	key, noBulk := s.apiKey, s.noBulk
	s.mu.Unlock()
	switch {
	case noBulk && op == "insertLeadsFast":
		http.Error(w, "no such CampaignAPI operation", http.StatusNotFound)
	case r.Method != http.MethodPost:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case r.URL.Query().Get("apiKey") != key:
		http.Error(w, "Invalid apiKey", http.StatusUnauthorized)
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
	default:
		return op, true
	}
	return "", false
}

// answerFault answers the request with an injected fault through
// fakekit's Serve: a Noojee code in Noojee's body (the code's documented
// status unless the fault names one), a verbatim body, or a bare status.
// It reports whether the request is answered (or its connection gone).
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f fakekit.Fault) bool {
	return f.Serve(w, r, "text/html", func() {
		if f.Code == "" {
			w.WriteHeader(f.Status)
			return
		}
		ref := refuse(fakekit.CodeNumber(f.Code), f.Message)
		if f.Status != 0 {
			ref.status = f.Status
		}
		s.reply(w, ref)
	})
}

// apply checks the call's ids and body and applies it to the store. It
// returns the refusal of a one-lead call, or the bulk answer's summary,
// and the extra fields of an OK; ok is false when it has answered already
// (an unreadable body).
func (s *Server) apply(w http.ResponseWriter, r *http.Request, op string) (ref *refusal, summary string, extra map[string]any, ok bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return nil, "", nil, false
	}
	q := r.URL.Query()
	switch {
	case q.Get("fTemplateId") == "":
		return refuse(116, ""), "", nil, true
	case q.Get("fCampaignId") == "":
		return refuse(117, ""), "", nil, true
	case q.Get("fAllocationId") == "":
		return refuse(115, ""), "", nil, true
	}
	s.mu.Lock()
	maxBatch := s.maxBatch
	s.mu.Unlock()
	leads, err := readLeads(body, op == "insertLeadsFast", maxBatch)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, "", nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tmpl, camp, alloc, dup := q.Get("fTemplateId"), q.Get("fCampaignId"), q.Get("fAllocationId"), q.Get("allowDuplicates") == "true"
	extra = map[string]any{}
	switch op {
	case "updateLeadFast":
		ref = s.update(camp, leads[0])
	case "insertLeadFast":
		var id int
		if id, ref = s.insertOne(tmpl, camp, alloc, dup, leads[0]); ref == nil {
			extra["leadId"] = id
		}
	default:
		summary = s.importLeads(tmpl, camp, alloc, dup, leads)
	}
	return ref, summary, extra, true
}

// reply writes a refusal and counts it.
func (s *Server) reply(w http.ResponseWriter, r *refusal) {
	s.mu.Lock()
	s.stats.Codes[r.code]++
	s.mu.Unlock()
	if r.code < 0 { // a refusal the vendor gives no code for
		http.Error(w, r.msg, r.status)
		return
	}
	answer(w, r.code, r.status, r.name, r.msg, nil)
}
