// Package hubspottest is an in-memory fake of HubSpot's CRM objects batch
// API for tests: POST /crm/objects/{YYYY-MM}/{objectType}/batch/{create|update|upsert|read|archive}
// (the date-versioned paths, 2026-09 being current), and the same under
// the legacy /crm/v3/objects/….
//
// It also serves the Imports API (import.go): POST /crm/v3/imports
// (multipart importRequest and CSV file, spooled to disk; the documented
// limits of 512 MB, 1,048,576 rows per file and 500 imports per 24 hours),
// GET /crm/v3/imports/{id} (STARTED, PROCESSING, then DONE or the state
// SetImportFinalState chose, on the fake's clock at SetImportSpeed rows
// per second) and GET /crm/v3/imports/{id}/errors (paged row errors: each
// row goes through the same checks and FailInputs hook as a batch input).
//
// Like net/http/httptest, NewServer starts it on a loopback port, and one
// option points a client at it:
//
//	srv := hubspottest.NewServer()
//	defer srv.Close()
//	c, _ := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken))
//
// It checks the bearer token and the request shape as strictly as HubSpot
// (unknown fields, missing inputs, more inputs than the limit of 100, a
// history read of more than MaxHistoryInputs ids), holds writes under
// 2026-09 and later to the validation rules set with RequireWhen (as
// HubSpot does from that version on, and not before), keeps
// objects per type with their unique properties (email for contacts),
// answers with HubSpot's status codes and bodies (201, 200, 204, 207 with
// per-input errors, 400, 401, 404, 409, 429), counts requests in a rolling
// window like HubSpot's burst limit and, optionally, a daily quota, and
// injects the faults a test asks for (FailNext with the shared
// constructors of internal/fakekit — Status, RateLimited, Drop,
// DropAfterWrite, Hang, Slow, Malformed — and HubSpot's DailyLimit,
// Locked and Migration; FailInputs; SetAllOrNothing). Everything written
// can be read back (Objects, Object, Find), with a write count per object
// to prove nothing landed twice, unless SetCountOnly(true) keeps only the
// counts (Stats) for runs of millions of records. It decodes requests with
// its own types, never with the client's. It is safe for concurrent use.
package hubspottest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// DefaultToken is the bearer token a new Server accepts.
const DefaultToken = "hubspottest-token"

// DefaultMaxBatch is the most inputs a request may carry unless
// SetMaxBatch says otherwise (HubSpot: 100).
const DefaultMaxBatch = 100

// DefaultRateLimit is the requests a new Server accepts per rolling
// DefaultRateWindow, like a Professional private app.
const DefaultRateLimit = 190

// DefaultRateWindow is HubSpot's burst window.
const DefaultRateWindow = 10 * time.Second

// Object is a stored CRM object as the fake holds it.
type Object struct {
	ID         string
	Properties map[string]string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Archived   bool
	// Writes counts the creates, updates and upserts applied to the object
	// through the API (1 after a create; an object stored with Put starts
	// at 0): a test can prove a record landed once.
	Writes int
	// History holds every value each property was given, oldest first;
	// batch reads asking for propertiesWithHistory answer it newest first.
	History map[string][]Change
}

// Change is one value a property was given.
type Change struct {
	Value string
	At    time.Time
}

func (o *Object) clone() Object {
	c := *o
	c.Properties = make(map[string]string, len(o.Properties))
	for k, v := range o.Properties {
		c.Properties[k] = v
	}
	c.History = make(map[string][]Change, len(o.History))
	for k, h := range o.History {
		c.History[k] = append([]Change(nil), h...)
	}
	return c
}

// set gives property k the value v at now, keeping its history.
func (o *Object) set(k, v string, now time.Time) {
	o.Properties[k] = v
	if o.History == nil {
		o.History = map[string][]Change{}
	}
	o.History[k] = append(o.History[k], Change{Value: v, At: now})
}

// Stats counts what the fake saw.
type Stats struct {
	// Requests is every request received, refused ones included.
	Requests int
	// Inputs is the inputs of requests that were processed.
	Inputs int
	// RateLimited is the requests answered 429 by the rolling or daily
	// limit (injected 429s not included).
	RateLimited int
	// Faults is the requests answered with an injected fault.
	Faults int
	// Unauthorized is the requests refused for their token.
	Unauthorized int
	// MultiStatus is the 207 answers.
	MultiStatus int
	// Written is the inputs created, updated or upserted (in counting-only
	// mode too, where nothing is kept).
	Written int
	// ByOp counts processed requests by operation ("create", "update" …).
	ByOp map[string]int
}

