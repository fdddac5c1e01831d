package noojeetest

import (
	"net/http"
	"strconv"
	"time"
)

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
	// FaultSummaryWithoutRows applies to a bulk insertLeadsFast call: the
	// leads are imported as usual, but the answer's message stops after its
	// counts line ("Imported N Updated 0 Rejected M leads."), without the
	// "Errors (If any):" rows that name the rejected leads. On any other
	// call it answers normally.
	FaultSummaryWithoutRows
)

// String names the fault.
func (f Fault) String() string {
	names := []string{"none", "busy", "exception", "unavailable", "drop", "drop-after-write", "malformed", "slow", "summary-without-rows"}
	if f >= 0 && int(f) < len(names) {
		return names[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
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
