// Package noojeetest is an in-memory fake of Noojee's CampaignAPI lead
// endpoints (insertLeadsFast, insertLeadFast, updateLeadFast), in the
// manner of net/http/httptest, for tests and examples.
//
//	srv := noojeetest.NewServer()
//	defer srv.Close()
//	c, _ := noojee.New(noojee.WithBaseURL(srv.URL), noojee.WithAPIKey(noojeetest.APIKey))
//
// The fake is strict like the real server: it checks the apiKey, the
// required ids (116, 117, 115), the method and JSON body; it stores leads
// per campaign and answers with the documented codes: 101 for an update of
// an unknown njExternalLeadId, 102 without a phone field, 104 for a number
// on its DNC list, 105 for a phone number already in the campaign (unless
// allowDuplicates=true), 106/107 for dispositions, 108 for <No Change> on an
// insert, 110 for leads marked in conflict, 111 for unknown contact hours,
// 112 for a repeated njExternalLeadId, 114 for a bad callback date, and 109
// when more calls are in flight than its concurrency limit. A bulk call
// with any refused lead writes nothing and answers the first refused
// lead's code. Tests inject faults with FailNext and BusyFor and read the
// stored leads back with Leads and Lead. Answers are JSON objects
// {"code":N,"message":"NAME"} with the documented HTTP status.
//
// A Server is safe for concurrent use.
package noojeetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIKey is the apiKey a new Server accepts (see SetAPIKey).
const APIKey = "noojee-test-api-key"

// Path is the CampaignAPI path the fake serves under.
const Path = "/servicemanager/rest/CampaignAPI/"

// MaxBulk is the most leads the fake accepts in one insertLeadsFast call.
const MaxBulk = 1000

// Fault is a failure injected into the next calls, see FailNext.
type Fault int

// The faults.
const (
	// FaultBusy answers 109 TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS (HTTP 400);
	// nothing is written.
	FaultBusy Fault = iota + 1
	// FaultException answers 103 EXCEPTION (HTTP 500); nothing is written.
	FaultException
	// FaultUnavailable answers HTTP 503 with an empty body; nothing is written.
	FaultUnavailable
	// FaultDrop closes the connection without an answer before reading
	// the call; nothing is written.
	FaultDrop
	// FaultDropAfterWrite processes the call (the leads are written) and
	// then closes the connection without an answer.
	FaultDropAfterWrite
	// FaultMalformed processes the call (the leads are written) and then
	// answers HTTP 200 with a body that is not a result.
	FaultMalformed
	// FaultSlow answers normally after the delay set by SetSlowDelay.
	FaultSlow
)

