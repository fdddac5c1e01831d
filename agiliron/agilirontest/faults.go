package agilirontest

import "github.com/crmbatch/crmbatch/internal/fakekit"

// Fault is how the fake answers one request instead of (or after)
// processing it; queue one with FailNext. It is the same type in every
// crmbatch fake, and code outside this module builds one as a literal:
//
//	srv.FailNext(2, agilirontest.Fault{Status: 503})                         // refused, nothing written
//	srv.FailNext(1, agilirontest.Fault{Status: 429, RetryAfter: time.Second}) // throttled
//	srv.FailNext(1, agilirontest.Fault{Drop: true, AfterWrite: true})        // written, the answer lost
//	srv.FailNext(1, agilirontest.Fault{Hang: true})                          // no answer until the client gives up
//	srv.FailNext(1, agilirontest.Fault{Status: 200, Body: "{"})              // a malformed answer
//
// Its fields: Status, Code (a vendor code written in the vendor's error
// body), Message, RetryAfter, Body (sent verbatim), Delay (a slow answer),
// Drop, Hang and AfterWrite. FailStatusNext queues faults for BatchStatus polls.
type Fault = fakekit.Fault
