package pardot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"golang.org/x/oauth2"
)

// authenticator puts credentials on a request's headers.
type authenticator interface {
	// apply sets the auth headers and returns the credential used, to hand
	// back to forget.
	apply(ctx context.Context, h http.Header) (used string, err error)
	// forget is called when Pardot refused used as an invalid session
	// (Error.invalidSession): the next apply gets a fresh credential,
	// unless another request already replaced used.
	forget(used string)
}

// oauthAuth sends a Salesforce access token and the business unit id.
// With WithOAuth the caller's TokenSource is asked on every request, so it
// owns the caching; with WithOAuthTokenFunc the token is kept here, for
// all workers, until it expires or Pardot refuses it.
type oauthAuth struct {
	ts           oauth2.TokenSource // WithOAuth
	fetch        TokenFunc          // WithOAuthTokenFunc
	businessUnit string

	mu     sync.Mutex
	cached *oauth2.Token // fetch's last token
}

func (a *oauthAuth) apply(ctx context.Context, h http.Header) (string, error) {
	tok, err := a.token(ctx)
	if err != nil {
		// The token endpoint refusing the credentials (4xx) ends the run;
		// anything else (network, 5xx) may pass on a later try.
		var re *oauth2.RetrieveError
		refused := errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500
		e := &Error{Op: "oauth", Message: "getting an access token: " + httpx.RedactString(err.Error()),
			fatal: refused, retryable: !refused}
		if refused {
			e.cause = ErrAuth
		}
		return "", e
	}
	if tok == nil || tok.AccessToken == "" {
		return "", &Error{Op: "oauth", Message: "the token source returned an empty access token", fatal: true}
	}
	h.Set("Authorization", "Bearer "+tok.AccessToken)
	h.Set("Pardot-Business-Unit-Id", a.businessUnit)
	return tok.AccessToken, nil
}

// token returns the caller's TokenSource's token, or the cached token,
// fetching a new one when there is none or it expired. One fetch serves
// every worker waiting on it.
func (a *oauthAuth) token(ctx context.Context) (*oauth2.Token, error) {
	if a.fetch == nil {
		return a.ts.Token()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cached.Valid() {
		return a.cached, nil
	}
	tok, err := a.fetch(ctx)
	if err != nil {
		return nil, err
	}
	a.cached = tok
	return tok, nil
}

// forget drops the cached token if it is still used. With WithOAuth there
// is no cache here: the next apply asks the caller's TokenSource again,
// which helps only if that source hands out a new token (see WithOAuth).
func (a *oauthAuth) forget(used string) {
	a.mu.Lock()
	if a.cached != nil && a.cached.AccessToken == used {
		a.cached = nil
	}
	a.mu.Unlock()
}

// legacyAuth logs in with email, password and user_key and caches the
// api_key until Pardot calls it invalid.
type legacyAuth struct {
	c     *Client
	creds legacyCreds

	mu     sync.Mutex
	apiKey string
	logins int
	warned bool // the deprecation warning was logged
}

// retiredLoginHint follows a refused legacy login: the usual reason today
// is that the user signs in through Salesforce.
const retiredLoginHint = "; Pardot's own login was retired on 2021-02-15 for every user who signs in through Salesforce " +
	"(Salesforce help article 000381447): authenticate with Salesforce OAuth (WithOAuthTokenFunc)"

func (a *legacyAuth) apply(ctx context.Context, h http.Header) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.apiKey == "" {
		key, err := a.login(ctx)
		if err != nil {
			return "", err
		}
		a.apiKey = key
	}
	h.Set("Authorization", "Pardot api_key="+a.apiKey+", user_key="+a.creds.userKey)
	return a.apiKey, nil
}

// forget drops used if it is still the cached key, so the next apply logs
// in again; callers that saw the same expired key share one login.
func (a *legacyAuth) forget(used string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.apiKey == used {
		a.apiKey = ""
	}
}

// login is POST /api/login/version/3 with the credentials in the form body.
// A refusal stops the run: retrying a bad password locks the account.
func (a *legacyAuth) login(ctx context.Context) (string, error) {
	if !a.warned {
		a.warned = true
		a.c.cfg.engine.Logger.Warn("pardot: WithLegacyLogin is deprecated: Pardot's own login was retired on 2021-02-15; use Salesforce OAuth (WithOAuthTokenFunc)")
	}
	form := url.Values{
		"email":    {a.creds.email},
		"password": {a.creds.password},
		"user_key": {a.creds.userKey},
		"format":   {a.c.cfg.respFormat.String()},
	}
	resp, err := a.c.http.Do(ctx, &httpx.Request{
		Method:     http.MethodPost,
		URL:        a.c.cfg.baseURL + "/api/login/version/3",
		Header:     http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:       []byte(form.Encode()),
		Idempotent: true,
	})
	if err != nil {
		return "", err
	}
	a.logins++
	r, derr := decodeResponse(resp.Body)
	switch {
	case derr == nil && r.Failed:
		e := r.Errs[0]
		e.Op, e.HTTPStatus, e.fatal = "login", resp.StatusCode, true
		if e.Code == CodeLoginFailed || e.Code == CodeInvalidAuthMechanism {
			e.Message += retiredLoginHint
		}
		return "", e
	case derr != nil && resp.StatusCode >= 500:
		return "", &Error{Op: "login", HTTPStatus: resp.StatusCode, Message: "server error", retryable: true}
	case derr != nil:
		return "", &Error{Op: "login", HTTPStatus: resp.StatusCode, Message: a.c.http.Redact(derr.Error()), fatal: true}
	case r.APIKey == "":
		return "", &Error{Op: "login", HTTPStatus: resp.StatusCode, Message: "login response has no api_key", fatal: true}
	}
	a.c.cfg.engine.Logger.Debug("pardot: logged in", "logins", a.logins)
	return r.APIKey, nil
}
