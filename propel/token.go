package propel

import (
	"context"
	"fmt"
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
// client_id and client_secret. It accepts both documented answers
// (expires_in as a number or a string, token_type "Bearer" or the old
// "BearerToken"). It is used instead of golang.org/x/oauth2/clientcredentials
// because that package's source caches (a 401 could not be cured by asking
// again), and an oauth2.Transport would send the old servers' token as
// "BearerToken …"; going through httpx also makes its errors typed and
// redacted. The client always sends "Authorization: Bearer …".
type clientCredentials struct {
	http   *httpx.Client
	url    string
	id     string
	secret string
	// now is the client's clock: a token expires expires_in after it.
	now func() time.Time
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
		e := errorFromResponse(resp, &scrubber{secrets: []string{s.secret}})
		e.token = true
		return nil, e
	}
	tok, exp, err := decodeToken(resp.Body, s.now())
	if err != nil {
		// A garbled answer may be a passing fault: let the engine retry.
		return nil, batch.Retryable(&Error{HTTPStatus: resp.StatusCode, Type: "MalformedTokenResponse", Messages: []string{err.Error()}, RequestID: resp.Header.Get("X-Request-Id"), token: true}, 0)
	}
	return &oauth2.Token{AccessToken: tok, TokenType: "Bearer", Expiry: exp}, nil
}

// TokenRenewBefore is how long before a token's expiry the client fetches
// the next one. Propeller's tokens last 30 minutes and cannot be refreshed;
// its integration guide recommends "a renewal buffer of about 5 minutes"
// (docs.propeller-commerce.com/integrations/integration-patterns/authentication-and-security).
// A token that lives less than 30 minutes is renewed when a sixth of its
// life is left (5 minutes of 30), so a short-lived token is still used.
const TokenRenewBefore = 5 * time.Minute

// renewMargin is how long before expiry a token obtained at got is renewed.
func renewMargin(got, expiry time.Time) time.Duration {
	return max(0, min(TokenRenewBefore, expiry.Sub(got)/6))
}

// tokenCache hands out the current token, fetching one from src when
// there is none or it is within its renewal margin (see TokenRenewBefore),
// one fetch at a time, and forgets it when the API refuses it.
type tokenCache struct {
	src oauth2.TokenSource
	now func() time.Time
	mu  sync.Mutex
	tok *oauth2.Token
	// renewAt is when tok is replaced: its expiry less the renewal margin
	// (zero for a token without expiry, kept until the API refuses it).
	renewAt time.Time
}

func newTokenCache(src oauth2.TokenSource, now func() time.Time) *tokenCache {
	return &tokenCache{src: src, now: now}
}

// fresh reports whether the cached token is still to be used.
func (t *tokenCache) fresh() bool {
	return t.tok != nil && (t.renewAt.IsZero() || t.now().Before(t.renewAt))
}

// token returns the current token, fetching one when none is fresh.
func (t *tokenCache) token() (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fresh() {
		return t.tok, nil
	}
	got := t.now()
	tok, err := t.src.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, fmt.Errorf("%w: the token source gave no access token", ErrMalformedResponse)
	}
	t.tok, t.renewAt = tok, time.Time{}
	if !tok.Expiry.IsZero() {
		t.renewAt = tok.Expiry.Add(-renewMargin(got, tok.Expiry))
	}
	return tok, nil
}

// tokenCtx is token bounded by ctx: a token fetch (which an
// oauth2.TokenSource cannot be told to cancel) goes on in the background
// when ctx ends first, and its token is cached for the next caller.
func (t *tokenCache) tokenCtx(ctx context.Context) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		tok *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tok, err := t.token()
		ch <- result{tok, err}
	}()
	select {
	case r := <-ch:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// refresh forgets the cached token if it is still the one the API refused
// (another worker may already have replaced it), so that the next call to
// token fetches a new one.
func (t *tokenCache) refresh(refused string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && t.tok.AccessToken == refused {
		t.tok = nil
	}
}

// TokenSourceFunc adapts a function to oauth2.TokenSource, for
// WithTokenSource with a source that mints a fresh token on every call, so
// that a 401 can be cured by asking again. For example, with
// golang.org/x/oauth2/clientcredentials:
//
//	propel.WithTokenSource(propel.TokenSourceFunc(func() (*oauth2.Token, error) {
//		return cfg.Token(ctx) // not cfg.TokenSource(ctx), which caches
//	}))
type TokenSourceFunc func() (*oauth2.Token, error)

// Token calls f.
func (f TokenSourceFunc) Token() (*oauth2.Token, error) { return f() }
