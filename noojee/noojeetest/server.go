// Package noojeetest is an in-memory fake of Noojee's CampaignAPI lead
// endpoints (insertLeadsFast, insertLeadFast, updateLeadFast), in the
// manner of net/http/httptest, for tests and examples.
//
//	srv := noojeetest.NewServer()
//	defer srv.Close()
//	c, _ := noojee.New(noojee.WithBaseURL(srv.BaseURL()), noojee.WithAPIKey(noojeetest.APIKey))
//
// The fake is strict like the real server: it checks the apiKey, the
// required ids (116, 117, 115), the method and JSON body; it stores leads
// per campaign and answers with the documented codes: 101 for an update of
// an unknown njExternalLeadId, 102 without a phone field, 104 for a number
// on its DNC list, 105 for a phone number already in the campaign (unless
// allowDuplicates=true), 106/107 for dispositions, 108 for <No Change> on an
// insert, 110 for leads marked in conflict, 111 for unknown contact hours,
// 112 for a repeated njExternalLeadId, 114 for a bad callback date, and 109
// when more calls are in flight than its concurrency limit. Answers to the
// one-lead calls are JSON objects {"code":N,"message":"NAME"} with the
// documented HTTP status. A bulk insertLeadsFast call is answered as
// Noojee documents the multi-lead insert (insertLead page, pageId=22186919;
// the array body, pageId=43417608): the leads are imported one by one, and
// the answer is {"code":0,"message":"Imported N Updated 0 Rejected N
// leads.\n\nErrors (If any):\n <header>,Error Reason,\n<row>,…"} with one
// CSV row per refused lead, its reason the code's name (see importLeads).
// A call-level refusal (a missing id, a busy server) is still one code.
// RemoveBulkEndpoint turns insertLeadsFast into a 404, as on a server that
// follows the current documentation. Tests inject faults with FailNext
// (the shared fakekit constructors, and Busy, Exception and
// SummaryWithoutRows for Noojee's own; a Code must be a Noojee code
// number, FailNext panics on any other, see fakekit.FaultRules), or a
// storm with BusyFor, on the clock SetClock gives; they read the stored leads back with Leads and
// Lead. SetCountOnly keeps no lead (Stats.Stored still counts them), so a
// long run stays in constant memory. The fake reads requests with its own
// code; it never imports the client.
//
// A Server is safe for concurrent use.
package noojeetest

import (
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// APIKey is the apiKey a new Server accepts (see SetAPIKey).
const APIKey = "noojee-test-api-key"

// Path is the CampaignAPI path the fake serves under.
const Path = "/servicemanager/rest/CampaignAPI/"

// DefaultMaxBatch is the most leads the fake accepts in one
// insertLeadsFast call unless SetMaxBatch says otherwise.
const DefaultMaxBatch = 1000

// Stats counts what the fake saw.
type Stats struct {
	// Requests is every call received, by operation name.
	Requests map[string]int
	// Codes counts answers by result code (0 for OK).
	Codes map[int]int
	// Faults counts injected faults used.
	Faults int
	// Stored counts the leads stored (also in counting-only mode).
	Stored int
	// Rejected counts the leads listed as rejected in bulk answers.
	Rejected int
	// MaxInFlight is the most lead calls that were in flight at once.
	MaxInFlight int
}

// Server is the fake. Create it with NewServer; Close it when done. Point
// a client at it with noojee.WithBaseURL(srv.BaseURL()).
type Server struct {
	*fakekit.Base

	mu             sync.Mutex
	apiKey         string
	maxBatch       int
	limit          int
	sem            chan struct{}
	queueWait      time.Duration
	latency        time.Duration
	busyUntil      time.Time
	busyRetryAfter time.Duration
	dnc            map[string]bool
	phoneFields    []string
	dispositions   map[string]bool
	contactHours   map[string]bool
	conflicts      map[string]bool
	campaigns      map[string]*campaign
	nextID         int
	inFlight       int
	noBulk         bool
	stats          Stats
}

// NewServer starts a fake accepting APIKey, with no concurrency limit, no
// faults, an empty DNC list, phone fields recognised by name (any field
// whose name contains "phone"), any disposition and any contact hours.
func NewServer() *Server {
	s := &Server{
		apiKey:    APIKey,
		maxBatch:  DefaultMaxBatch,
		dnc:       map[string]bool{},
		conflicts: map[string]bool{},
		campaigns: map[string]*campaign{},
		stats:     Stats{Requests: map[string]int{}, Codes: map[int]int{}},
	}
	s.Base = fakekit.NewBase(http.HandlerFunc(s.serve))
	s.SetFaultRules(faultRules)
	return s
}

// SetMaxBatch sets the most leads one insertLeadsFast call may carry
// (default DefaultMaxBatch); a larger call is answered HTTP 400.
func (s *Server) SetMaxBatch(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxBatch = n
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

// RemoveBulkEndpoint makes the fake a server without the bulk
// insertLeadsFast, as Noojee's current documentation has it (the entry
// point was renamed to the one-lead insertLeadFast, pageId=38600709
// versions 10 to 15): every insertLeadsFast call is answered HTTP 404 with
// a plain body and writes nothing. It is counted in Stats.Requests.
func (s *Server) RemoveBulkEndpoint() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noBulk = true
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
