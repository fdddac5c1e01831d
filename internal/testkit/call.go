package testkit

import (
	"io"
	"net/http"
	"testing"
)

// Answer is what a server answered to Call.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Call sends one request to a test server (a fake, in the fakes' own
// tests) with body (nil for none) and the headers of header whose value
// is not empty, and returns the answer read to its end. A request that
// cannot be sent fails the test with Errorf, safe off the test's
// goroutine, and gives a zero Answer.
func Call(t testing.TB, method, url string, header map[string]string, body io.Reader) Answer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return Answer{}
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return Answer{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading the answer: %v", method, url, err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
