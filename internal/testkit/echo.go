package testkit

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Echo returns a handler that reads each request and hands answer a text
// quoting all of it: the method, the path and query, every header and the
// body. A vendor's test writes that text into the vendor's error shape, to
// check that no secret the request carried comes back out of an error or
// a log line.
func Echo(answer func(w http.ResponseWriter, r *http.Request, quoted string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(w, r, Quote(r))
	})
}

// Quote returns the method, the path and query, the headers (sorted,
// "Name: v1, v2; ") and the body of r as one text. It puts the body back,
// for the handler to read again.
func Quote(r *http.Request) string {
	body, _ := PeekBody(r)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s?%s ", r.Method, r.URL.Path, r.URL.RawQuery)
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		fmt.Fprintf(&b, "%s: %s; ", k, strings.Join(r.Header[k], ", "))
	}
	b.Write(body)
	return b.String()
}

// Serve starts h on a loopback server, closed when the test ends, and
// returns the server's URL.
func Serve(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
