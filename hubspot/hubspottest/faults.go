package hubspottest

import (
	"net/http"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Fault is how the fake answers one request instead of (or after)
// processing it; queue one with FailNext. It is the same type in every
// crmbatch fake, and code outside this module builds one as a literal:
//
//	srv.FailNext(2, hubspottest.Fault{Status: 503})                         // refused, nothing written
//	srv.FailNext(1, hubspottest.Fault{Status: 429, RetryAfter: time.Second}) // throttled
//	srv.FailNext(1, hubspottest.Fault{Drop: true, AfterWrite: true})        // written, the answer lost
//	srv.FailNext(1, hubspottest.Fault{Hang: true})                          // no answer until the client gives up
//	srv.FailNext(1, hubspottest.Fault{Status: 200, Body: "{"})              // a malformed answer
//
// Its fields: Status, Code (a vendor code written in the vendor's error
// body), Message, RetryAfter, Body (sent verbatim), Delay (a slow answer),
// Drop, Hang and AfterWrite. The constructors below build the vendor's own.
type Fault = fakekit.Fault

// DailyLimit is a 429 for the spent daily quota (policyName DAILY, no
// Retry-After).
func DailyLimit() Fault {
	return fakekit.Fault{Status: http.StatusTooManyRequests, Code: "DAILY", Message: "You have reached your daily limit."}
}

// Locked is a 423 Locked (too many writes to the same records too fast).
func Locked() Fault { return fakekit.Status(http.StatusLocked) }

// Migration is a 477 Migration in Progress asking for retryAfter.
func Migration(retryAfter time.Duration) Fault {
	return fakekit.Fault{Status: statusMigration, RetryAfter: retryAfter}
}

// statusMigration is HubSpot's 477.
const statusMigration = 477

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

// answerFault applies a queued fault to the request being served: its
// delay, drop or hang, then its answer. It reports whether the request is
// answered (or gone); a fault that only slows the answer is not.
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f fakekit.Fault, corr string) bool {
	return f.Serve(w, r, "application/json;charset=utf-8", func() {
		if f.Status == http.StatusTooManyRequests {
			policy := f.Code
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
		status := f.Status
		if status == 0 {
			status = http.StatusBadRequest // a category alone: a request refused
		}
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(status)
			if status == statusMigration {
				msg = "Migration in progress"
			}
			if msg == "" {
				msg = "injected fault"
			}
		}
		writeJSON(w, status, errorBody{Status: "error", Message: msg, CorrelationID: corr, Category: f.Code})
	})
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
