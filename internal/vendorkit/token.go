package vendorkit

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/oauth2"
)

// StaticToken is the token source of a fixed bearer token (WithToken):
// Token answers it at once, with no goroutine per request.
func StaticToken(token string) oauth2.TokenSource {
	return staticToken{&oauth2.Token{AccessToken: token, TokenType: "Bearer"}}
}

type staticToken struct{ tok *oauth2.Token }

func (s staticToken) Token() (*oauth2.Token, error) { return s.tok, nil }

// Token asks ts for a token and gives up when ctx ends first. An
// oauth2.TokenSource takes no context, so a source that hangs would
// otherwise hold its worker past the run's cancellation; the abandoned
// call finishes on its own. A StaticToken is answered directly.
func Token(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s, ok := ts.(staticToken); ok {
		return s.tok, nil
	}
	type result struct {
		tok *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tok, err := ts.Token()
		ch <- result{tok, err}
	}()
	select {
	case r := <-ch:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TokenClass is the one rule every vendor applies to a failure to obtain
// an OAuth token. A token endpoint that refused the credentials or the
// request (an *oauth2.RetrieveError with a 3xx or 4xx status other than
// 408 and 429) stops the run, class Auth: every later request would be
// refused too. Anything else (a network failure, a 5xx, a throttled token
// endpoint, a source's own error) may pass on a later try: Unavailable,
// retried as the run's policy allows.
func TokenClass(err error) Class {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && RefusedStatus(re.Response.StatusCode) {
		return Auth
	}
	return Unavailable
}

// RefusedStatus reports whether a token endpoint's status refuses the
// credentials or the request for good: 3xx (a redirect is not followed)
// or 4xx other than 408 and 429.
func RefusedStatus(s int) bool {
	return s >= 300 && s < 500 && s != http.StatusRequestTimeout && s != http.StatusTooManyRequests
}
