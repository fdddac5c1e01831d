package agilirontest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
)

// serve routes a request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	xmlOut := wantsXML(r.Header.Get("Accept"))
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		rest, ok = strings.CutPrefix(r.URL.Path, WADLPrefix)
	}
	if !ok {
		writeError(w, xmlOut, http.StatusNotFound, "Not found")
		return
	}
	if !s.authorized(r) {
		writeError(w, xmlOut, http.StatusUnauthorized, "Invalid API Key")
		return
	}
	post, put := r.Method == http.MethodPost, r.Method == http.MethodPut
	switch {
	case rest == "Bulk-Leads" && put:
		serveBulk(s, w, r, xmlOut, s.leads, agiliron.DecodeLeads)
	case rest == "Leads" && post:
		s.serveAddLeads(w, r, xmlOut)
	case rest == "Bulk-Contacts" && (post || put):
		serveBulk(s, w, r, xmlOut, s.contacts, agiliron.DecodeContacts)
	case rest == "Bulk-Accounts" && (post || put):
		serveBulk(s, w, r, xmlOut, s.accounts, agiliron.DecodeAccounts)
	case strings.HasPrefix(rest, "BatchStatus/") && r.Method == http.MethodGet:
		s.batchStatus(w, strings.TrimPrefix(rest, "BatchStatus/"), xmlOut)
	case rest == "Bulk-Leads" || rest == "Leads" || rest == "Bulk-Contacts" || rest == "Bulk-Accounts" ||
		strings.HasPrefix(rest, "BatchStatus/"):
		writeError(w, xmlOut, http.StatusMethodNotAllowed, "Method not allowed")
	default:
		writeError(w, xmlOut, http.StatusNotFound, "Not found")
	}
}

func (s *Server) authorized(r *http.Request) bool {
	s.mu.Lock()
	key := s.apiKey
	s.mu.Unlock()
	if k := r.Header.Get("apiKey"); k != "" {
		return k == key
	}
	return r.URL.Query().Get("key") == key
}

func wantsXML(accept string) bool {
	return strings.Contains(accept, "xml") && !strings.Contains(accept, "json")
}

// writeRequest is a write request that passed the checks every write
// request shares: its fault, body format and records.
type writeRequest[T any] struct {
	fault Fault
	xmlIn bool
	recs  []T
}

// readWrite counts a write request, takes its fault, and checks its
// Content-Type, query and body; ok is false when it has been answered.
func readWrite[T any](s *Server, w http.ResponseWriter, r *http.Request, xmlOut bool,
	decode func(string, []byte) ([]T, error), objectType string) (req writeRequest[T], ok bool) {
	s.mu.Lock()
	s.stats.BulkRequests++
	if len(s.faults) > 0 {
		req.fault = s.faults[0]
		s.faults = s.faults[1:]
	}
	maxBatch := s.maxBatch
	s.mu.Unlock()
	switch req.fault {
	case ServerError:
		writeError(w, xmlOut, http.StatusInternalServerError, "Internal Server Error")
		return req, false
	case TooManyRequests:
		w.Header().Set("Retry-After", "0")
		writeError(w, xmlOut, http.StatusTooManyRequests, "Too many requests")
		return req, false
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
	case strings.HasPrefix(ct, "application/xml"), strings.HasPrefix(ct, "text/xml"):
		req.xmlIn = true
	default:
		writeError(w, xmlOut, http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/xml")
		return req, false
	}
	q := r.URL.Query()
	if cb := q.Get("callback_url"); cb != "" {
		if u, err := url.Parse(cb); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeError(w, xmlOut, http.StatusBadRequest, "Invalid callback_url")
			return req, false
		}
	}
	if v := q.Get("sendRecordNo"); v != "" && v != "true" && v != "false" {
		writeError(w, xmlOut, http.StatusBadRequest, "Invalid sendRecordNo")
		return req, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Cannot read body")
		return req, false
	}
	if req.xmlIn {
		ct = "application/xml"
	} else {
		ct = "application/json"
	}
	if req.recs, err = decode(ct, body); err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Malformed request body: "+err.Error())
		return req, false
	}
	if len(req.recs) == 0 {
		writeError(w, xmlOut, http.StatusBadRequest, "No "+objectType+" in the request")
		return req, false
	}
	if len(req.recs) > maxBatch {
		writeError(w, xmlOut, http.StatusBadRequest, fmt.Sprintf("Too many %s in one request (%d > %d)", objectType, len(req.recs), maxBatch))
		return req, false
	}
	return req, true
}

