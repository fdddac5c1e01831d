package propel

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
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
		return nil, &Error{APIError: vendorkit.FromTransport[Code]("propel", opToken, err)}
	}
	if !isSuccess(resp.StatusCode) {
		return nil, tokenRefused(resp, s.http.Secrets())
	}
	tok, exp, err := decodeToken(resp.Body, s.now())
	if err != nil {
		// A garbled answer may be a passing fault: the engine retries it.
		e := &Error{APIError: vendorkit.FromResponse[Code]("propel", opToken, resp, true)}
		e.Class, e.Err, e.RequestID = vendorkit.Malformed, err, resp.Header.Get("X-Request-Id")
		return nil, e
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
	// secrets learns every access token the moment it is fetched.
	secrets *httpx.Secrets
	mu      sync.Mutex
	tok     *oauth2.Token
	// renewAt is when tok is replaced: its expiry less the renewal margin
	// (zero for a token without expiry, kept until the API refuses it).
	renewAt time.Time
}

func newTokenCache(src oauth2.TokenSource, now func() time.Time, secrets *httpx.Secrets) *tokenCache {
	return &tokenCache{src: src, now: now, secrets: secrets}
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
		e := &Error{}
		e.Vendor, e.Op, e.Class, e.Message = "propel", opToken, vendorkit.Malformed, "the token source gave no access token"
		return nil, e
	}
	t.secrets.Add(tok.AccessToken)
	t.tok, t.renewAt = tok, time.Time{}
	if !tok.Expiry.IsZero() {
		t.renewAt = tok.Expiry.Add(-renewMargin(got, tok.Expiry))
	}
	return tok, nil
}

// tokenCtx is token bounded by ctx: a token fetch (which an
// oauth2.TokenSource cannot be told to cancel) goes on in the background
// when ctx ends first, and its token is cached for the next caller. A
// fresh cached token, the usual case, is returned at once, with no
// goroutine; a cache locked by a fetch in progress takes the bounded path.
func (t *tokenCache) tokenCtx(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if t.mu.TryLock() {
		fresh, tok := t.fresh(), t.tok
		t.mu.Unlock()
		if fresh {
			return tok.AccessToken, nil
		}
	}
	tok, err := vendorkit.Token(ctx, TokenSourceFunc(t.token))
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
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

// opToken names the token request in errors.
const opToken = "token"

// tokenRefused is the error of a token endpoint's non-2xx answer. A 3xx
// (a redirect is not followed) or a 4xx other than 408 and 429 means the
// credentials or the request are refused: every later request would be
// too, so it stops the run (class Auth).
func tokenRefused(resp *httpx.Response, secrets *httpx.Secrets) *Error {
	e := errorFromResponse(opToken, resp, &scrubber{secrets: secrets})
	e.maybeWritten = false // a token request writes no record
	if vendorkit.RefusedStatus(resp.StatusCode) {
		e.Class = vendorkit.Auth
	}
	return e
}

// tokenError is the chunk's error when no token could be had: the token
// endpoint's own *Error (already scrubbed) or the context's error as they
// are; any other failure of a caller's token source is worth another try,
// and its text, which may quote a token or a secret, is redacted.
func tokenError(op string, err error, secrets *httpx.Secrets) error {
	var e *Error
	if errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	te := &Error{}
	te.Vendor, te.Op, te.Class, te.Message, te.Err = "propel", op, vendorkit.TokenClass(err), "getting an access token", secrets.RedactError(err)
	return te
}
