// Package fakekit is the base every vendor fake (<vendor>/<vendor>test)
// is built on, so that the five fakes share one shape: the same
// constructor pattern, BaseURL, one fault API (FailNext with the shared
// constructors below, plus each vendor's own codes), a clock the test
// controls, and a counting-only mode in which a fake checks every request
// as strictly as ever but keeps no record, so a million-record run stays in
// constant memory.
//
// A fake embeds *Base, serves through Base's httptest server, and in its
// handler takes the next fault with TakeFault (or TakeFaultOn, for a kind
// of request with a queue of its own) and answers it with Fault.Serve:
// Serve applies the transport part (delay, drop, hang), the Retry-After
// header and a verbatim Body, and calls the fake back to render the rest
// (Status, Code, Message) in its vendor's error body. No fake writes that
// plumbing itself.
//
// Codes: one rule in every fake (FaultRules). A vendor whose codes are
// numbers (Pardot, Noojee, Propel) refuses a fault whose Code is not a
// decimal integer when it is queued: FailNext panics, as a test that asks
// for it has a bug; the fake never writes it as code 0 nor answers some
// other status. A vendor whose codes are words (HubSpot, Agiliron) writes
// a Code as given.
//
// Time: a fake reads Now for its timestamps, windows and lifetimes, and
// holds back work it does on its own time (Agiliron's batch processing and
// callbacks) with WaitUntil, so that on a ManualClock (UseManualClock) the
// test moves it with Advance and no test waits on the wall clock. A
// fault's Delay is a slow answer to the client, and runs on the wall
// clock, as the client's own timeouts do.
package fakekit
