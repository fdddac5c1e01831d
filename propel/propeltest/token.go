package propeltest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// handleToken serves POST /oauth2/token (client credentials, form-encoded;
// HTTP Basic is accepted too).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.TokenRequests++
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be form-encoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	if id != s.clientID || secret != s.clientSecret {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "pt-" + hex.EncodeToString(b)
	s.tokens[tok] = s.Now().Add(s.ttl)
	secs := int64(math.Ceil(s.ttl.Seconds()))
	w.Header().Set("Content-Type", "application/json")
	if s.legacy {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": tok, "expires_in": strconv.FormatInt(secs, 10), "token_type": "BearerToken",
			"issued_at": strconv.FormatInt(s.Now().UnixMilli(), 10), "status": "approved",
			"client_id": id, "application_name": "propeltest",
		})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": secs, "token_type": "Bearer", "scope": "profile"})
}

// authorized checks the bearer token; the caller holds mu.
func (s *Server) authorized(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	exp, known := s.tokens[tok]
	if !known || s.Now().After(exp) {
		delete(s.tokens, tok)
		return tok, false
	}
	return tok, true
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
