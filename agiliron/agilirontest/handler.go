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
		rest, ok = strings.CutPrefix(r.URL.Path, "/agiliron/api-40.php/")
	}
	if !ok {
		writeError(w, xmlOut, http.StatusNotFound, "Not found")
		return
	}
	if !s.authorized(r) {
		writeError(w, xmlOut, http.StatusUnauthorized, "Invalid API Key")
		return
	}
	switch {
	case rest == "Bulk-Leads" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		s.bulk(w, r, xmlOut)
	case strings.HasPrefix(rest, "BatchStatus/") && r.Method == http.MethodGet:
		s.batchStatus(w, strings.TrimPrefix(rest, "BatchStatus/"), xmlOut)
	case rest == "Bulk-Leads" || strings.HasPrefix(rest, "BatchStatus/"):
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

// bulk handles PUT and POST Bulk-Leads.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, xmlOut bool) {
	s.mu.Lock()
	s.stats.BulkRequests++
	var fault Fault
	if len(s.faults) > 0 {
		fault = s.faults[0]
		s.faults = s.faults[1:]
	}
	maxBatch := s.maxBatch
	s.mu.Unlock()
	switch fault {
	case ServerError:
		writeError(w, xmlOut, http.StatusInternalServerError, "Internal Server Error")
		return
	case TooManyRequests:
		w.Header().Set("Retry-After", "0")
		writeError(w, xmlOut, http.StatusTooManyRequests, "Too many requests")
		return
	}
	ct := r.Header.Get("Content-Type")
	var xmlIn bool
	switch {
	case strings.HasPrefix(ct, "application/json"):
	case strings.HasPrefix(ct, "application/xml"), strings.HasPrefix(ct, "text/xml"):
		xmlIn = true
	default:
		writeError(w, xmlOut, http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/xml")
		return
	}
	q := r.URL.Query()
	cb := q.Get("callback_url")
	if cb != "" {
		if u, err := url.Parse(cb); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeError(w, xmlOut, http.StatusBadRequest, "Invalid callback_url")
			return
		}
	}
	if v := q.Get("sendRecordNo"); v != "" && v != "true" && v != "false" {
		writeError(w, xmlOut, http.StatusBadRequest, "Invalid sendRecordNo")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Cannot read body")
		return
	}
	leads, err := decodeBody(xmlIn, body)
	if err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Malformed request body: "+err.Error())
		return
	}
	if len(leads) == 0 {
		writeError(w, xmlOut, http.StatusBadRequest, "No leads in the request")
		return
	}
	if len(leads) > maxBatch {
		writeError(w, xmlOut, http.StatusBadRequest, fmt.Sprintf("Too many leads in one request (%d > %d)", len(leads), maxBatch))
		return
	}
	b := &fakeBatch{
		xml: xmlIn, records: q.Get("sendRecordNo") == "true" && !s.recordsOmitted(), callback: cb, fault: fault,
		leads: leads, method: r.Method, start: time.Now(),
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

	switch fault {
	case ServerErrorAfterQueue:
		writeError(w, xmlOut, http.StatusInternalServerError, "Internal Server Error")
		return
	case HangAfterQueue:
		select {
		case <-r.Context().Done():
		case <-s.ctx.Done():
		}
		return
	case MalformedAck:
		w.Header().Set("Content-Type", contentType(xmlOut))
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"MCM":{"response":{"objectType":"Leads"`)
		return
	}
	writeAck(w, xmlOut, r.Method, b.id)
}

func (s *Server) recordsOmitted() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.noRecords }

// decodeBody reads a Bulk-Leads body: {"Leads":{"Lead":…}} or
// <Leads><Lead>…</Lead></Leads>, anything else an error.
func decodeBody(xmlIn bool, body []byte) ([]agiliron.Lead, error) {
	ct := "application/json"
	if xmlIn {
		ct = "application/xml"
	}
	return agiliron.DecodeLeads(ct, body)
}

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
		seq   int
		start time.Time
		end   time.Time
	)
	if ok {
		done, res, seq, start, end = b.done, b.result, b.seq, b.start, b.end
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, xmlOut, http.StatusNotFound, "Batch not found")
		return
	}
	st := statusDoc{ID: strconv.Itoa(seq), BatchID: id, Status: "Processing", RequestStartTime: stamp(start)}
	if done {
		st.Status, st.RequestEndTime = "Completed", stamp(end)
		st.Response = string(statusResponse(&res))
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
