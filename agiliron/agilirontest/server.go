// Package agilirontest is an in-memory fake of the Agiliron resources
// package agiliron uses, for tests of code that uses it, in the manner of
// net/http/httptest:
//
//	PUT  Bulk-Leads                 update leads (asynchronous)
//	POST Leads                      add leads (synchronous: "Add Lead")
//	POST/PUT Bulk-Contacts          add/update contacts (asynchronous)
//	POST/PUT Bulk-Accounts          add/update accounts (asynchronous)
//	GET  BatchStatus/{batch_id}     an asynchronous batch's status
//
// as Agiliron's pages document them; POST Bulk-Leads, which no page
// documents, answers 405. The API is served under /agiliron/api-40.php/
// (Prefix, the prose pages' form) and /agiliron/api-40/ (WADLPrefix).
//
// The fake checks the API key (apiKey header or key query parameter) and
// the request's shape, reading it with its own parser (never package
// agiliron's), and stores records so a test can read them back. A Bulk-*
// request is answered with the MCM acknowledgement and a batch id; the
// batch is processed in the background, then the request's callback_url
// is called (PUT, in the request's format) and BatchStatus/{batch_id}
// serves the result. POST Leads is answered at once with the MCM
// envelope: status "Success" and the new lead ids in
// success_message.lead_id when every lead is valid (all are added), else
// status "Error" with the first lead's failure in error_message (none is
// added). Agiliron's Add Lead page shows no sample answer in the copy this
// fake was built from: the shape follows the MCM envelope of the bulk
// acknowledgement and the field Pipedream's Agiliron client reads
// (success_message.lead_id).
//
// Faults come from fakekit: FailNext(n, fakekit.Status(503)) and the other
// shared constructors apply to the next n write requests (a fault with
// AfterWrite lets the records land first; fakekit.VendorCode(0, "Error")
// answers an MCM refusal with that status word, written as given, as
// Agiliron's codes are words); FailStatusNext, fakekit's queue of its own
// for BatchStatus, to the next BatchStatus requests. FailCallbacks changes
// how the next batches call back. Everything the fake does in time runs on
// its clock (SetClock, UseManualClock): BatchStatus times and syncTime
// read it, and a batch's processing delay (SetProcessingDelay) and a
// delayed callback (SetCallbackDelay) wait on it, so a test on a
// ManualClock moves them with Advance. SetCountOnly keeps no record.
//
//	srv := agilirontest.NewServer()
//	defer srv.Close()
//	c, _ := agiliron.New(agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey))
package agilirontest

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// APIKey is the key a new Server accepts.
const APIKey = "agiliron-test-key-0123456789"

// Prefix is the path of the API under the server's URL, as in
// https://{company}.agiliron.net/agiliron/api-40.php/ (the form of
// Agiliron's prose pages, and package agiliron's default).
const Prefix = "/agiliron/api-40.php/"

// WADLPrefix is the other path form, as the WADL on Agiliron's Update Bulk
// Leads page writes it; the fake serves it too.
const WADLPrefix = "/agiliron/api-40/"

// Messages the fake gives for failed records (the first is Agiliron's
// own, from update-bulk-leads; the others are composed in its style).
const (
	MsgLastNameBlank        = "Lead Last Name cannot be blank"
	MsgCompanyBlank         = "Lead Company cannot be blank"
	MsgNoSuchLead           = "Lead does not exist"
	MsgLeadIDOnAdd          = "LeadId must not be given for a new lead"
	MsgContactLastNameBlank = "Contact Last Name cannot be blank"
	MsgNoSuchContact        = "Contact does not exist"
	MsgContactIDOnAdd       = "ContactId must not be given for a new contact"
	MsgAccountNameBlank     = "Account Name cannot be blank"
	MsgNoSuchAccount        = "Account does not exist"
	MsgAccountIDOnAdd       = "AccountID must not be given for a new account"
)

