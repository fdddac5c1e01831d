// Package agilirontest is an in-memory fake of Agiliron's Bulk-Leads and
// BatchStatus resources, for tests of code that uses package agiliron, in
// the manner of net/http/httptest.
//
// The fake checks the API key (apiKey header or key query parameter) and
// the request's shape, stores leads so a test can read them back, answers
// a bulk request with the MCM acknowledgement and a batch id, processes the
// batch in the background, then calls the request's callback_url (PUT, in
// the request's format) and serves GET BatchStatus/{batch_id}. Faults are
// injected per request with FailNext.
//
//	srv := agilirontest.NewServer()
//	defer srv.Close()
//	c, _ := agiliron.New(agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey))
package agilirontest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
)

// APIKey is the key a new Server accepts.
const APIKey = "agiliron-test-key-0123456789"

// Prefix is the path of the API under the server's URL, as in
// https://{company}.agiliron.net/agiliron/api-40/. The api-40.php form is
// accepted too.
const Prefix = "/agiliron/api-40/"

// Messages the fake gives for failed leads (the first is Agiliron's own).
const (
	MsgLastNameBlank = agiliron.MessageLastNameBlank
	MsgCompanyBlank  = "Lead Company cannot be blank"
	MsgNoSuchLead    = "Lead does not exist"
	MsgLeadIDOnAdd   = "LeadId must not be given for a new lead"
)

// DefaultMaxBatch is the most leads one request may carry unless
// SetMaxBatch says otherwise.
const DefaultMaxBatch = 5000

// Fault is a misbehaviour injected into one bulk request with FailNext.
type Fault int

// The faults.
const (
	// ServerError answers 500; the batch is not queued.
	ServerError Fault = iota + 1
	// ServerErrorAfterQueue queues and processes the batch, then answers
	// 500: the client cannot know the batch went in.
	ServerErrorAfterQueue
	// TooManyRequests answers 429 with Retry-After: 0; nothing is queued.
	TooManyRequests
	// MalformedAck queues and processes the batch, then answers 200 with a
	// body that is not an acknowledgement.
	MalformedAck
	// CallbackDelayed delivers the callback after the delay set with
	// SetCallbackDelay (BatchStatus is completed on time).
	CallbackDelayed
	// CallbackTwice delivers the callback twice.
	CallbackTwice
	// CallbackNever never delivers the callback: only BatchStatus tells.
	CallbackNever
	// HangAfterQueue queues and processes the batch, then never answers:
	// the client's request times out after it was sent.
	HangAfterQueue
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case ServerError:
		return "ServerError"
	case ServerErrorAfterQueue:
		return "ServerErrorAfterQueue"
	case TooManyRequests:
		return "TooManyRequests"
	case MalformedAck:
		return "MalformedAck"
	case HangAfterQueue:
		return "HangAfterQueue"
	case CallbackDelayed:
		return "CallbackDelayed"
	case CallbackTwice:
		return "CallbackTwice"
	case CallbackNever:
		return "CallbackNever"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// Stats counts what the server has seen.
type Stats struct {
	// BulkRequests counts Bulk-Leads requests that passed the key check.
	BulkRequests int
	// Batches counts batches queued.
	Batches int
	// StatusRequests counts BatchStatus requests.
	StatusRequests int
	// Callbacks counts callback deliveries attempted; CallbackStatuses
	// holds the HTTP status each got (0 when the call failed).
	Callbacks        int
	CallbackStatuses []int
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	busy   atomic.Int64 // batches being processed or called back
	hc     *http.Client

	mu            sync.Mutex
	apiKey        string
	maxBatch      int
	procDelay     time.Duration
	noRecords     bool
	callbackDelay time.Duration
	faults        []Fault
	statusFaults  int
	leads         map[int]agiliron.Lead
	writes        map[int]int
	nextID        int
	batches       map[string]*fakeBatch
	nextBatch     int
	stats         Stats
}

// fakeBatch is one queued batch.
type fakeBatch struct {
	seq        int
	id         string
	xml        bool // the request's format: the callback's
	records    bool // sendRecordNo=true
	callback   string
	fault      Fault
	leads      []agiliron.Lead
	method     string
	start, end time.Time
	done       bool
	result     agiliron.BatchResult
}

// NewServer starts a fake that accepts APIKey.
func NewServer() *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ctx: ctx, cancel: cancel,
		hc:     &http.Client{Timeout: 10 * time.Second},
		apiKey: APIKey, maxBatch: DefaultMaxBatch,
		leads: make(map[int]agiliron.Lead), writes: make(map[int]int), nextID: 1000,
		batches: make(map[string]*fakeBatch),
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server and waits for background work (processing and
// callbacks, which are abandoned).
func (s *Server) Close() {
	s.cancel()
	s.Server.Close()
	s.wg.Wait()
	s.hc.CloseIdleConnections()
}

// BaseURL is the URL to give agiliron.WithBaseURL: URL + Prefix.
func (s *Server) BaseURL() string { return s.URL + Prefix }

// ClientOptions returns the options that point an agiliron.Client at this
// server: its base URL, APIKey, and a 10 ms poll interval (the fake is
// fast). Append your own after them.
func (s *Server) ClientOptions() []agiliron.Option {
	s.mu.Lock()
	key := s.apiKey
	s.mu.Unlock()
	return []agiliron.Option{
		agiliron.WithBaseURL(s.BaseURL()), agiliron.WithAPIKey(key),
		agiliron.WithPollInterval(10 * time.Millisecond),
	}
}

// SetAPIKey changes the accepted key.
func (s *Server) SetAPIKey(k string) { s.mu.Lock(); s.apiKey = k; s.mu.Unlock() }

// SetMaxBatch sets the most leads one request may carry (400 beyond).
func (s *Server) SetMaxBatch(n int) { s.mu.Lock(); s.maxBatch = n; s.mu.Unlock() }

// SetProcessingDelay sets how long a batch stays "Processing" before its
// leads are written and its result is ready (default 0).
func (s *Server) SetProcessingDelay(d time.Duration) { s.mu.Lock(); s.procDelay = d; s.mu.Unlock() }

// SetOmitRecordNumbers makes results leave out Record numbers even when
// the request asked for them (sendRecordNo=true), so that clients must
// match results by LeadId.
func (s *Server) SetOmitRecordNumbers(omit bool) { s.mu.Lock(); s.noRecords = omit; s.mu.Unlock() }

// SetCallbackDelay sets the extra delay of a CallbackDelayed callback.
func (s *Server) SetCallbackDelay(d time.Duration) { s.mu.Lock(); s.callbackDelay = d; s.mu.Unlock() }

// FailNext makes the next n bulk requests (that pass the key check)
// misbehave with f, after any faults already queued. A callback fault is
// used up by a request even when it names no callback_url.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	for range n {
		s.faults = append(s.faults, f)
	}
	s.mu.Unlock()
}

