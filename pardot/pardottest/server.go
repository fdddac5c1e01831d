// Package pardottest is an in-memory fake of Pardot's prospect batch
// endpoints (API versions 3 and 4, JSON and XML both ways) and its legacy
// login, for tests. Like net/http/httptest it serves on a local port:
//
//	srv := pardottest.NewServer()
//	defer srv.Close()
//	app := clientcredentials.Config{ClientID: pardottest.ClientID,
//		ClientSecret: pardottest.ClientSecret, TokenURL: srv.TokenURL()}
//	c, _ := pardot.New(pardot.WithBaseURL(srv.BaseURL()),
//		pardot.WithTokenFunc(app.Token, pardottest.BusinessUnitID))
//
// It also serves Salesforce's token endpoint for the client credentials
// flow (POST /services/oauth2/token, TokenURL), answering as Salesforce
// does with no expires_in, so a client built with
// pardot.WithTokenFunc(cfg.Token, pardottest.BusinessUnitID) runs
// against it as against the real pair.
//
// It checks auth and request shape as strictly as the real API (POST, a
// form body with prospects and format, credentials only in the
// Authorization header, the version's batch shape), stores prospects by
// id, email and fid so a test can read them back, enforces the limits (50
// prospects: code 70; 5 requests in flight: code 66; a daily call budget:
// code 122; the account's API version: 88/89; expiring api keys: code 1;
// an access token whose session ended, or one it never issued: code 184)
// and injects faults: FailNext (from fakekit.Base) with the shared
// constructors (fakekit.Status, RateLimited, Drop, DropAfterWrite, Hang,
// Slow, Malformed) or ErrorCode for a Pardot code, and FailProspect or
// RejectBatchWith for one prospect. FailNext's faults apply to batch
// requests and to Import API requests alike, one fault per request in the
// order they arrive (not to the login or token endpoints); a Code must be
// a Pardot code number (FailNext panics on any other, see
// fakekit.FaultRules). The daily call budget counts batch and Import API
// requests; the concurrency limit applies to batch requests only. Api
// key lifetimes read the fake's clock (SetClock). SetCountOnly keeps no prospect, only the
// counts. It also serves the Import API v5 (/api/v5/imports: create with
// the first batch file, add batches, submit, status, errors file; see
// import.go), with the documented limits and states on the fake's clock.
// It is safe for concurrent use.
package pardottest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Credentials the server accepts.
const (
	// Email, Password and UserKey are the legacy login's credentials.
	Email    = "api.user@example.com"
	Password = "fake-password-1"
	UserKey  = "0123456789abcdef0123456789abcdef"
	// AccessToken and BusinessUnitID are the Salesforce OAuth credentials:
	// AccessToken is valid until ExpireSessions.
	AccessToken    = "00Dfake!access.token"
	BusinessUnitID = "0Uv000000000001AAA"
	// ClientID and ClientSecret are the connected app's credentials the
	// token endpoint takes.
	ClientID     = "3MVGfake.connected.app"
	ClientSecret = "fake-client-secret-0123456789"
)

// Prospect is a stored prospect.
type Prospect struct {
	// ID is the prospect id, assigned by the server on create.
	ID int64
	// FID is the CRM id, set by a version 4 request or Add.
	FID string
	// Email is the address as last written.
	Email string
	// Fields holds every other field as last written, by API name.
	Fields map[string]string
	// Writes counts the batch writes applied to it (1 after its create).
	Writes int
	// Archived prospects refuse updates (code 132).
	Archived bool
}

// Stats counts what the server saw.
type Stats struct {
	// Requests counts batch requests, BatchProspects the prospects in the
	// ones that were applied.
	Requests, BatchProspects int
	// Logins counts successful legacy logins.
	Logins int
	// TokensIssued counts access tokens the token endpoint handed out.
	TokensIssued int
	// Rejected counts requests refused for concurrency (code 66).
	Rejected int
	// MaxInFlight is the most batch requests seen at once.
	MaxInFlight int
	// Faults counts injected faults.
	Faults int
	// Created counts prospects created (in count-only mode too).
	Created int
}

