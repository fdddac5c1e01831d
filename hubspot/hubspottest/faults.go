package hubspottest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is how the fake answers one request instead of (or after)
// processing it. Build one with the helpers below or by hand.
type Fault struct {
	// Status is the HTTP status answered (e.g. 429, 423, 477, 500, 502).
	Status int
	// Category and Message fill the error body; defaults suit Status.
	Category, Message string
	// PolicyName goes in a 429 body (TEN_SECONDLY_ROLLING, SECONDLY, DAILY).
	PolicyName string
	// RetryAfter, when > 0, is sent as Retry-After (fractional seconds).
	RetryAfter time.Duration
	// Body, when set, is sent verbatim instead of an error body (use it for
	// malformed JSON).
	Body string
	// Delay holds the answer back this long (a slow server).
	Delay time.Duration
	// Drop closes the connection without any answer.
	Drop bool
	// AfterWrite processes the request — its writes land — before
	// answering with Status or dropping the connection: the "committed,
	// then failed" case a client must not resend blindly.
	AfterWrite bool
}

// RateLimited is a burst 429 (TEN_SECONDLY_ROLLING) asking for retryAfter.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, PolicyName: "TEN_SECONDLY_ROLLING", RetryAfter: retryAfter}
}

// DailyLimit is a 429 for the spent daily quota (policyName DAILY).
func DailyLimit() Fault {
	return Fault{Status: http.StatusTooManyRequests, PolicyName: "DAILY",
		Message: "You have reached your daily limit."}
}

// Locked is a 423 Locked (too many writes too fast).
func Locked() Fault { return Fault{Status: http.StatusLocked} }

// Migration is a 477 Migration in Progress asking for retryAfter.
func Migration(retryAfter time.Duration) Fault { return Fault{Status: 477, RetryAfter: retryAfter} }

// ServerError answers status (500, 502, 503, 504) without processing.
func ServerError(status int) Fault { return Fault{Status: status} }

// Slow processes the request normally after holding it back d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// DropConnection closes the connection without an answer and without
// processing the request.
func DropConnection() Fault { return Fault{Drop: true} }

// MalformedJSON answers 200 with a truncated JSON body, without
// processing the request.
func MalformedJSON() Fault {
	return Fault{Status: http.StatusOK, Body: `{"status":"COMPLETE","results":[{"id":"1","properties":`}
}

// FailNext makes the next n requests (after the token check) answer with
// f, in order after faults already queued.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// ClearFaults drops every queued fault and the FailInputs hook.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults, s.inputErr = nil, nil
	s.mu.Unlock()
}

// Input is one input of a write request as the FailInputs hook sees it.
type Input struct {
	// Op is "create", "update" or "upsert".
	Op         string
	ObjectType string
	ID         string
	IDProperty string
	TraceID    string
	Properties map[string]string
}

// InputError is a per-input error the FailInputs hook chooses; it is
// answered in a 207's errors[] (or fails an all-or-nothing request).
type InputError struct {
	// Category, e.g. VALIDATION_ERROR, CONFLICT, OBJECT_NOT_FOUND, RATE_LIMITS.
	Category string
	Message  string
	// Code and In fill one nested errors[] detail when Code is set.
	Code, In string
}

// FailInputs sets a hook asked about every write input; a non-nil answer
// fails that input (nothing of it is written). nil removes the hook. The
// hook runs with the server locked: it must not call the Server.
func (s *Server) FailInputs(fn func(Input) *InputError) {
	s.mu.Lock()
	s.inputErr = fn
	s.mu.Unlock()
}

// nextFault pops the next queued fault; the caller holds mu.
func (s *Server) nextFault() (Fault, bool) {
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	s.stats.Faults++
	return f, true
}

// writeFault answers with f's status and body.
func (s *Server) writeFault(w http.ResponseWriter, f Fault, corr string) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", formatSeconds(f.RetryAfter))
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	if f.Status == http.StatusTooManyRequests {
		policy := f.PolicyName
		if policy == "" {
			policy = "TEN_SECONDLY_ROLLING"
		}
		msg := f.Message
		if msg == "" {
			msg = "You have reached your " + lower(policy) + " limit."
		}
		writeJSON(w, f.Status, rateLimitBody{Status: "error", Message: msg, ErrorType: "RATE_LIMIT",
			CorrelationID: corr, PolicyName: policy, GroupName: "hubspottest"})
		return
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(f.Status)
		if f.Status == 477 {
			msg = "Migration in progress"
		}
		if msg == "" {
			msg = "injected fault"
		}
	}
	writeJSON(w, f.Status, errorBody{Status: "error", Message: msg, CorrelationID: corr, Category: f.Category})
}

// formatSeconds writes d as Retry-After seconds, fractional below a second.
func formatSeconds(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
