package propeltest

import "strconv"

// Fault is a failure the server injects into one bulk request (after the
// token check). Queue them with FailNext.
type Fault int

// The faults. "Nothing written" means the request's records were not saved;
// "after writing" means they were, and only the answer is lost or wrong —
// the case that proves a replay does not create a record twice.
const (
	// FaultNone answers normally.
	FaultNone Fault = iota
	// FaultExpireToken expires the request's token and answers 401, as when
	// a token runs out mid-run. Nothing written.
	FaultExpireToken
	// FaultServerError answers 500 with the error envelope. Nothing written.
	FaultServerError
	// FaultBadGateway answers 502 with an HTML body. Nothing written.
	FaultBadGateway
	// FaultUnavailable answers 503 with Retry-After: 0. Nothing written.
	FaultUnavailable
	// FaultDrop closes the connection without answering. Nothing written.
	FaultDrop
	// FaultSlow waits SetSlowDelay before handling the request normally
	// (a client that gave up meanwhile still had its records written).
	FaultSlow
	// FaultServerErrorAfterWrite saves the records, then answers 500.
	FaultServerErrorAfterWrite
	// FaultDropAfterWrite saves the records, then closes the connection.
	FaultDropAfterWrite
	// FaultMalformedJSON saves the records, then answers 200 with a
	// truncated JSON body.
	FaultMalformedJSON
)

// afterWrite reports whether f strikes after the records are saved.
func (f Fault) afterWrite() bool {
	return f == FaultServerErrorAfterWrite || f == FaultDropAfterWrite || f == FaultMalformedJSON
}

// FailNext queues fault f for the next n bulk requests that pass the token
// check (after any faults already queued).
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// PendingFaults returns how many queued faults have not yet been used.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

var faultNames = [...]string{"none", "expire-token", "server-error", "bad-gateway", "unavailable", "drop",
	"slow", "server-error-after-write", "drop-after-write", "malformed-json"}

// String names the fault.
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}
