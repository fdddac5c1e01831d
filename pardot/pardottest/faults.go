package pardottest

import (
	"strconv"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// Fault is how the fake answers one request instead of (or after)
// processing it; queue one with FailNext. It is the same type in every
// crmbatch fake, and code outside this module builds one as a literal:
//
//	srv.FailNext(2, pardottest.Fault{Status: 503})                         // refused, nothing written
//	srv.FailNext(1, pardottest.Fault{Status: 429, RetryAfter: time.Second}) // throttled
//	srv.FailNext(1, pardottest.Fault{Drop: true, AfterWrite: true})        // written, the answer lost
//	srv.FailNext(1, pardottest.Fault{Hang: true})                          // no answer until the client gives up
//	srv.FailNext(1, pardottest.Fault{Status: 200, Body: "{"})              // a malformed answer
//
// Its fields: Status, Code (a vendor code written in the vendor's error
// body), Message, RetryAfter, Body (sent verbatim), Delay (a slow answer),
// Drop, Hang and AfterWrite. The constructors below build the vendor's own.
type Fault = fakekit.Fault

// ErrorCode is the fault of a global Pardot failure of that code (for
// example 66, 62, 122, 184), answered with HTTP 200 as Pardot does, the
// batch not applied. Queue it with FailNext.
func ErrorCode(code int) Fault { return fakekit.Fault{Code: strconv.Itoa(code)} }
