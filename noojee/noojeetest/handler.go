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
func readLeads(body []byte, bulk bool) ([]map[string]string, error) {
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
		if len(raw) > MaxBulk {
			return nil, fmt.Errorf("%d leads in one call; at most %d", len(raw), MaxBulk)
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

// serve handles one call.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	endpoint, ok := strings.CutPrefix(r.URL.Path, Path)
	s.mu.Lock()
	noBulk := s.noBulk
	s.mu.Unlock()
	if noBulk && endpoint == "insertLeadsFast" {
		s.mu.Lock()
		s.stats.Requests[endpoint]++
		s.mu.Unlock()
		http.Error(w, "no such CampaignAPI operation", http.StatusNotFound)
		return
	}
	if !ok || (endpoint != "insertLeadsFast" && endpoint != "insertLeadFast" && endpoint != "updateLeadFast") {
		http.Error(w, "no such CampaignAPI operation", http.StatusNotFound)
		return
	}
	s.mu.Lock()
	s.stats.Requests[endpoint]++
	key := s.apiKey
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if q.Get("apiKey") != key {
		http.Error(w, "Invalid apiKey", http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	fault := s.nextFault()
	switch fault {
	case FaultBusy:
		s.reply(w, refuse(109, "injected"))
		return
	case FaultException:
		s.reply(w, refuse(103, "injected"))
		return
	case FaultUnavailable:
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case FaultDrop:
		drop(w)
		return
	case FaultSlow:
		s.mu.Lock()
		d := s.slowDelay
		s.mu.Unlock()
		if !wait(r, d) {
			return
		}
	}
	release, ok := s.acquire(r)
	if !ok {
		s.reply(w, refuse(109, "too many concurrent requests"))
		return
	}
	defer release()
	s.mu.Lock()
	lat := s.latency
	s.mu.Unlock()
	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	var ref *refusal
	var summary string // the bulk answer's message
	extra := map[string]any{}
	switch {
	case q.Get("fTemplateId") == "":
		ref = refuse(116, "")
	case q.Get("fCampaignId") == "":
		ref = refuse(117, "")
	case q.Get("fAllocationId") == "":
		ref = refuse(115, "")
	}
	if ref == nil {
		leads, err := readLeads(body, endpoint == "insertLeadsFast")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		switch endpoint {
		case "updateLeadFast":
			ref = s.update(q.Get("fCampaignId"), leads[0])
		case "insertLeadFast":
			var id int
			id, ref = s.insertOne(q.Get("fTemplateId"), q.Get("fCampaignId"), q.Get("fAllocationId"), q.Get("allowDuplicates") == "true", leads[0])
			if ref == nil {
				extra["leadId"] = id
			}
		default:
			summary = s.importLeads(q.Get("fTemplateId"), q.Get("fCampaignId"), q.Get("fAllocationId"), q.Get("allowDuplicates") == "true", leads)
		}
		s.mu.Unlock()
	}
	if rest := lat - time.Since(start); rest > 0 && !wait(r, rest) {
		return
	}
	switch fault {
	case FaultDropAfterWrite:
		drop(w)
		return
	case FaultMalformed:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Proxy Error</body></html>"))
		return
	}
	if ref != nil {
		s.reply(w, ref)
		return
	}
	s.mu.Lock()
	s.stats.Codes[0]++
	s.mu.Unlock()
	if summary != "" {
		if fault == FaultSummaryWithoutRows {
			summary, _, _ = strings.Cut(summary, "\n")
		}
		answerSummary(w, summary)
		return
	}
	answer(w, 0, http.StatusOK, "OK", "", extra)
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
