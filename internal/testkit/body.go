package testkit

import (
	"bytes"
	"io"
	"net/http"
)

// PeekBody reads a request's body and puts an unread copy back, for a
// gock matcher or a handler that looks at the body and leaves it to the
// next reader. A request without a body gives nil.
func PeekBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}