// String names the fault.
func (f Fault) String() string {
	names := []string{"none", "busy", "exception", "unavailable", "drop", "drop-after-write", "malformed", "slow"}
	if f >= 0 && int(f) < len(names) {
		return names[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// StoredLead is a lead as the fake holds it.
type StoredLead struct {
	// TemplateID and AllocationID are the ids the lead was inserted with.
	TemplateID, AllocationID string
	// ExternalID is njExternalLeadId ("" when none was given).
	ExternalID string
	// Fields are every field of the lead body as text, system fields
	// (njPriority, njCallBackDate, ...) included.
	Fields map[string]string
	// LeadID is the fake's id for the lead.
	LeadID int
	// Updates counts the successful updates.
	Updates int
}

// Stats counts what the fake saw.
type Stats struct {
	// Requests is every call received, by endpoint name.
	Requests map[string]int
	// Codes counts answers by result code (0 for OK).
	Codes map[int]int
	// Faults counts injected faults used.
	Faults int
	// MaxInFlight is the most lead calls that were in flight at once.
	MaxInFlight int
}

// campaign is one campaign's leads.
type campaign struct {
	leads  []*StoredLead
	byExt  map[string]*StoredLead
	phones map[string]int // normalized phone → leads holding it
}

// Server is the fake. Create it with NewServer; Close it when done.
type Server struct {
	*httptest.Server

	mu           sync.Mutex
	apiKey       string
	limit        int
	sem          chan struct{}
	queueWait    time.Duration
	latency      time.Duration
	slowDelay    time.Duration
	busyUntil    time.Time
	faults       []Fault
	dnc          map[string]bool
	phoneFields  []string
	dispositions map[string]bool
	contactHours map[string]bool
	conflicts    map[string]bool
	campaigns    map[string]*campaign
	nextID       int
	inFlight     int
	stats        Stats
}

// NewServer starts a fake accepting APIKey, with no concurrency limit, no
// faults, an empty DNC list, phone fields recognised by name (any field
// whose name contains "phone"), any disposition and any contact hours.
func NewServer() *Server {
	s := &Server{
		apiKey:    APIKey,
		slowDelay: 50 * time.Millisecond,
		dnc:       map[string]bool{},
		conflicts: map[string]bool{},
		campaigns: map[string]*campaign{},
		stats:     Stats{Requests: map[string]int{}, Codes: map[int]int{}},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetAPIKey changes the apiKey the fake accepts.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// SetConcurrencyLimit makes the fake answer 109 when more than k lead calls
// would be in flight at once (k <= 0: no limit), as the real server does
// when its queue times out. A call over the limit waits up to the queue
// wait (SetQueueWait, default 0) for a slot first. Set it before sending.
func (s *Server) SetConcurrencyLimit(k int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = k
	if k > 0 {
		s.sem = make(chan struct{}, k)
	} else {
		s.sem = nil
	}
}

// SetQueueWait sets how long a call over the concurrency limit waits for a
// slot before it is answered 109 (the real server waits one minute).
func (s *Server) SetQueueWait(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queueWait = d
}

// SetLatency makes every lead call take at least d while holding its slot
// (the real server takes at least 100 ms).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSlowDelay sets the delay of FaultSlow (default 50 ms).
func (s *Server) SetSlowDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowDelay = d
}

// FailNext makes the next n lead calls (after the apiKey check) suffer
// fault f. Calls queue up: FailNext(2, FaultBusy); FailNext(1, FaultDrop)
// gives two 109s then a dropped connection.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// BusyFor makes every lead call answer 109 for the next d: a storm.
func (s *Server) BusyFor(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busyUntil = time.Now().Add(d)
}

// AddDNC puts phone numbers on the Do-Not-Call list (compared by digits):
// a lead holding one is refused with 104.
func (s *Server) AddDNC(phones ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range phones {
		s.dnc[digits(p)] = true
	}
}

// SetPhoneFields declares the template's phone fields (default: any field
// whose name contains "phone", in any case).
func (s *Server) SetPhoneFields(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.phoneFields = slices.Clone(names)
}

// SetDispositions declares the dispositions that exist (106 for others);
// with none declared, any is accepted.
func (s *Server) SetDispositions(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispositions = set(names)
}

// SetContactHours declares the contact hours that exist (111 for others);
// with none declared, any is accepted.
func (s *Server) SetContactHours(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contactHours = set(names)
}

// SetConflict marks leads (by njExternalLeadId) as being edited by a
// person: updates of them answer 110 and change nothing, until
// ClearConflicts.
func (s *Server) SetConflict(externalIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range externalIDs {
		s.conflicts[id] = true
	}
}

// ClearConflicts removes every conflict mark.
func (s *Server) ClearConflicts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.conflicts)
}

// AddLead stores a lead directly, as if inserted earlier (no checks).
func (s *Server) AddLead(campaignID string, fields map[string]string) StoredLead {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.store(s.campaign(campaignID), "", "", fields)
	return copyLead(l)
}

// Leads returns a copy of the campaign's leads, in insertion order.
func (s *Server) Leads(campaignID string) []StoredLead {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.campaigns[campaignID]
	if c == nil {
		return nil
	}
	out := make([]StoredLead, len(c.leads))
	for i, l := range c.leads {
		out[i] = copyLead(l)
	}
	return out
}

// Lead returns a copy of the campaign's lead with this njExternalLeadId.
func (s *Server) Lead(campaignID, externalID string) (StoredLead, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.campaigns[campaignID]
	if c == nil {
		return StoredLead{}, false
	}
	l, ok := c.byExt[externalID]
	if !ok {
		return StoredLead{}, false
	}
	return copyLead(l), true
}

// LeadCount returns how many leads the campaign holds.
func (s *Server) LeadCount(campaignID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.campaigns[campaignID]; c != nil {
		return len(c.leads)
	}
	return 0
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = maps(s.stats.Requests)
	st.Codes = maps(s.stats.Codes)
	return st
}

func maps[K comparable](m map[K]int) map[K]int {
	out := make(map[K]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func set(names []string) map[string]bool {
	if len(names) == 0 {
		return nil
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func copyLead(l *StoredLead) StoredLead {
	c := *l
	c.Fields = make(map[string]string, len(l.Fields))
	for k, v := range l.Fields {
		c.Fields[k] = v
	}
	return c
}

// digits keeps the digits of a phone number.
func digits(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

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
		if endpoint == "updateLeadFast" {
			ref = s.update(q.Get("fCampaignId"), leads[0])
		} else {
			var id int
			id, ref = s.insert(q.Get("fTemplateId"), q.Get("fCampaignId"), q.Get("fAllocationId"), q.Get("allowDuplicates") == "true", leads)
			if ref == nil && endpoint == "insertLeadFast" {
				extra["leadId"] = id
			}
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

// nextFault pops the next injected fault, or FaultBusy during a storm.
func (s *Server) nextFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Now().Before(s.busyUntil) {
		s.stats.Faults++
		return FaultBusy
	}
	if len(s.faults) == 0 {
		return 0
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	s.stats.Faults++
	return f
}

// acquire takes a concurrency slot, waiting up to the queue wait.
func (s *Server) acquire(r *http.Request) (func(), bool) {
	s.mu.Lock()
	sem, qw := s.sem, s.queueWait
	s.mu.Unlock()
	if sem != nil {
		select {
		case sem <- struct{}{}:
		default:
			if qw <= 0 {
				return nil, false
			}
			t := time.NewTimer(qw)
			defer t.Stop()
			select {
			case sem <- struct{}{}:
			case <-t.C:
				return nil, false
			case <-r.Context().Done():
				return nil, false
			}
		}
	}
	s.mu.Lock()
	s.inFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.inFlight)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
		if sem != nil {
			<-sem
		}
	}, true
}

// wait sleeps d unless the client goes away first.
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) campaign(id string) *campaign {
	c := s.campaigns[id]
	if c == nil {
		c = &campaign{byExt: map[string]*StoredLead{}, phones: map[string]int{}}
		s.campaigns[id] = c
	}
	return c
}

// isPhoneField reports whether a field holds a phone number.
func (s *Server) isPhoneField(name string) bool {
	if len(s.phoneFields) > 0 {
		return slices.Contains(s.phoneFields, name)
	}
	return strings.Contains(strings.ToLower(name), "phone")
}

// phones returns the normalized phone numbers of a lead body.
func (s *Server) phones(fields map[string]string) []string {
	var out []string
	for k, v := range fields {
		if s.isPhoneField(k) && !isNoChange(v) {
			if d := digits(v); d != "" {
				out = append(out, d)
			}
		}
	}
	return out
}

func isNoChange(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "<No Change>") }

// checkCommon applies the checks shared by insert and update.
func (s *Server) checkCommon(fields map[string]string) *refusal {
	if v, ok := fields["njCallBackDate"]; ok && !isNoChange(v) {
		if _, err := time.Parse("2006/01/02 15:04", v); err != nil {
			return refuse(114, "")
		}
	}
	if v, ok := fields["njContactHours"]; ok && !isNoChange(v) && s.contactHours != nil && !s.contactHours[v] {
		return refuse(111, "")
	}
	if v, ok := fields["njPriority"]; ok && !isNoChange(v) {
		if p, err := strconv.Atoi(v); err != nil || p < 0 || p > 100 {
			return &refusal{code: -1, status: http.StatusBadRequest, msg: "njPriority must be a whole number from 0 to 100"}
		}
	}
	for _, p := range s.phones(fields) {
		if s.dnc[p] {
			return refuse(104, "")
		}
	}
	return nil
}

// insert checks every lead, then stores all or none (s.mu held).
func (s *Server) insert(template, campaignID, allocation string, allowDup bool, leads []map[string]string) (int, *refusal) {
	c := s.campaign(campaignID)
	batchPhones := map[string]bool{}
	batchExt := map[string]bool{}
	for _, f := range leads {
		for _, v := range f {
			if isNoChange(v) {
				return 0, refuse(108, "")
			}
		}
		if len(s.phones(f)) == 0 {
			return 0, refuse(102, "")
		}
		if ref := s.checkCommon(f); ref != nil {
			return 0, ref
		}
		if !allowDup {
			for _, p := range s.phones(f) {
				if c.phones[p] > 0 || batchPhones[p] {
					return 0, refuse(105, "")
				}
				batchPhones[p] = true
			}
		}
		if ext := f["njExternalLeadId"]; ext != "" {
			if c.byExt[ext] != nil || batchExt[ext] {
				return 0, refuse(112, "")
			}
			batchExt[ext] = true
		}
	}
	id := 0
	for _, f := range leads {
		id = s.store(c, template, allocation, f).LeadID
	}
	return id, nil
}

// store adds a lead to a campaign (s.mu held).
func (s *Server) store(c *campaign, template, allocation string, f map[string]string) *StoredLead {
	s.nextID++
	l := &StoredLead{TemplateID: template, AllocationID: allocation, ExternalID: f["njExternalLeadId"], LeadID: s.nextID, Fields: make(map[string]string, len(f))}
	for k, v := range f {
		l.Fields[k] = v
	}
	c.leads = append(c.leads, l)
	if l.ExternalID != "" {
		c.byExt[l.ExternalID] = l
	}
	for _, p := range s.phones(f) {
		c.phones[p]++
	}
	return l
}

// update applies one update (s.mu held).
func (s *Server) update(campaignID string, f map[string]string) *refusal {
	ext := f["njExternalLeadId"]
	c := s.campaigns[campaignID]
	if ext == "" || c == nil || c.byExt[ext] == nil {
		return refuse(101, "")
	}
	l := c.byExt[ext]
	if s.conflicts[ext] {
		return refuse(110, "")
	}
	if d, ok := f["njDisposition"]; ok {
		if isNoChange(d) {
			if l.Fields["njDisposition"] == "" {
				return refuse(107, "")
			}
		} else if s.dispositions != nil && !s.dispositions[d] {
			return refuse(106, "")
		}
	}
	if ref := s.checkCommon(f); ref != nil {
		return ref
	}
	for _, p := range s.phones(l.Fields) {
		c.phones[p]--
	}
	for k, v := range f {
		if !isNoChange(v) {
			l.Fields[k] = v
		}
	}
	for _, p := range s.phones(l.Fields) {
		c.phones[p]++
	}
	l.Updates++
	return nil
}