// Server is the fake. Its exported methods are safe for concurrent use.
type Server struct {
	*fakekit.Base

	inFlight atomic.Int64

	mu         sync.Mutex
	version    int
	limit      int
	batchLimit int
	daily      int
	calls      int
	keyTTL     time.Duration
	apiKey     string
	keyExpiry  time.Time
	tokens     map[string]bool // access tokens whose session is live
	retired    bool            // the legacy login refuses everyone (code 15)
	recFaults  map[string]*recordFault
	rejects    map[string]int
	byID       map[int64]*Prospect
	byEmail    map[string][]int64
	byFID      map[string]int64
	nextID     int64
	stats      Stats

	imports         map[int64]*fakeImport // Import API v5 (import.go)
	nextImport      int64
	impWaiting      time.Duration
	impProcessing   time.Duration
	impDailyBatches int
	impBatchesToday int
	customFields    map[string]bool
	impRowFaults    map[string]string
	impStats        ImportStats
}

type recordFault struct {
	code, times int
}

// NewServer starts a fake that accepts both API versions, both auth kinds
// (Salesforce OAuth, and the legacy login of an account that still has
// it: see RetireLegacyLogin), at most 5 requests in flight and 50
// prospects per batch, with api keys valid for an hour. Close it when done.
func NewServer() *Server {
	s := &Server{
		limit:      5,
		batchLimit: 50,
		keyTTL:     time.Hour,
		recFaults:  map[string]*recordFault{},
		rejects:    map[string]int{},
		byID:       map[int64]*Prospect{},
		byEmail:    map[string][]int64{},
		byFID:      map[string]int64{},
		nextID:     1000,
		tokens:     map[string]bool{AccessToken: true},

		imports:         map[int64]*fakeImport{},
		nextImport:      100,
		impDailyBatches: ImportDailyBatches,
		customFields:    map[string]bool{},
		impRowFaults:    map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/login/version/{v}", s.handleLogin)
	mux.HandleFunc("/api/prospect/version/{v}/do/{op}", s.handleBatch)
	mux.HandleFunc("/services/oauth2/token", s.handleToken)
	mux.HandleFunc("/api/v5/imports", s.handleImports)
	mux.HandleFunc("/api/v5/imports/{id}", s.handleImport)
	mux.HandleFunc("/api/v5/imports/{id}/batches", s.handleImportBatches)
	mux.HandleFunc("/api/v5/imports/{id}/errors", s.handleImportErrors)
	s.Base = fakekit.NewBase(mux)
	s.SetFaultRules(fakekit.FaultRules{NumericCodes: true})
	return s
}

// SetVersion makes the account require API version v: 4 answers version 3
// calls with code 88, 3 answers version 4 calls with code 89; 0 (the
// default) accepts both. The login response reports it.
func (s *Server) SetVersion(v int) { fakekit.Set(&s.mu, &s.version, v) }

// SetConcurrencyLimit sets how many batch requests may be in flight before
// code 66 (default 5; 0 or less: unlimited).
func (s *Server) SetConcurrencyLimit(k int) { fakekit.Set(&s.mu, &s.limit, k) }

// SetDailyLimit allows n more batch requests before code 122 (0: unlimited).
func (s *Server) SetDailyLimit(n int) {
	s.mu.Lock()
	s.daily, s.calls = n, 0
	s.mu.Unlock()
}

// SetAPIKeyTTL sets how long a legacy api_key stays valid (default 1 h).
func (s *Server) SetAPIKeyTTL(d time.Duration) { fakekit.Set(&s.mu, &s.keyTTL, d) }

// ExpireAPIKeys invalidates the current api_key: the next request using it
// gets code 1 and a new login gets a new key.
func (s *Server) ExpireAPIKeys() {
	s.mu.Lock()
	s.apiKey = ""
	s.mu.Unlock()
}

// ExpireSessions ends the session of every access token issued so far,
// AccessToken included, as Salesforce's session timeout or a revocation
// does: a batch request carrying one gets code 184. Tokens issued later
// are valid.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// RetireLegacyLogin makes POST /api/login refuse the legacy credentials
// with code 15 ("Login failed"), as Pardot does for a user who must sign
// in through Salesforce since Pardot's own login was retired on
// 2021-02-15 (Salesforce help article 000381447). Api keys already handed
// out stay valid until they expire.
func (s *Server) RetireLegacyLogin() {
	s.mu.Lock()
	s.retired = true
	s.mu.Unlock()
}

// TokenURL is the token endpoint's URL, for clientcredentials.Config.
func (s *Server) TokenURL() string { return s.URL + "/services/oauth2/token" }

// FailProspect makes the next times writes of the prospect with this
// identifier (email, id or fid, as written in the request) fail with code
// (for example 62, which is retryable, or 85), reported in the errors map.
func (s *Server) FailProspect(identifier string, code, times int) {
	s.mu.Lock()
	s.recFaults[strings.ToLower(identifier)] = &recordFault{code: code, times: times}
	s.mu.Unlock()
}

// RejectBatchWith makes every batch request that carries the prospect with
// this identifier (email, id or fid, as written in the request) fail as a
// whole with the global code, nothing applied, as Pardot does when one
// prospect's content spoils the document: for example 71 (not valid JSON
// or XML), 72 or 10000 (a parameter error). Code 0 removes the rule.
func (s *Server) RejectBatchWith(identifier string, code int) {
	s.mu.Lock()
	if code == 0 {
		delete(s.rejects, strings.ToLower(identifier))
	} else {
		s.rejects[strings.ToLower(identifier)] = code
	}
	s.mu.Unlock()
}

// SetMaxBatch sets the most prospects one batch request may carry before
// code 70 (default 50, Pardot's limit).
func (s *Server) SetMaxBatch(n int) { fakekit.Set(&s.mu, &s.batchLimit, n) }

// Add stores p as an existing prospect (ID assigned when 0) and returns it.
func (s *Server) Add(p Prospect) Prospect {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.ID == 0 {
		s.nextID++
		p.ID = s.nextID
	} else if p.ID > s.nextID {
		s.nextID = p.ID
	}
	cp := p
	cp.Fields = copyFields(p.Fields)
	s.store(&cp)
	return cp
}

// Archive marks a stored prospect archived; updates then fail with 132.
func (s *Server) Archive(id int64) {
	s.mu.Lock()
	if p := s.byID[id]; p != nil {
		p.Archived = true
	}
	s.mu.Unlock()
}

// Prospects returns copies of every stored prospect, by id.
func (s *Server) Prospects() []Prospect {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Prospect, 0, len(s.byID))
	for _, p := range s.byID {
		cp := *p
		cp.Fields = copyFields(p.Fields)
		out = append(out, cp)
	}
	slices.SortFunc(out, func(a, b Prospect) int { return int(a.ID - b.ID) })
	return out
}

