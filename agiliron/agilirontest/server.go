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
	"context"
	"net/http"
	"net/http/httptest"
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
	countOnly     bool
	counted       int // leads written in count-only mode
}

// SetCountOnly switches the counting-only store on or off: every check
// (auth, shape, required fields, limits) still runs, but written leads are
// only counted (Len), not kept, so memory stays constant however many are
// sent. Updates then succeed without finding the lead.
func (s *Server) SetCountOnly(on bool) { s.mu.Lock(); s.countOnly = on; s.mu.Unlock() }

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
