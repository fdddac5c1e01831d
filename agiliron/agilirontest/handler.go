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

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// serve routes a request: auth, then the fault (FailNext's for writes,
// FailStatusNext's for BatchStatus), then the resource.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	s.mu.Unlock()
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
	status := strings.HasPrefix(rest, "BatchStatus/") && r.Method == http.MethodGet
	var f fakekit.Fault
	var faulty bool
	if status {
		s.mu.Lock()
		s.stats.StatusRequests++
		s.mu.Unlock()
		f, faulty = s.TakeFaultOn(statusQueue)
	} else {
		s.mu.Lock()
		s.stats.Writes++
		s.mu.Unlock()
		f, faulty = s.TakeFault()
	}
	if faulty && !f.AfterWrite && s.applyFault(w, r, xmlOut, f) {
		return
	}
	after := func() bool { return false } // answers the fault after the write, when there is one
	if faulty && f.AfterWrite {
		after = func() bool { return s.applyFault(w, r, xmlOut, f) }
	}
	switch {
	case rest == "Bulk-Leads" && put:
		s.serveBulk(w, r, xmlOut, Leads, after)
	case rest == "Leads" && post:
		s.serveAddLeads(w, r, xmlOut, after)
	case rest == "Bulk-Contacts" && (post || put):
		s.serveBulk(w, r, xmlOut, Contacts, after)
	case rest == "Bulk-Accounts" && (post || put):
		s.serveBulk(w, r, xmlOut, Accounts, after)
	case status:
		s.batchStatus(w, strings.TrimPrefix(rest, "BatchStatus/"), xmlOut)
	case rest == "Bulk-Leads" || rest == "Leads" || rest == "Bulk-Contacts" || rest == "Bulk-Accounts" ||
		strings.HasPrefix(rest, "BatchStatus/"):
		writeError(w, xmlOut, http.StatusMethodNotAllowed, "Method not allowed")
	default:
		writeError(w, xmlOut, http.StatusNotFound, "Not found")
	}
}

// applyFault applies f: its delay, drop or hang, then its answer (a body
// as given, an MCM refusal with f.Code as status, or an error status). It
// reports whether the request has been answered (or its connection lost).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, xmlOut bool, f fakekit.Fault) bool {
	return f.Serve(w, r, contentType(xmlOut), func() {
		if f.Code != "" {
			msg := f.Message
			if msg == "" {
				msg = "Request refused"
			}
			status := f.Status
			if status == 0 {
				status = http.StatusOK
			}
			s.writeMCMStatus(w, xmlOut, status, objectTypeOf(r), [][2]string{{"status", f.Code}, {"error_message", msg}}, nil)
			return
		}
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		writeError(w, xmlOut, f.Status, msg)
	})
}

// objectTypeOf names the resource a request's path is for ("Leads").
func objectTypeOf(r *http.Request) string {
	for _, k := range []string{"Leads", "Contacts", "Accounts"} {
		if strings.HasSuffix(r.URL.Path, k) {
			return k
		}
	}
	return "BatchStatus"
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

// readWrite checks its Content-Type, query and
// body; ok is false when it has been answered.
func (s *Server) readWrite(w http.ResponseWriter, r *http.Request, xmlOut bool, k *kind) (recs []Record, xmlIn, ok bool) {
	s.mu.Lock()
	maxBatch := s.maxBatch
	s.mu.Unlock()
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
	case strings.HasPrefix(ct, "application/xml"), strings.HasPrefix(ct, "text/xml"):
		xmlIn = true
	default:
		writeError(w, xmlOut, http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/xml")
		return nil, false, false
	}
	q := r.URL.Query()
	if cb := q.Get("callback_url"); cb != "" {
		if u, err := url.Parse(cb); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeError(w, xmlOut, http.StatusBadRequest, "Invalid callback_url")
			return nil, false, false
		}
	}
	if v := q.Get("sendRecordNo"); v != "" && v != "true" && v != "false" {
		writeError(w, xmlOut, http.StatusBadRequest, "Invalid sendRecordNo")
		return nil, false, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Cannot read body")
		return nil, false, false
	}
	if recs, err = parseRecords(k, xmlIn, body); err != nil {
		writeError(w, xmlOut, http.StatusBadRequest, "Malformed request body: "+err.Error())
		return nil, false, false
	}
	if len(recs) == 0 {
		writeError(w, xmlOut, http.StatusBadRequest, "No "+k.objectType+" in the request")
		return nil, false, false
	}
	if len(recs) > maxBatch {
		writeError(w, xmlOut, http.StatusBadRequest, fmt.Sprintf("Too many %s in one request (%d > %d)", k.objectType, len(recs), maxBatch))
		return nil, false, false
	}
	return recs, xmlIn, true
}

