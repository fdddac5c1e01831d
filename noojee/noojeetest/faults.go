package noojeetest

import (
	"net/http"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Fault is how the fake answers one request instead of (or after)
// processing it; queue one with FailNext. It is the same type in every
// crmbatch fake, and code outside this module builds one as a literal:
//
//	srv.FailNext(2, noojeetest.Fault{Status: 503})                         // refused, nothing written
//	srv.FailNext(1, noojeetest.Fault{Status: 429, RetryAfter: time.Second}) // throttled
//	srv.FailNext(1, noojeetest.Fault{Drop: true, AfterWrite: true})        // written, the answer lost
//	srv.FailNext(1, noojeetest.Fault{Hang: true})                          // no answer until the client gives up
//	srv.FailNext(1, noojeetest.Fault{Status: 200, Body: "{"})              // a malformed answer
//
// Its fields: Status, Code (a vendor code written in the vendor's error
// body), Message, RetryAfter, Body (sent verbatim), Delay (a slow answer),
// Drop, Hang and AfterWrite. The constructors below build the vendor's own.
type Fault = fakekit.Fault

// variantNoRows is the fault variant of SummaryWithoutRows.
const variantNoRows = "summary-without-rows"

// faultRules are the fake's fakekit.FaultRules: Noojee's codes are
// numbers, and SummaryWithoutRows is its own variant.
var faultRules = fakekit.FaultRules{NumericCodes: true, Variants: []string{variantNoRows}}

// Busy answers 109 TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS (HTTP 400) with a
// Retry-After of retryAfter (none when 0); nothing is written.
func Busy(retryAfter time.Duration) Fault {
	f := fakekit.VendorCode(http.StatusBadRequest, "109")
	f.RetryAfter = retryAfter
	return f
}

// Exception answers 103 EXCEPTION (HTTP 500); nothing is written.
func Exception() Fault { return fakekit.VendorCode(http.StatusInternalServerError, "103") }

// SummaryWithoutRows applies to a bulk insertLeadsFast call: the leads are
// imported as usual, but the answer's message stops after its counts line
// ("Imported N Updated 0 Rejected M leads."), without the "Errors (If
// any):" rows that name the rejected leads. On any other call it answers
// normally.
func SummaryWithoutRows() Fault { return fakekit.Fault{Variant: variantNoRows, AfterWrite: true} }

// BusyFor makes every lead call answer 109 until the fake's clock (see
// SetClock) has moved d on: a storm.
func (s *Server) BusyFor(d time.Duration) {
	until := s.Now().Add(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busyUntil = until
}

// SetBusyRetryAfter sets the Retry-After the fake sends with the 109s it
// answers on its own (a storm, its concurrency limit); default none, as
// Noojee documents none. Tests set a tiny one so the client's documented
// wait does not slow them.
func (s *Server) SetBusyRetryAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busyRetryAfter = d
}

// nextFault takes the next injected fault, or Busy during a storm.
func (s *Server) nextFault() (fakekit.Fault, bool) {
	now := s.Now()
	s.mu.Lock()
	storm, wait := now.Before(s.busyUntil), s.busyRetryAfter
	s.mu.Unlock()
	f, ok := s.TakeFault()
	if !ok && storm {
		f, ok = Busy(wait), true
	}
	if ok {
		s.mu.Lock()
		s.stats.Faults++
		s.mu.Unlock()
	}
	return f, ok
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