// DefaultMaxBatch is the most records one request may carry unless
// SetMaxBatch says otherwise.
const DefaultMaxBatch = 5000

// Callback is how a batch calls back, set with FailCallbacks.
type Callback uint8

// The callback behaviours besides the normal one (one call once the batch
// is processed).
const (
	// CallbackDelayed calls back after the delay set with
	// SetCallbackDelay (BatchStatus is completed on time).
	CallbackDelayed Callback = iota + 1
	// CallbackTwice calls back twice.
	CallbackTwice
	// CallbackNever never calls back: only BatchStatus tells.
	CallbackNever
)

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Base

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
	callbacks     []Callback
	tables        map[Resource]*table
	nextID        int
	batches       map[string]*fakeBatch
	nextBatch     int
	stats         Stats
}

// NewServer starts a fake that accepts APIKey.
func NewServer() *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ctx: ctx, cancel: cancel,
		hc:     &http.Client{Timeout: 10 * time.Second},
		apiKey: APIKey, maxBatch: DefaultMaxBatch, nextID: 1000,
		tables:  map[Resource]*table{Leads: newTable(kinds[Leads]), Contacts: newTable(kinds[Contacts]), Accounts: newTable(kinds[Accounts])},
		batches: make(map[string]*fakeBatch),
	}
	s.Base = fakekit.NewBase(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server and waits for background work (processing and
// callbacks, which are abandoned).
func (s *Server) Close() {
	s.cancel()
	s.Base.Close()
	s.wg.Wait()
	s.hc.CloseIdleConnections()
}

// BaseURL is the URL to give agiliron.WithBaseURL: URL + Prefix.
func (s *Server) BaseURL() string { return s.URL + Prefix }

// SetAPIKey changes the accepted key.
func (s *Server) SetAPIKey(k string) { s.mu.Lock(); s.apiKey = k; s.mu.Unlock() }

// SetMaxBatch sets the most records one request may carry (400 beyond).
func (s *Server) SetMaxBatch(n int) { s.mu.Lock(); s.maxBatch = n; s.mu.Unlock() }

// SetProcessingDelay sets how long a batch stays "Processing", on the
// fake's clock, before its records are written and its result is ready
// (default 0). It applies to batches queued from then on.
func (s *Server) SetProcessingDelay(d time.Duration) { s.mu.Lock(); s.procDelay = d; s.mu.Unlock() }

// SetOmitRecordNumbers makes results leave out Record numbers even when
// the request asked for them (sendRecordNo=true), so that clients must
// match results by id or name.
func (s *Server) SetOmitRecordNumbers(omit bool) { s.mu.Lock(); s.noRecords = omit; s.mu.Unlock() }

// SetCallbackDelay sets the extra delay, on the fake's clock, of a
// CallbackDelayed callback after its batch completes.
func (s *Server) SetCallbackDelay(d time.Duration) { s.mu.Lock(); s.callbackDelay = d; s.mu.Unlock() }

// FailCallbacks makes the next n batches queued with a callback_url call
// back as cb says, after any already set.
func (s *Server) FailCallbacks(n int, cb Callback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.callbacks = append(s.callbacks, cb)
	}
}

// statusQueue names the fakekit fault queue of BatchStatus requests.
const statusQueue = "BatchStatus"

// FailStatusNext makes the next n BatchStatus requests answer with f (a
// status, a drop, a slow answer …), after any already queued. It is
// fakekit's FailNextOn with the BatchStatus queue: the same faults, rules
// and Serve path as FailNext, on a queue of its own because a client's
// polls interleave with its writes in no fixed order, so a test could not
// aim one queue's faults at polls alone. FailNext's faults apply to write
// requests only, so that a test can fail the polls of a run without
// touching its writes, and the other way round.
func (s *Server) FailStatusNext(n int, f Fault) { s.FailNextOn(statusQueue, n, f) }

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