// serveBulk handles PUT (update) and POST (add) on a Bulk-* resource:
// the batch is queued and acknowledged, and processed in the background.
func (s *Server) serveBulk(w http.ResponseWriter, r *http.Request, xmlOut bool, res Resource, after func() bool) {
	t := s.tables[res]
	recs, xmlIn, ok := s.readWrite(w, r, xmlOut, t.kind)
	if !ok {
		return
	}
	q := r.URL.Query()
	add := r.Method == http.MethodPost
	b := &fakeBatch{
		kind: t.kind, xml: xmlIn, records: q.Get("sendRecordNo") == "true",
		callback: q.Get("callback_url"), start: s.Now(),
		run: func() result { return t.process(s, add, recs) },
	}
	s.mu.Lock()
	b.records = b.records && !s.noRecords
	if b.callback != "" && len(s.callbacks) > 0 {
		b.behaviour, s.callbacks = s.callbacks[0], s.callbacks[1:]
	}
	s.nextBatch++
	b.seq = s.nextBatch
	b.id = fmt.Sprintf("fb%06dq%s", b.seq, strings.ToLower(r.Method[:2]))
	s.batches[b.id] = b
	s.stats.Batches++
	due := b.start.Add(s.procDelay)
	s.mu.Unlock()
	s.wg.Add(1)
	s.busy.Add(1)
	go s.process(b, due)
	if after() {
		return
	}
	verb := "Update"
	if add {
		verb = "Add"
	}
	s.writeAck(w, xmlOut, t.kind.objectType, "Bulk "+t.kind.objectType+" "+verb+" Initiated Successfully.", b.id)
}

// serveAddLeads handles POST Leads (Add Lead), synchronously: every lead
// valid, all are added and their ids answered; else none is, and the
// first failure is answered with status "Error".
func (s *Server) serveAddLeads(w http.ResponseWriter, r *http.Request, xmlOut bool, after func() bool) {
	t := s.tables[Leads]
	recs, _, ok := s.readWrite(w, r, xmlOut, t.kind)
	if !ok {
		return
	}
	s.mu.Lock()
	var ids []string
	failure := ""
	for i := range recs {
		if msg := t.kind.check(recs[i]); msg != "" {
			failure = msg
			break
		}
		if recs[i].Get(t.kind.idKey) != "" {
			failure = MsgLeadIDOnAdd
			break
		}
	}
	if failure == "" {
		for i := range recs {
			t.apply(s, true, &recs[i])
			ids = append(ids, recs[i].Get(t.kind.idKey))
		}
	}
	s.mu.Unlock()
	if after() {
		return
	}
	s.writeCreated(w, xmlOut, ids, failure)
}

// batchStatus serves GET BatchStatus/{id}.
func (s *Server) batchStatus(w http.ResponseWriter, id string, xmlOut bool) {
	s.mu.Lock()
	b, ok := s.batches[id]
	var st statusDoc
	var res result
	var k *kind
	if ok {
		st = statusDoc{ID: strconv.Itoa(b.seq), BatchID: id, Status: "Processing", RequestStartTime: stamp(b.start)}
		if b.done {
			st.Status, st.RequestEndTime = "Completed", stamp(b.end)
			res, k = b.result, b.kind
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, xmlOut, http.StatusNotFound, "Batch not found")
		return
	}
	if k != nil {
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