// afterWrite answers a request whose fault strikes after the records were
// written; it reports whether it answered.
func (s *Server) afterWrite(w http.ResponseWriter, r *http.Request, xmlOut bool, fault Fault, objectType string) bool {
	switch fault {
	case ServerErrorAfterQueue:
		writeError(w, xmlOut, http.StatusInternalServerError, "Internal Server Error")
	case HangAfterQueue:
		select {
		case <-r.Context().Done():
		case <-s.ctx.Done():
		}
	case MalformedAck:
		w.Header().Set("Content-Type", contentType(xmlOut))
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"MCM":{"response":{"objectType":"`+objectType+`"`)
	default:
		return false
	}
	return true
}

// serveBulk handles PUT (update) and POST (add) on a Bulk-* resource:
// the batch is queued and acknowledged, and processed in the background.
func serveBulk[T any](s *Server, w http.ResponseWriter, r *http.Request, xmlOut bool, t *table[T],
	decode func(string, []byte) ([]T, error)) {
	req, ok := readWrite(s, w, r, xmlOut, decode, t.kind.objectType)
	if !ok {
		return
	}
	q := r.URL.Query()
	add := r.Method == http.MethodPost
	b := &fakeBatch{
		kind: t.kind, xml: req.xmlIn, records: q.Get("sendRecordNo") == "true" && !s.recordsOmitted(),
		callback: q.Get("callback_url"), fault: req.fault, start: time.Now(),
		run: func() agiliron.BatchResult { return t.process(s, add, req.recs) },
	}
	s.mu.Lock()
	s.nextBatch++
	b.seq = s.nextBatch
	b.id = fmt.Sprintf("fb%06dq%s", b.seq, strings.ToLower(r.Method[:2]))
	s.batches[b.id] = b
	s.stats.Batches++
	delay := s.procDelay
	s.mu.Unlock()
	s.wg.Add(1)
	s.busy.Add(1)
	go s.process(b, delay)
	if s.afterWrite(w, r, xmlOut, req.fault, t.kind.objectType) {
		return
	}
	verb := "Update"
	if add {
		verb = "Add"
	}
	writeAck(w, xmlOut, t.kind.objectType, "Bulk "+t.kind.objectType+" "+verb+" Initiated Successfully.", b.id)
}

// serveAddLeads handles POST Leads (Add Lead), synchronously: every lead
// valid, all are added and their ids answered; else none is, and the
// first failure is answered with status "Error".
func (s *Server) serveAddLeads(w http.ResponseWriter, r *http.Request, xmlOut bool) {
	req, ok := readWrite(s, w, r, xmlOut, agiliron.DecodeLeads, "Leads")
	if !ok {
		return
	}
	s.mu.Lock()
	var ids []string
	failure := ""
	for i := range req.recs {
		if msg := s.leads.check(&req.recs[i]); msg != "" {
			failure = msg
			break
		}
		if req.recs[i].LeadID != "" {
			failure = MsgLeadIDOnAdd
			break
		}
	}
	if failure == "" {
		for i := range req.recs {
			s.leads.apply(s, true, &req.recs[i])
			ids = append(ids, req.recs[i].LeadID)
		}
	}
	s.mu.Unlock()
	if s.afterWrite(w, r, xmlOut, req.fault, "Leads") {
		return
	}
	writeCreated(w, xmlOut, ids, failure)
}

func (s *Server) recordsOmitted() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.noRecords }

// batchStatus serves GET BatchStatus/{id}.
func (s *Server) batchStatus(w http.ResponseWriter, id string, xmlOut bool) {
	s.mu.Lock()
	s.stats.StatusRequests++
	if s.statusFaults > 0 {
		s.statusFaults--
		s.mu.Unlock()
		writeError(w, xmlOut, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	b, ok := s.batches[id]
	var (
		done  bool
		res   agiliron.BatchResult
		k     kind
		seq   int
		start time.Time
		end   time.Time
	)
	if ok {
		done, res, k, seq, start, end = b.done, b.result, b.kind, b.seq, b.start, b.end
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, xmlOut, http.StatusNotFound, "Batch not found")
		return
	}
	st := statusDoc{ID: strconv.Itoa(seq), BatchID: id, Status: "Processing", RequestStartTime: stamp(start)}
	if done {
		st.Status, st.RequestEndTime = "Completed", stamp(end)
		st.Response = string(statusResponse(k, &res))
	}
	w.Header().Set("Content-Type", contentType(xmlOut))
	if xmlOut {
		out, _ := xml.Marshal(st)
		_, _ = w.Write(out)
		return
	}
	out, _ := json.Marshal(struct {
		BatchStatus statusDoc `json:"BatchStatus"`
	}{st})
	_, _ = w.Write(out)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