// store holds one object type.
type store struct {
	byID   map[string]*Object
	unique map[string]map[string]string // property → lower-cased value → id
}

// Server is the fake. Create it with NewServer; Close it when done. Its
// fault queue (FailNext with fakekit's constructors and this package's
// DailyLimit, Locked and Migration), its clock (SetClock: the rolling
// window reads it) and its counting-only mode (SetCountOnly) come from
// the embedded fakekit.Base.
type Server struct {
	*fakekit.Base

	mu           sync.Mutex
	token        string
	maxBatch     int
	rateN        int
	rateWindow   time.Duration
	hits         []time.Time
	dailyLimit   int
	dailyUsed    int
	inputErr     func(Input) *InputError
	allOrNothing bool
	uniqueProps  map[string][]string
	rules        map[string][]rule
	types        map[string]*store
	nextID       int64
	seq          int64
	stats        Stats
	imports      []*Import
	importSpeed  int
	importFinal  string
	importQuirks ImportQuirks // SetImportQuirks
	importJobs   sync.WaitGroup
}

// NewServer starts a fake accepting DefaultToken, at most DefaultMaxBatch
// inputs per request and DefaultRateLimit requests per rolling 10 s, with
// email unique on contacts.
func NewServer() *Server {
	s := &Server{
		token:       DefaultToken,
		maxBatch:    DefaultMaxBatch,
		rateN:       DefaultRateLimit,
		rateWindow:  DefaultRateWindow,
		uniqueProps: map[string][]string{"contacts": {"email"}},
		types:       map[string]*store{},
		nextID:      1000,
		stats:       Stats{ByOp: map[string]int{}},
	}
	s.Base = fakekit.NewBase(http.HandlerFunc(s.route))
	return s
}

// route sends the Imports API (import.go) to its handler and every other
// path to the batch endpoints'.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if isImportPath(r.URL.Path) {
		s.serveImport(w, r)
		return
	}
	s.serveHTTP(w, r)
}

// SetToken sets the bearer token the fake accepts.
func (s *Server) SetToken(tok string) { fakekit.Set(&s.mu, &s.token, tok) }

// SetMaxBatch sets the most inputs one request may carry (HubSpot: 100);
// more is answered 400.
func (s *Server) SetMaxBatch(n int) { fakekit.Set(&s.mu, &s.maxBatch, n) }

// SetRateLimit allows n requests per rolling window; more are answered
// 429 TEN_SECONDLY_ROLLING with Retry-After (in fractional seconds, so a
// test can use a short window). The window runs on the server's clock
// (SetClock). n <= 0 turns the limit off.
func (s *Server) SetRateLimit(n int, window time.Duration) {
	s.mu.Lock()
	s.rateN, s.rateWindow, s.hits = n, window, nil
	s.mu.Unlock()
}

// SetDailyLimit allows n requests in total; later ones are answered 429
// with policyName DAILY and no Retry-After. n <= 0 turns it off.
func (s *Server) SetDailyLimit(n int) {
	s.mu.Lock()
	s.dailyLimit, s.dailyUsed = n, 0
	s.mu.Unlock()
}

// SetUniqueProperty marks prop as a unique property of objectType: a
// second object with the same value (case-insensitive) is a CONFLICT, and
// prop may be an idProperty.
func (s *Server) SetUniqueProperty(objectType, prop string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := canonicalType(objectType)
	if !contains(s.uniqueProps[t], prop) {
		s.uniqueProps[t] = append(s.uniqueProps[t], prop)
	}
	st := s.types[t]
	if st == nil {
		return
	}
	if st.unique[prop] == nil {
		st.unique[prop] = map[string]string{}
	}
	for id, o := range st.byID {
		if v := o.Properties[prop]; v != "" {
			st.unique[prop][strings.ToLower(v)] = id
		}
	}
}

