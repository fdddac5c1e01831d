package pardot

import (
	"context"
	"net/http"
	"net/url"
	"sync"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"golang.org/x/oauth2"
)

// authenticator puts credentials on a request's headers.
type authenticator interface {
	// apply sets the auth headers and returns the credential used, to hand
	// back to forget.
	apply(ctx context.Context, h http.Header) (used string, err error)
	// forget is called when Pardot refused used as an ended session: the
	// next apply gets a fresh credential, unless another request already
	// replaced used.
	forget(used string)
}

// oauthAuth sends a Salesforce access token and the business unit id.
// With WithTokenSource the caller's TokenSource is asked on every request,
// so it owns the caching; with WithTokenFunc the token is kept here, for
// all workers, until it expires or Pardot refuses it. Every token seen is
// added to the client's secrets before it travels.
type oauthAuth struct {
	ts           oauth2.TokenSource // WithTokenSource, WithToken
	fetch        TokenFunc          // WithTokenFunc
	businessUnit string
	secrets      *httpx.Secrets
	// hc is the client's *http.Client (same transport, no redirect to
	// another host), handed to fetch through the context for the token
	// endpoint unless the caller's context already carries one.
	hc *http.Client

	mu     sync.Mutex
	cached *oauth2.Token // fetch's last token
}

func (a *oauthAuth) apply(ctx context.Context, h http.Header) (string, error) {
	tok, err := a.token(ctx)
	if err != nil {
		return "", tokenError(err, a.secrets)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: "oauth", Class: vendorkit.Auth,
			Message: "the token source returned an empty access token"}}
	}
	a.secrets.Add(tok.AccessToken) // learned at run time: scrubbed from now on
	h.Set("Authorization", "Bearer "+tok.AccessToken)
	h.Set("Pardot-Business-Unit-Id", a.businessUnit)
	return tok.AccessToken, nil
}

// token returns the caller's TokenSource's token, or the cached token,
// fetching a new one when there is none or it expired. One fetch serves
// every worker waiting on it.
func (a *oauthAuth) token(ctx context.Context) (*oauth2.Token, error) {
	if a.fetch == nil {
		return vendorkit.Token(ctx, a.ts)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cached.Valid() {
		return a.cached, nil
	}
	if ctx.Value(oauth2.HTTPClient) == nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, a.hc)
	}
	tok, err := a.fetch(ctx)
	if err != nil {
		return nil, err
	}
	a.cached = tok
	return tok, nil
}

// forget drops the cached token if it is still used. With WithTokenSource
// there is no cache here: the next apply asks the caller's TokenSource
// again, which helps only if it hands out a new token.
func (a *oauthAuth) forget(used string) {
	a.mu.Lock()
	if a.cached != nil && a.cached.AccessToken == used {
		a.cached = nil
	}
	a.mu.Unlock()
}

// legacyAuth logs in with email, password and user_key and keeps the
// api_key until Pardot calls it invalid.
type legacyAuth struct {
	c     *Client
	creds legacyCreds

	mu     sync.Mutex
	apiKey string
	warned bool // the deprecation warning was logged
}

// retiredLoginHint follows a refused legacy login: the usual reason today
// is that the user signs in through Salesforce.
const retiredLoginHint = "; Pardot's own login was retired on 2021-02-15 for every user who signs in through Salesforce " +
	"(Salesforce help article 000381447): authenticate with Salesforce OAuth (WithTokenFunc)"

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

// forget drops used if it is still the kept key, so the next apply logs in
// again; callers that saw the same expired key share one login.
func (a *legacyAuth) forget(used string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.apiKey == used {
		a.apiKey = ""
	}
}

// login is POST /api/login/version/3 with the credentials in the form
// body. A refusal stops the run (Auth): retrying a bad password locks the
// account. The api_key is registered as a secret before it is returned.
func (a *legacyAuth) login(ctx context.Context) (string, error) {
	c := a.c
	if !a.warned {
		a.warned = true
		c.log.Warn("pardot: WithLegacyLogin is deprecated: Pardot's own login was retired on 2021-02-15; use Salesforce OAuth (WithTokenFunc)")
	}
	form := url.Values{
		"email":    {a.creds.email},
		"password": {a.creds.password},
		"user_key": {a.creds.userKey},
		"format":   {c.cfg.format.String()},
	}
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: http.MethodPost, URL: c.cfg.BaseURL + "/api/login/version/3",
		Header: http.Header{"Content-Type": {formType}}, Body: []byte(form.Encode()), Idempotent: true,
	})
	if err != nil {
		return "", transportError("login", err)
	}
	r, derr := decodeResponse(resp.Body)
	if derr == nil && r.APIKey != "" {
		c.secrets.Add(r.APIKey)
	}
	switch {
	case derr == nil && r.Failed:
		e := c.globalError("login", resp.StatusCode, r.Errs)
		if e.Code == CodeLoginFailed || e.Code == CodeInvalidAuthMechanism {
			e.Message += retiredLoginHint
		}
		if e.Class != vendorkit.RateLimited && e.Class != vendorkit.Unavailable {
			e.Class = vendorkit.Auth // a refused login stops the run
		}
		return "", e
	case derr != nil || resp.StatusCode < 200 || resp.StatusCode > 299:
		if derr != nil {
			derr = c.secrets.RedactError(derr)
		}
		return "", statusError("login", resp, true, derr)
	case r.APIKey == "":
		e := statusError("login", resp, true, nil)
		e.Class, e.Message = vendorkit.Auth, "the login answer has no api_key"
		return "", e
	}
	c.log.Debug("pardot: logged in")
	return r.APIKey, nil
}
