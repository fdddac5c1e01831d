// Package propeltest is an in-memory fake of Propel's OAuth token endpoint
// and its customer, contact and company bulk endpoints, for tests of code
// that uses package propel. It is as strict as the real API where the API
// is documented: a bearer token from POST /oauth2/token is required and
// expires, unknown keys and wrongly typed values are answered with error
// 10007 naming the item ("#/customers/0: extraneous key [company] is not
// permitted"), and a contact whose parent company does not exist fails
// while the others are saved. Records are upserted on the keys the API
// uses (source + sourceId + language, or id) and can be read back.
//
// Faults are injected per request with FailNext; see Fault.
//
//	srv := propeltest.NewServer()
//	defer srv.Close()
//	client, _ := propel.New(srv.ClientOptions()...)
package propeltest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/propel"
)

// The credentials a new Server accepts (see SetCredentials).
const (
	ClientID     = "propeltest-client"
	ClientSecret = "propeltest-secret"
)

// DefaultTokenTTL is how long a token lasts unless SetTokenTTL says
// otherwise: 30 minutes, as Propel documents.
const DefaultTokenTTL = 30 * time.Minute

// Server is the fake. Its exported methods are safe for concurrent use.
// The embedded *httptest.Server gives URL and Close.
type Server struct {
	*httptest.Server

	mu           sync.Mutex
	clientID     string
	clientSecret string
	ttl          time.Duration
	legacy       bool
	tokens       map[string]time.Time
	faults       []Fault
	slow         time.Duration
	maxItems     int
	stores       map[string]*store
	nextID       int64
	requests     int
	tokenReqs    int
	reqSeq       int
	forbidden    map[string][]string // resource → keys this server's schema lacks
	countOnly    bool
}

// SetCountOnly switches the counting-only store on or off: every check
// (auth, shape, schema, limits) still runs, but records are not kept (each
// write is answered as a create), so memory stays constant however many
// are sent.
func (s *Server) SetCountOnly(on bool) { s.mu.Lock(); s.countOnly = on; s.mu.Unlock() }

// NewServer starts a fake accepting ClientID and ClientSecret.
func NewServer() *Server {
	s := &Server{
		clientID: ClientID, clientSecret: ClientSecret, ttl: DefaultTokenTTL,
		tokens: map[string]time.Time{}, slow: 200 * time.Millisecond, nextID: 1000,
		stores: map[string]*store{"customers": newStore(), "contacts": newStore(), "companies": newStore()},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", s.handleToken)
	mux.HandleFunc("POST /v2/{resource}/bulk/{lookup}", s.handleBulk)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 10008, "NotFound", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the API base to give propel.WithBaseURL: URL + "/v2". The
// token endpoint is URL + "/oauth2/token", where the client looks for it.
func (s *Server) BaseURL() string { return s.URL + "/v2" }

// ClientOptions returns the options that point a propel.Client at this
// server with its credentials.
func (s *Server) ClientOptions() []propel.Option {
	s.mu.Lock()
	id, secret := s.clientID, s.clientSecret
	s.mu.Unlock()
	return []propel.Option{propel.WithBaseURL(s.BaseURL()), propel.WithClientCredentials(id, secret)}
}

// SetCredentials changes the client id and secret the token endpoint accepts.
func (s *Server) SetCredentials(id, secret string) {
	s.mu.Lock()
	s.clientID, s.clientSecret = id, secret
	s.mu.Unlock()
}

// SetTokenTTL sets the lifetime of tokens issued from now on (expires_in
// is rounded up to whole seconds; the server enforces the exact TTL).
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	s.ttl = d
	s.mu.Unlock()
}

// SetLegacyTokens makes the token endpoint answer in the old form:
// "expires_in" as a string and "token_type":"BearerToken".
func (s *Server) SetLegacyTokens(on bool) {
	s.mu.Lock()
	s.legacy = on
	s.mu.Unlock()
}

// ExpireTokens expires every token issued so far: the next bulk request
// with one is answered 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// SetMaxItems makes a bulk request with more than n records fail with 400
// (code 10017); 0, the default, means no limit (Propel documents none).
func (s *Server) SetMaxItems(n int) {
	s.mu.Lock()
	s.maxItems = n
	s.mu.Unlock()
}

// SetSlowDelay sets how long FaultSlow waits (default 200 ms).
func (s *Server) SetSlowDelay(d time.Duration) {
	s.mu.Lock()
	s.slow = d
	s.mu.Unlock()
}

// Requests returns the number of bulk requests received (refused ones included).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// TokenRequests returns the number of token requests received.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// ForbidKey makes the server's schema for resource ("customers",
// "contacts", "companies") lack key, as an older API release would: an
// item carrying it is refused with 10007 "extraneous key [key] is not
// permitted", exactly like the seed's example, naming the item.
func (s *Server) ForbidKey(resource, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden == nil {
		s.forbidden = map[string][]string{}
	}
	s.forbidden[resource] = append(s.forbidden[resource], key)
}