// ByEmail returns copies of the prospects with this email
// (case-insensitive), by id.
func (s *Server) ByEmail(email string) []Prospect {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Prospect
	for _, id := range s.byEmail[strings.ToLower(email)] {
		cp := *s.byID[id]
		cp.Fields = copyFields(cp.Fields)
		out = append(out, cp)
	}
	return out
}

// Get returns a copy of the prospect with this id.
func (s *Server) Get(id int64) (Prospect, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[id]
	if !ok {
		return Prospect{}, false
	}
	cp := *p
	cp.Fields = copyFields(p.Fields)
	return cp, true
}

// Len returns the number of stored prospects.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func copyFields(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// store indexes p (mu held).
func (s *Server) store(p *Prospect) {
	s.byID[p.ID] = p
	if p.Email != "" {
		k := strings.ToLower(p.Email)
		s.byEmail[k] = append(s.byEmail[k], p.ID)
	}
	if p.FID != "" {
		s.byFID[p.FID] = p.ID
	}
}

// setEmail moves p to a new email in the index (mu held).
func (s *Server) setEmail(p *Prospect, email string) {
	if strings.EqualFold(p.Email, email) {
		p.Email = email
		return
	}
	if p.Email != "" {
		k := strings.ToLower(p.Email)
		s.byEmail[k] = slices.DeleteFunc(s.byEmail[k], func(id int64) bool { return id == p.ID })
		if len(s.byEmail[k]) == 0 {
			delete(s.byEmail, k)
		}
	}
	p.Email = email
	k := strings.ToLower(email)
	s.byEmail[k] = append(s.byEmail[k], p.ID)
}

// newAPIKey returns the current api key, making a new one when it expired
// (mu held).
func (s *Server) newAPIKey() string {
	if now := s.Now(); s.apiKey == "" || now.After(s.keyExpiry) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		s.apiKey = hex.EncodeToString(b[:])
		s.keyExpiry = now.Add(s.keyTTL)
	}
	return s.apiKey
}

// validKey reports whether k is the current, unexpired api key (mu held).
func (s *Server) validKey(k string) bool {
	return k != "" && k == s.apiKey && s.Now().Before(s.keyExpiry)
}

func itoa(n int) string { return strconv.Itoa(n) }
