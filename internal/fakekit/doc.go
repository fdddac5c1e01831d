// Package fakekit is the base every vendor fake (<vendor>/<vendor>test)
// is built on, so that the five fakes share one shape: the same
// constructor pattern, BaseURL, one fault API (FailNext with the shared
// constructors below, plus each vendor's own codes), a clock the test
// controls, and a counting-only mode in which a fake checks every request
// as strictly as ever but keeps no record, so a million-record run stays in
// constant memory.
//
// A fake embeds *Base, serves through Base's httptest server, and in its
// handler takes the next fault with TakeFault, lets Interrupt apply the
// transport part of it (delay, drop, hang), and renders the rest (status,
// code, message) in its vendor's error body.
package fakekit
