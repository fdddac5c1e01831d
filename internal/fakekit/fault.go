package fakekit

import (
	"net/http"
	"time"
)

// Fault is how a fake answers one request instead of (or after)
// processing it. Build one with the constructors below, or a vendor
// fake's own (its busy or session codes), or by hand.
type Fault struct {
	// Status is the HTTP status answered; 0 leaves it to the vendor's
	// rendering of Code (or the normal answer when nothing else is set).
	Status int
	// Code is a vendor code the fake writes in its error body ("109",
	// "184", "RATE_LIMITS" …); a vendor whose codes are numbers refuses
	// any other (see FaultRules).
	Code string
	// Message fills the error body's message; the fake's default suits
	// Status or Code.
	Message string
	// RetryAfter, when > 0, is sent as the Retry-After header.
	RetryAfter time.Duration
	// Body, when set, is sent verbatim with Status (200 when 0): a
	// malformed or hostile body.
	Body string
	// Delay holds the answer back this long (a slow server); on its own
	// the request is then processed normally.
	Delay time.Duration
	// Drop closes the connection without an answer.
	Drop bool
	// Hang holds the request until the client gives up on it.
	Hang bool
	// Variant names one of the fake's own answers that no other field
	// expresses (noojeetest.SummaryWithoutRows); only that fake's
	// constructors set it, and a fake that does not list it in its
	// FaultRules refuses it.
	Variant string
	// AfterWrite processes the request (its writes land) before the fault
	// is applied: the "committed, then failed" case a client must never
	// report as succeeded nor resend blindly.
	AfterWrite bool
}

// Status answers code (429, 500, 502, 503, 504 …) without processing.
func Status(code int) Fault { return Fault{Status: code} }

// RateLimited answers 429 with Retry-After.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// VendorCode answers the vendor's error body with code, under status (0:
// the status the vendor documents for that code).
func VendorCode(status int, code string) Fault { return Fault{Status: status, Code: code} }

// Drop closes the connection before the request is processed.
func Drop() Fault { return Fault{Drop: true} }

// DropAfterWrite processes the request, then closes the connection
// without an answer.
func DropAfterWrite() Fault { return Fault{Drop: true, AfterWrite: true} }

// Hang holds the request, unprocessed, until the client gives up.
func Hang() Fault { return Fault{Hang: true} }

// Slow processes the request normally after holding it back d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Malformed answers 200 with a body that is neither valid JSON nor XML,
// without processing the request.
func Malformed() Fault { return Fault{Status: http.StatusOK, Body: `{"results":[{"id":"1",<`} }

// Answers reports whether the fault answers by itself (a status, a code or
// a body) rather than letting the request be processed normally.
func (f Fault) Answers() bool { return f.Status != 0 || f.Code != "" || f.Body != "" }

// Interrupt applies the transport part of f to the request being served:
// it waits Delay (or until the client gives up), then drops or hangs the
// connection when asked. It returns true when the connection is gone and
// nothing more may be written.
func (f Fault) Interrupt(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Hang:
		<-r.Context().Done()
		return true
	case f.Drop:
		DropConnection(w)
		return true
	}
	return false
}

// DropConnection closes the connection under w without an answer.
func DropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection
	}
	if conn, _, err := hj.Hijack(); err == nil {
		conn.Close()
	}
}

// WriteBody writes a verbatim body with its content type and status (200
// when 0).
func WriteBody(w http.ResponseWriter, status int, contentType, body string) {
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// Serve applies f to the request being served: its delay, drop or hang,
// then — when the fault answers by itself — the Retry-After header and
// either its verbatim Body (with contentType) or the vendor's error body,
// which render writes from f's Status, Code and Message (a vendor whose
// codes are numbers reads Code with CodeNumber). It is the one path by
// which every fake answers a fault. It reports whether the request is answered (or its
// connection gone); a fault that only slows the answer is not, and the
// fake then processes the request as usual.
func (f Fault) Serve(w http.ResponseWriter, r *http.Request, contentType string, render func()) bool {
	if f.Interrupt(w, r) {
		return true
	}
	if !f.Answers() {
		return false
	}
	RetryAfterHeader(w, f.RetryAfter)
	if f.Body != "" {
		WriteBody(w, f.Status, contentType, f.Body)
		return true
	}
	render()
	return true
}
