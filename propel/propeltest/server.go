// Package propeltest is an in-memory fake of Propel's OAuth token endpoint
// and its customer, contact and company bulk endpoints, for tests of code
// that uses package propel. It is as strict as the real API where the API
// is documented: a bearer token from POST /oauth2/token is required and
// expires, unknown keys and wrongly typed values are answered with error
// 10007 naming the item ("#/customers/0: extraneous key [company] is not
// permitted"), and a contact whose parent company does not exist fails
// while the others are saved. Records are upserted on the keys the API
// uses (source + sourceId + language, or id) and can be read back.
//
// Faults are injected per request with FailNext; see Fault.
//
//	srv := propeltest.NewServer()
//	defer srv.Close()
//	client, _ := propel.New(srv.ClientOptions()...)
package propeltest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/propel"
)

// The credentials a new Server accepts (see SetCredentials).
const (
	ClientID     = "propeltest-client"
	ClientSecret = "propeltest-secret"
)

// DefaultTokenTTL is how long a token lasts unless SetTokenTTL says
// otherwise: 30 minutes, as Propel documents.
const DefaultTokenTTL = 30 * time.Minute

// Server is the fake. Its exported methods are safe for concurrent use.
// The embedded *httptest.Server gives URL and Close.
type Server struct {
	*httptest.Server

	mu           sync.Mutex
	clientID     string
	clientSecret string
	ttl          time.Duration
	legacy       bool
	tokens       map[string]time.Time
	faults       []Fault
	slow         time.Duration
	maxItems     int
	stores       map[string]*store
	nextID       int64
	requests     int
	tokenReqs    int
	reqSeq       int
	forbidden    map[string][]string // resource → keys this server's schema lacks
}

// NewServer starts a fake accepting ClientID and ClientSecret.
func NewServer() *Server {
	s := &Server{
		clientID: ClientID, clientSecret: ClientSecret, ttl: DefaultTokenTTL,
		tokens: map[string]time.Time{}, slow: 200 * time.Millisecond, nextID: 1000,
		stores: map[string]*store{"customers": newStore(), "contacts": newStore(), "companies": newStore()},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", s.handleToken)
	mux.HandleFunc("POST /v2/{resource}/bulk/{lookup}", s.handleBulk)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 10008, "NotFound", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the API base to give propel.WithBaseURL: URL + "/v2". The
// token endpoint is URL + "/oauth2/token", where the client looks for it.
func (s *Server) BaseURL() string { return s.URL + "/v2" }

// ClientOptions returns the options that point a propel.Client at this
// server with its credentials.
func (s *Server) ClientOptions() []propel.Option {
	s.mu.Lock()
	id, secret := s.clientID, s.clientSecret
	s.mu.Unlock()
	return []propel.Option{propel.WithBaseURL(s.BaseURL()), propel.WithClientCredentials(id, secret)}
}

// SetCredentials changes the client id and secret the token endpoint accepts.
func (s *Server) SetCredentials(id, secret string) {
	s.mu.Lock()
	s.clientID, s.clientSecret = id, secret
	s.mu.Unlock()
}

// SetTokenTTL sets the lifetime of tokens issued from now on (expires_in
// is rounded up to whole seconds; the server enforces the exact TTL).
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	s.ttl = d
	s.mu.Unlock()
}

// SetLegacyTokens makes the token endpoint answer in the old form:
// "expires_in" as a string and "token_type":"BearerToken".
func (s *Server) SetLegacyTokens(on bool) {
	s.mu.Lock()
	s.legacy = on
	s.mu.Unlock()
}

// ExpireTokens expires every token issued so far: the next bulk request
// with one is answered 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// SetMaxItems makes a bulk request with more than n records fail with 400
// (code 10017); 0, the default, means no limit (Propel documents none).
func (s *Server) SetMaxItems(n int) {
	s.mu.Lock()
	s.maxItems = n
	s.mu.Unlock()
}

// SetSlowDelay sets how long FaultSlow waits (default 200 ms).
func (s *Server) SetSlowDelay(d time.Duration) {
	s.mu.Lock()
	s.slow = d
	s.mu.Unlock()
}

// Requests returns the number of bulk requests received (refused ones included).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// TokenRequests returns the number of token requests received.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// handleToken serves POST /oauth2/token (client credentials, form-encoded;
// HTTP Basic is accepted too).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenReqs++
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
	s.tokens[tok] = time.Now().Add(s.ttl)
	secs := int64(math.Ceil(s.ttl.Seconds()))
	w.Header().Set("Content-Type", "application/json")
	if s.legacy {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": tok, "expires_in": strconv.FormatInt(secs, 10), "token_type": "BearerToken",
			"issued_at": strconv.FormatInt(time.Now().UnixMilli(), 10), "status": "approved",
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
	if !known || time.Now().After(exp) {
		delete(s.tokens, tok)
		return tok, false
	}
	return tok, true
}

// handleBulk serves POST /v2/{customers|contacts|companies}/bulk/{sourceId|id}.
func (s *Server) handleBulk(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return
	}
	s.mu.Lock()
	s.requests++
	s.reqSeq++
	reqID := fmt.Sprintf("propeltest-%d", s.reqSeq)
	w.Header().Set("X-Request-Id", reqID)
	tok, ok := s.authorized(r)
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, 0, "InvalidToken", "access token missing, invalid or expired")
		return
	}
	var fault Fault
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	slow := s.slow
	s.mu.Unlock()

	if !fault.afterWrite() && s.strike(w, r, fault, tok, slow) {
		return
	}
	status, resp := s.process(r.PathValue("resource"), r.PathValue("lookup"), body)
	if fault.afterWrite() && s.strike(w, r, fault, tok, slow) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

