package pardottest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
)

// handleToken is Salesforce's POST /services/oauth2/token for the client
// credentials flow: grant_type=client_credentials, the connected app's
// client_id and client_secret in the form body or as HTTP Basic auth. The
// answer has the fields of Salesforce's (access_token, signature,
// token_format, instance_url, id, token_type, issued_at) and, as there,
// no expires_in: the session lasts until ExpireSessions. A refusal is
// HTTP 400 {"error":"invalid_client",…} or {"error":"unsupported_grant_type",…}.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	form, status := readForm(r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	switch {
	case form.Get("grant_type") != "client_credentials":
		writeTokenError(w, "unsupported_grant_type", "grant type not supported")
		return
	case id != ClientID || secret != ClientSecret:
		writeTokenError(w, "invalid_client", "invalid client credentials")
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := "00Dfake!" + hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens[tok] = true
	s.stats.TokensIssued++
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]string{
		"access_token": tok,
		"signature":    hex.EncodeToString(b[:8]),
		"token_format": "opaque",
		"instance_url": s.URL,
		"id":           s.URL + "/id/00Dfake000000001/005fake000000001",
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(s.Now().UnixMilli(), 10),
	})
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = w.Write(body)
}

func writeTokenError(w http.ResponseWriter, code, description string) {
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(body)
}
