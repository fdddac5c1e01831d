// Package propeltest is an in-memory fake of Propel's OAuth token endpoint,
// its customer, contact and company bulk endpoints and the customer and
// company bulk addresses endpoints, for tests of code that uses package
// propel. It is as strict as the real API where the API is documented: a
// bearer token from POST /oauth2/token is required and expires, unknown
// keys and wrongly typed values are answered with error 10007 naming the
// item ("#/customers/0: extraneous key [company] is not permitted"), and a
// contact whose parent company does not exist fails while the others are
// saved. Records are upserted on the keys the API uses (source + sourceId
// + language, or id; an address on its code) and can be read back.
//
// Companies follow Propeller's bulk company reference: attributes are
// accepted, and the keys only the integration guide's example sends
// (email, phone, sources) are refused unless AcceptGuideKeys says
// otherwise.
//
// The fake reads requests with its own code; it does not import package
// propel. Faults are queued with FailNext (the fakekit constructors, plus
// ExpireToken and ServerErrorAfterWrite); token lifetimes run on the clock
// set with SetClock. One line points a client at it:
//
//	srv := propeltest.NewServer()
//	defer srv.Close()
//	client, err := propel.New(propel.WithBaseURL(srv.BaseURL()),
//		propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
//
// The API is served both under BaseURL() (URL + "/v2", as Propel serves
// it) and under URL itself, so WithBaseURL(srv.URL) works too.
package propeltest

import (
	"net/http"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
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
// The embedded *fakekit.Base gives URL, Close, FailNext, SetClock and
// SetCountOnly.
type Server struct {
	*fakekit.Base

	mu           sync.Mutex
	clientID     string
	clientSecret string
	ttl          time.Duration
	legacy       bool
	tokens       map[string]time.Time
	maxItems     int
	stores       map[string]*store
	nextID       int64
	stats        Stats
	reqSeq       int
	forbidden    map[string][]string     // resource → keys this server's schema lacks
	guideKeys    bool                    // companies accept email, phone and sources
	books        map[string]*addressBook // resource \x00 owner id → addresses sent to the bulk addresses endpoint
}

// Stats counts what the server received.
type Stats struct {
	// Requests is the number of bulk requests (refused ones included).
	Requests int
	// TokenRequests is the number of token requests.
	TokenRequests int
	// Writes is the number of records written (created or updated),
	// counted in count-only mode too.
	Writes int
}

// NewServer starts a fake accepting ClientID and ClientSecret.
func NewServer() *Server {
	s := &Server{
		clientID: ClientID, clientSecret: ClientSecret, ttl: DefaultTokenTTL,
		tokens: map[string]time.Time{}, nextID: 1000,
		stores: map[string]*store{"customers": newStore(), "contacts": newStore(), "companies": newStore()},
		books:  map[string]*addressBook{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", s.handleToken)
	for _, prefix := range []string{"/v2", ""} {
		mux.HandleFunc("POST "+prefix+"/{resource}/bulk/{lookup}", s.handleBulk)
		mux.HandleFunc("POST "+prefix+"/{resource}/{lookupKey}/{lookupValue}/addresses/bulk", s.handleAddresses)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 10008, "NotFound", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.Base = fakekit.NewBase(mux)
	s.SetFaultRules(fakekit.FaultRules{NumericCodes: true})
	return s
}

// BaseURL is the API base to give propel.WithBaseURL: URL + "/v2", as
// Propel serves it. The token endpoint is URL + "/oauth2/token", where the
// client looks for it.
func (s *Server) BaseURL() string { return s.URL + "/v2" }

// SetCredentials changes the client id and secret the token endpoint accepts.
func (s *Server) SetCredentials(id, secret string) {
	s.mu.Lock()
	s.clientID, s.clientSecret = id, secret
	s.mu.Unlock()
}

// SetTokenTTL sets the lifetime of tokens issued from now on (expires_in
// is rounded up to whole seconds; the server enforces the exact TTL on its
// clock, see SetClock).
func (s *Server) SetTokenTTL(d time.Duration) { fakekit.Set(&s.mu, &s.ttl, d) }

// SetLegacyTokens makes the token endpoint answer in the old form:
// "expires_in" as a string and "token_type":"BearerToken".
func (s *Server) SetLegacyTokens(on bool) { fakekit.Set(&s.mu, &s.legacy, on) }

// ExpireTokens expires every token issued so far: the next bulk request
// with one is answered 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// SetMaxBatch makes a bulk request with more than n records fail with 400
// (code 10017); 0, the default, means no limit (Propel documents none).
func (s *Server) SetMaxBatch(n int) { fakekit.Set(&s.mu, &s.maxItems, n) }

// Stats returns what the server has received so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// AcceptGuideKeys makes the companies endpoints accept (on) or refuse
// (off, the default) the keys that only Propeller's integration guide shows
// in its example (email, phone, and "sources":[{"name","id"}] in place of
// source and sourceId). By default the fake follows the bulk company
// reference, which lists none of them, and refuses each with 10007
// "extraneous key [email] is not permitted".
func (s *Server) AcceptGuideKeys(on bool) { fakekit.Set(&s.mu, &s.guideKeys, on) }

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
