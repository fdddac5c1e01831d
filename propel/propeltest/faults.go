package propeltest

import (
	"net/http"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Fault is how the fake answers one request instead of (or after)
// processing it; queue one with FailNext. It is the same type in every
// crmbatch fake, and code outside this module builds one as a literal:
//
//	srv.FailNext(2, propeltest.Fault{Status: 503})                         // refused, nothing written
//	srv.FailNext(1, propeltest.Fault{Status: 429, RetryAfter: time.Second}) // throttled
//	srv.FailNext(1, propeltest.Fault{Drop: true, AfterWrite: true})        // written, the answer lost
//	srv.FailNext(1, propeltest.Fault{Hang: true})                          // no answer until the client gives up
//	srv.FailNext(1, propeltest.Fault{Status: 200, Body: "{"})              // a malformed answer
//
// Its fields: Status, Code (a vendor code written in the vendor's error
// body), Message, RetryAfter, Body (sent verbatim), Delay (a slow answer),
// Drop, Hang and AfterWrite. The constructors below build the vendor's own.
type Fault = fakekit.Fault

// Faults are queued with FailNext and strike the next bulk requests that
// pass the token check, one each. A Code must be a Propel error code
// number: FailNext panics on any other (see fakekit.FaultRules). Besides the shared constructors
// (fakekit.Status, RateLimited, VendorCode, Drop, DropAfterWrite, Hang,
// Slow, Malformed), Propel's fake has ExpireToken and
// ServerErrorAfterWrite. A fault that answers with status 200 and a body
// (fakekit.Malformed) strikes after the records are saved, as does one
// marked AfterWrite; every other fault strikes before anything is written.

// ExpireToken expires the request's token and answers 401, as when a
// token runs out mid-run. Nothing written.
func ExpireToken() Fault {
	return fakekit.Fault{Status: http.StatusUnauthorized, Message: "access token expired"}
}

// ServerErrorAfterWrite saves the records, then answers 500.
func ServerErrorAfterWrite() Fault {
	return fakekit.Fault{Status: http.StatusInternalServerError, AfterWrite: true}
}

// afterWrite reports whether f strikes after the records are saved.
func afterWrite(f fakekit.Fault) bool {
	return f.AfterWrite || f.Status == http.StatusOK && f.Body != ""
}

// strike injects fault f into the request through fakekit's Serve; it
// reports whether it answered (or dropped) the request, so that nothing
// more is to be written. A fault's Code is Propel's error code (a number,
// FailNext refuses any other; see fakekit.FaultRules), written under the
// fault's status (400 when it names none) with the status text as type;
// a 401 expires the request's token and is typed InvalidToken, as
// Propel's own.
func (s *Server) strike(w http.ResponseWriter, r *http.Request, f fakekit.Fault, tok string) bool {
	if f.Delay > 0 && !f.Drop && !f.Hang && !f.Answers() {
		f.Interrupt(w, r) // slow: the records are written even if the client gave up meanwhile
		return false
	}
	if f.Status == http.StatusUnauthorized && !f.Drop && !f.Hang {
		s.mu.Lock()
		delete(s.tokens, tok)
		s.mu.Unlock()
	}
	return f.Serve(w, r, "application/json", func() {
		status, code := f.Status, fakekit.CodeNumber(f.Code)
		if status == 0 {
			status = http.StatusBadRequest
		}
		typ, msg := http.StatusText(status), f.Message
		if status == http.StatusUnauthorized && code == 0 {
			typ = "InvalidToken"
		}
		if msg == "" {
			msg = http.StatusText(status)
		}
		writeError(w, status, code, typ, msg)
	})
}
