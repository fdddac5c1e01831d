package vendorkit

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"golang.org/x/oauth2"
)

// hungSource never answers until released.
type hungSource struct{ release chan struct{} }

func (h hungSource) Token() (*oauth2.Token, error) {
	<-h.release
	return &oauth2.Token{AccessToken: "late"}, nil
}

func TestTokenGivesUpWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	src := hungSource{release: make(chan struct{})}
	defer close(src.release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Token(ctx, src)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	tok, err := Token(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "a"}))
	if err != nil || tok.AccessToken != "a" {
		t.Fatalf("%v %v", tok, err)
	}
	tok, err = Token(context.Background(), StaticToken("b"))
	if err != nil || tok.AccessToken != "b" || tok.TokenType != "Bearer" {
		t.Fatalf("static: %v %v", tok, err)
	}
	if _, err := Token(ctx, StaticToken("b")); !errors.Is(err, context.Canceled) {
		t.Fatalf("static after the context ended: %v", err)
	}
}

func TestTokenClass(t *testing.T) {
	t.Parallel()
	retrieve := func(status int) error {
		return &oauth2.RetrieveError{Response: &http.Response{StatusCode: status}}
	}
	for name, tc := range map[string]struct {
		err  error
		want Class
	}{
		"400 invalid_grant":   {retrieve(400), Auth},
		"401":                 {retrieve(401), Auth},
		"302 not followed":    {retrieve(302), Auth},
		"408":                 {retrieve(408), Unavailable},
		"429":                 {retrieve(429), Unavailable},
		"503":                 {retrieve(503), Unavailable},
		"wrapped 403":         {errors.Join(errors.New("fetch"), retrieve(403)), Auth},
		"no response":         {&oauth2.RetrieveError{}, Unavailable},
		"network":             {errors.New("dial tcp: connection refused"), Unavailable},
		"the source's own":    {errors.New("no refresh token"), Unavailable},
		"context ended early": {context.DeadlineExceeded, Unavailable},
	} {
		if got := TokenClass(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