// FailStatusNext makes the next n BatchStatus requests answer 500.
func (s *Server) FailStatusNext(n int) { s.mu.Lock(); s.statusFaults += n; s.mu.Unlock() }

// PutLead stores l as an existing lead (for updates to find) and returns
// its id, assigning one when l.LeadID is empty.
func (s *Server) PutLead(l agiliron.Lead) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := strconv.Atoi(l.LeadID)
	if err != nil || l.LeadID == "" {
		id = s.newID()
	}
	if id >= s.nextID {
		s.nextID = id + 1
	}
	l.LeadID = strconv.Itoa(id)
	s.leads[id] = l
	return l.LeadID
}

func (s *Server) newID() int {
	id := s.nextID
	s.nextID++
	return id
}

// Lead returns the stored lead with id.
func (s *Server) Lead(id string) (agiliron.Lead, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return agiliron.Lead{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[n]
	return l, ok
}

// Leads returns every stored lead, by id.
func (s *Server) Leads() []agiliron.Lead {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.leads))
	for id := range s.leads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]agiliron.Lead, len(ids))
	for i, id := range ids {
		out[i] = s.leads[id]
	}
	return out
}

// Len returns the number of stored leads.
func (s *Server) Len() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.leads) }

// Writes returns how many times the lead with id was written by a bulk
// request (an add counts 1, each update 1 more).
func (s *Server) Writes(id string) int {
	n, _ := strconv.Atoi(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[n]
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.CallbackStatuses = slices.Clone(s.stats.CallbackStatuses)
	return st
}

// Wait blocks until every queued batch is processed and its callbacks are
// delivered (or abandoned), or ctx ends.
func (s *Server) Wait(ctx context.Context) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for s.busy.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

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

// process writes a batch's leads, completes it and calls back.
func (s *Server) process(b *fakeBatch, delay time.Duration) {
	defer s.wg.Done()
	defer s.busy.Add(-1)
	if !sleep(s.ctx, delay) {
		return
	}
	s.mu.Lock()
	var res agiliron.BatchResult
	for i, l := range b.leads {
		e := agiliron.ResultEntry{Record: i + 1, LeadID: l.LeadID}
		msg := s.apply(b.method, &l)
		if msg != "" {
			e.Message = msg
			res.Failure = append(res.Failure, e)
			continue
		}
		e.LeadID = l.LeadID
		e.LeadName = strings.TrimSpace(l.FirstName + " " + l.LastName)
		res.Success = append(res.Success, e)
	}
	res.SuccessNumber, res.FailureNumber = len(res.Success), len(res.Failure)
	if !b.records {
		for i := range res.Success {
			res.Success[i].Record = 0
		}
		for i := range res.Failure {
			res.Failure[i].Record = 0
		}
	}
	b.result, b.done, b.end = res, true, time.Now()
	cbDelay := s.callbackDelay
	s.mu.Unlock()

	if b.callback == "" {
		return
	}
	times := 1
	switch b.fault {
	case CallbackNever:
		return
	case CallbackTwice:
		times = 2
	case CallbackDelayed:
		if !sleep(s.ctx, cbDelay) {
			return
		}
	}
	body := callbackBody(b.xml, &res)
	for range times {
		s.callback(b, body)
	}
}

// apply validates and writes one lead under s.mu; it returns the failure
// message, or "" with l.LeadID set.
func (s *Server) apply(method string, l *agiliron.Lead) string {
	switch {
	case strings.TrimSpace(l.LastName) == "":
		return MsgLastNameBlank
	case strings.TrimSpace(l.Company) == "":
		return MsgCompanyBlank
	}
	if method == http.MethodPost {
		if l.LeadID != "" {
			return MsgLeadIDOnAdd
		}
		id := s.newID()
		l.LeadID = strconv.Itoa(id)
		s.leads[id] = *l
		s.writes[id]++
		return ""
	}
	id, err := strconv.Atoi(l.LeadID)
	if _, ok := s.leads[id]; err != nil || !ok {
		return MsgNoSuchLead
	}
	// An update replaces the whole record, as Agiliron's does.
	s.leads[id] = *l
	s.writes[id]++
	return ""
}

// callback delivers body to the batch's callback URL with PUT.
func (s *Server) callback(b *fakeBatch, body []byte) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPut, b.callback, bytes.NewReader(body))
	status := 0
	if err == nil {
		req.Header.Set("Content-Type", contentType(b.xml))
		if resp, err := s.hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
	}
	s.mu.Lock()
	s.stats.Callbacks++
	s.stats.CallbackStatuses = append(s.stats.CallbackStatuses, status)
	s.mu.Unlock()
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

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