// SetAllOrNothing makes creates all-or-nothing even when every input has a
// unique objectWriteTraceId: one bad input fails the request as a whole
// with 400 (or 409 for a conflict) naming no input, and nothing is written
// — HubSpot's behaviour for inputs without trace ids.
func (s *Server) SetAllOrNothing(on bool) { fakekit.Set(&s.mu, &s.allOrNothing, on) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByOp = make(map[string]int, len(s.stats.ByOp))
	for k, v := range s.stats.ByOp {
		st.ByOp[k] = v
	}
	return st
}

// Put stores an object directly (no request, no limits) and returns its
// id: a test's starting data.
func (s *Server) Put(objectType string, props map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.newObject(s.storeOf(canonicalType(objectType)), props, s.Now())
	o.Writes = 0
	return o.ID
}

// Objects returns the live (not archived) objects of a type, by id.
func (s *Server) Objects(objectType string) []Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.types[canonicalType(objectType)]
	if st == nil {
		return nil
	}
	out := make([]Object, 0, len(st.byID))
	for _, o := range st.byID {
		if !o.Archived {
			out = append(out, o.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

// Count returns the number of live objects of a type.
func (s *Server) Count(objectType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.types[canonicalType(objectType)]
	if st == nil {
		return 0
	}
	n := 0
	for _, o := range st.byID {
		if !o.Archived {
			n++
		}
	}
	return n
}

// Object returns the object of a type with record id id, archived or not.
func (s *Server) Object(objectType, id string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.types[canonicalType(objectType)]
	if st == nil || st.byID[id] == nil {
		return Object{}, false
	}
	return st.byID[id].clone(), true
}

// Find returns the live object whose property prop equals value
// (case-insensitive).
func (s *Server) Find(objectType, prop, value string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.types[canonicalType(objectType)]
	if st == nil {
		return Object{}, false
	}
	for _, o := range st.byID {
		if !o.Archived && strings.EqualFold(o.Properties[prop], value) {
			return o.clone(), true
		}
	}
	return Object{}, false
}

// canonicalType maps standard type ids to names.
func canonicalType(t string) string {
	switch t {
	case "0-1":
		return "contacts"
	case "0-2":
		return "companies"
	case "0-3":
		return "deals"
	case "0-5":
		return "tickets"
	case "0-136":
		return "leads"
	}
	return t
}

func (s *Server) storeOf(t string) *store {
	st := s.types[t]
	if st == nil {
		st = &store{byID: map[string]*Object{}, unique: map[string]map[string]string{}}
		for _, p := range s.uniqueProps[t] {
			st.unique[p] = map[string]string{}
		}
		s.types[t] = st
	}
	return st
}

// newObject stores a new object; the caller holds mu.
func (s *Server) newObject(st *store, props map[string]string, now time.Time) *Object {
	s.nextID++
	id := strconv.FormatInt(s.nextID, 10)
	o := &Object{ID: id, Properties: make(map[string]string, len(props)+3), CreatedAt: now, UpdatedAt: now, Writes: 1}
	for k, v := range props {
		o.set(k, v, now)
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	o.set("hs_object_id", id, now)
	o.set("createdate", ts, now)
	o.set("lastmodifieddate", ts, now)
	if s.CountOnly() {
		return o // counted by the caller, never kept
	}
	st.byID[id] = o
	for p, m := range st.unique {
		if v := props[p]; v != "" {
			m[strings.ToLower(v)] = id
		}
	}
	return o
}

// update applies props to o; the caller holds mu.
func (st *store) update(o *Object, props map[string]string, now time.Time) {
	for p, m := range st.unique {
		if v, ok := props[p]; ok {
			if old := o.Properties[p]; old != "" && m[strings.ToLower(old)] == o.ID {
				delete(m, strings.ToLower(old))
			}
			if v != "" {
				m[strings.ToLower(v)] = o.ID
			}
		}
	}
	for k, v := range props {
		o.set(k, v, now)
	}
	o.UpdatedAt = now
	o.set("lastmodifieddate", strconv.FormatInt(now.UnixMilli(), 10), now)
	o.Writes++
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// correlationID makes a per-answer id; the caller holds mu.
func (s *Server) correlationID() string {
	s.seq++
	return fmt.Sprintf("hubspottest-%08d", s.seq)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"status":"error","message":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
