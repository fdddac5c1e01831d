package propeltest

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

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

// strike injects fault f into the request; it reports whether it answered
// (or dropped) the request, so that nothing more is to be written.
func (s *Server) strike(w http.ResponseWriter, r *http.Request, f Fault, tok string, slow time.Duration) bool {
	switch f {
	case FaultExpireToken:
		s.mu.Lock()
		delete(s.tokens, tok)
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, 0, "InvalidToken", "access token expired")
	case FaultServerError, FaultServerErrorAfterWrite:
		writeError(w, http.StatusInternalServerError, 0, "InternalServerError", "internal server error")
	case FaultBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	case FaultUnavailable:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusServiceUnavailable, 0, "ServiceUnavailable", "try again later")
	case FaultDrop, FaultDropAfterWrite:
		drop(w)
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[{"action":"upd`)
	case FaultSlow:
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
		}
		return false
	default:
		return false
	}
	return true
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}
