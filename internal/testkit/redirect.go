package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Trap is a server on another host that records every request it gets.
// Point a redirect at it (RedirectTo) and check that nothing arrives.
type Trap struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // method, URL, headers and body of each request
}

// NewTrap starts a trap, closed when the test ends.
func NewTrap(t testing.TB) *Trap {
	tr := &Trap{}
	tr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		tr.mu.Lock()
		tr.seen = append(tr.seen, r.Method+" "+r.URL.String()+"\n"+headerText(r.Header)+"\n"+string(body))
		tr.mu.Unlock()
	}))
	t.Cleanup(tr.srv.Close)
	return tr
}

// URL is the trap's base URL (another host than any fake: its own port).
func (tr *Trap) URL() string { return tr.srv.URL }

// Requests returns what the trap received, one text per request.
func (tr *Trap) Requests() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.seen...)
}

// RedirectTo returns a handler that answers every request with a 307 to
// the trap, keeping the path and query (so a followed redirect would carry
// the query's secrets and, for a 307, post the body again).
func (tr *Trap) RedirectTo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, tr.srv.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
}

func headerText(h http.Header) string {
	var s string
	for k, v := range h {
		for _, x := range v {
			s += k + ": " + x + "\n"
		}
	}
	return s
}

// Front starts a server, closed when the test ends, that answers every
// request with a 307 to the trap (RedirectTo), and returns its URL: the
// base URL of a client whose every endpoint redirects to another host.
func (tr *Trap) Front(t testing.TB) string {
	return Serve(t, tr.RedirectTo())
}

// CheckEmpty fails the test if any request reached the trap.
func (tr *Trap) CheckEmpty(t testing.TB) {
	t.Helper()
	if got := tr.Requests(); len(got) != 0 {
		t.Errorf("the other host received %d requests:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
}
