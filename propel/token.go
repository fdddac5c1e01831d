package propel

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"golang.org/x/oauth2"
)

// tokenFetchTimeout bounds one token request.
const tokenFetchTimeout = 30 * time.Second

// clientCredentials is an oauth2.TokenSource for Propel's token endpoint:
// POST {host}/oauth2/token, form-encoded grant_type=client_credentials,
// client_id and client_secret. It tolerates both documented answers
// (expires_in as a number or a string, token_type "Bearer" or
// "BearerToken"), which golang.org/x/oauth2/clientcredentials does not
// (it rejects a token_type it does not know only on use, and reads
// expires_in strictly), and it goes through httpx, so its errors are typed
// and redacted.
type clientCredentials struct {
	http   *httpx.Client
	url    string
	id     string
	secret string
}

// Token fetches a new token; every call asks the endpoint.
func (s *clientCredentials) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenFetchTimeout)
	defer cancel()
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.id},
		"client_secret": {s.secret},
	}
	resp, err := s.http.Do(ctx, &httpx.Request{
		Method: http.MethodPost, URL: s.url,
		Header:     http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:       []byte(form.Encode()),
		Idempotent: true, // a token request changes nothing
	})
	if err != nil {
		return nil, err
	}
	if !isSuccess(resp.StatusCode) {
		e := errorFromResponse(resp, []string{s.secret})
		e.token = true
		return nil, e
	}
	tok, exp, err := decodeToken(resp.Body, time.Now())
	if err != nil {
		// A garbled answer may be a passing fault: let the engine retry.
		return nil, batch.Retryable(&Error{HTTPStatus: resp.StatusCode, Type: "MalformedTokenResponse", Messages: []string{err.Error()}, RequestID: resp.Header.Get("X-Request-Id"), token: true}, 0)
	}
	return &oauth2.Token{AccessToken: tok, TokenType: "Bearer", Expiry: exp}, nil
}

// tokenCache hands out a cached token (an oauth2.ReuseTokenSource over the
// base source) and drops it when the API refuses it.
type tokenCache struct {
	base oauth2.TokenSource
	mu   sync.Mutex
	cur  oauth2.TokenSource
}

func newTokenCache(base oauth2.TokenSource) *tokenCache {
	return &tokenCache{base: base, cur: oauth2.ReuseTokenSource(nil, base)}
}

// token returns the current token, fetching one when none is valid.
func (t *tokenCache) token() (*oauth2.Token, error) {
	t.mu.Lock()
	ts := t.cur
	t.mu.Unlock()
	return ts.Token()
}

// refresh drops the cached token if it is still the one the API refused
// (another worker may already have replaced it), so the next call to token
// fetches a new one.
func (t *tokenCache) refresh(refused string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, err := t.cur.Token(); err == nil && tok.AccessToken != refused {
		return
	}
	t.cur = oauth2.ReuseTokenSource(nil, t.base)
}