// strike injects fault f into the request; it reports whether it answered
// (or dropped) the request, so that nothing more is to be written.
func (s *Server) strike(w http.ResponseWriter, r *http.Request, f Fault, tok string, slow time.Duration) bool {
	switch f {
	case FaultExpireToken:
		s.mu.Lock()
		delete(s.tokens, tok)
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, 0, "InvalidToken", "access token expired")
	case FaultServerError, FaultServerErrorAfterWrite:
		writeError(w, http.StatusInternalServerError, 0, "InternalServerError", "internal server error")
	case FaultBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	case FaultUnavailable:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusServiceUnavailable, 0, "ServiceUnavailable", "try again later")
	case FaultDrop, FaultDropAfterWrite:
		drop(w)
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[{"action":"upd`)
	case FaultSlow:
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
		}
		return false
	default:
		return false
	}
	return true
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// ForbidKey makes the server's schema for resource ("customers",
// "contacts", "companies") lack key, as an older API release would: an
// item carrying it is refused with 10007 "extraneous key [key] is not
// permitted", exactly like the seed's example, naming the item.
func (s *Server) ForbidKey(resource, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden == nil {
		s.forbidden = map[string][]string{}
	}
	s.forbidden[resource] = append(s.forbidden[resource], key)
}

// checkForbidden lists the schema messages for keys ForbidKey removed.
func (s *Server) checkForbidden(path, resource string, obj map[string]json.RawMessage) []string {
	s.mu.Lock()
	keys := slices.Clone(s.forbidden[resource])
	s.mu.Unlock()
	var msgs []string
	for _, k := range keys {
		if _, ok := obj[k]; ok {
			msgs = append(msgs, fmt.Sprintf("%s: extraneous key [%s] is not permitted", path, k))
		}
	}
	return msgs
}

// process validates and applies one bulk body, returning the status and
// the JSON answer.
func (s *Server) process(resource, lookup string, body []byte) (int, []byte) {
	ent, ok := entities[resource]
	if !ok || lookup != "sourceId" && lookup != "id" {
		return errorBody(http.StatusNotFound, 10006, "InvalidLookupKey", "unknown resource or lookup key: "+resource+"/"+lookup)
	}
	byID := lookup == "id"
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return errorBody(http.StatusBadRequest, 10005, "InvalidJSONPayload", "the request body is not a valid JSON object")
	}
	var msgs []string
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if k != ent.field && k != "directives" {
			msgs = append(msgs, fmt.Sprintf("#: extraneous key [%s] is not permitted", k))
		}
	}
	rawItems, has := top[ent.field]
	var items []json.RawMessage
	switch {
	case !has:
		msgs = append(msgs, fmt.Sprintf("#: required key [%s] not found", ent.field))
	case typeName(rawItems) != "JSONArray" || json.Unmarshal(rawItems, &items) != nil:
		msgs = append(msgs, fmt.Sprintf("#/%s: expected type: JSONArray, found: %s", ent.field, typeName(rawItems)))
	}
	objs := make([]map[string]json.RawMessage, len(items))
	for i, it := range items {
		path := fmt.Sprintf("#/%s/%d", ent.field, i)
		if typeName(it) != "JSONObject" || json.Unmarshal(it, &objs[i]) != nil {
			msgs = append(msgs, fmt.Sprintf("%s: expected type: JSONObject, found: %s", path, typeName(it)))
			continue
		}
		msgs = append(msgs, checkObject(path, objs[i], ent.keys)...)
		msgs = append(msgs, s.checkForbidden(path, resource, objs[i])...)
		msgs = append(msgs, checkRequired(path, objs[i], byID, ent.needLanguage)...)
	}
	dir, dmsgs := parseDirectives(top["directives"])
	msgs = append(msgs, dmsgs...)
	if len(msgs) > 0 {
		return errorBody(http.StatusBadRequest, 10007, "SchemaValidationException", msgs...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxItems > 0 && len(objs) > s.maxItems {
		return errorBody(http.StatusBadRequest, 10017, "PayloadValidationError",
			fmt.Sprintf("#/%s: expected maximum item count: %d, found: %d", ent.field, s.maxItems, len(objs)))
	}
	st := s.stores[resource]
	data := make([]map[string]any, 0, len(objs))
	for _, obj := range objs {
		data = append(data, s.upsert(ent, st, obj, byID, dir))
	}
	out, _ := json.Marshal(map[string]any{"data": data, "messages": []string{"Completed"}, "total": len(data)})
	return http.StatusOK, out
}

// upsert saves one item and returns its data entry; the caller holds mu.
func (s *Server) upsert(ent *entity, st *store, obj map[string]json.RawMessage, byID bool, dir directives) map[string]any {
	canonical(obj)
	entry := map[string]any{"lookupKey": "sourceId"}
	if byID {
		entry["lookupKey"] = "id"
		var id int64
		_ = json.Unmarshal(obj["id"], &id)
		entry["key"] = id
	} else {
		sid := str(obj["sourceId"])
		entry["key"] = echoKey(sid)
	}
	if ent.checkParent {
		if p, ok := obj["parent"]; ok && !s.parentExists(p) {
			entry["success"] = false
			entry["action"] = "create"
			entry["error"] = map[string]any{"code": 50007, "type": "ParentCompanyNotFound", "messages": []string{"parent company does not exist"}}
			return entry
		}
	}
	if dir.skipCreate && !st.exists(obj, byID) {
		// The answer to a skipped create is not documented; the fake
		// reports the item as not saved.
		entry["success"] = false
		entry["messages"] = []string{"not created: directive skipCreate"}
		return entry
	}
	rec, created := st.upsert(obj, byID, &s.nextID, dir.skipIfNotEmpty)
	entry["id"] = rec.id
	entry["success"] = true
	if created {
		entry["action"] = "create"
	} else {
		entry["action"] = "update"
	}
	return entry
}

// parentExists reports whether a parent reference names a stored company.
func (s *Server) parentExists(raw json.RawMessage) bool {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	companies := s.stores["companies"]
	if idRaw, ok := p["id"]; ok {
		var id int64
		_ = json.Unmarshal(idRaw, &id)
		_, found := companies.byID[id]
		return found
	}
	src, sid := str(p["source"]), str(p["sourceId"])
	for k := range companies.bySource {
		if strings.HasPrefix(k, src+"\x00"+sid+"\x00") {
			return true
		}
	}
	return false
}

// echoKey echoes a sourceId the way the API does: a number when it is one
// (the documented example answers "key": 3002196), else a string.
func echoKey(sid string) any {
	if n, err := strconv.ParseInt(sid, 10, 64); err == nil && strconv.FormatInt(n, 10) == sid {
		return n
	}
	return sid
}

// str reads a JSON string or number as text.
func str(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	return string(raw)
}

// canonical stores number-or-string fields as strings, so that read-back
// decodes into propel's types.
func canonical(obj map[string]json.RawMessage) {
	for _, k := range []string{"sourceId", "debtorId"} {
		if v, ok := obj[k]; ok {
			obj[k], _ = json.Marshal(str(v))
		}
	}
	if p, ok := obj["parent"]; ok {
		var pm map[string]json.RawMessage
		if json.Unmarshal(p, &pm) == nil {
			if v, ok := pm["sourceId"]; ok {
				pm["sourceId"], _ = json.Marshal(str(v))
				obj["parent"], _ = json.Marshal(pm)
			}
		}
	}
}

func errorBody(status int, code int, typ string, msgs ...string) (int, []byte) {
	e := map[string]any{"status": status, "type": typ, "messages": msgs}
	if code != 0 {
		e["code"] = code
		e["moreInfo"] = fmt.Sprintf("https://www.propel.us/docs/errors/%d", code)
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return status, b
}

func writeError(w http.ResponseWriter, status int, code int, typ string, msgs ...string) {
	_, b := errorBody(status, code, typ, msgs...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
