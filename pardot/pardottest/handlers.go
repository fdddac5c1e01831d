package pardottest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// messages are Pardot's texts for the codes the fake answers with.
var messages = map[int]string{
	1:     "Invalid API key or user key",
	3:     "Invalid prospect ID",
	4:     "Invalid prospect email address",
	9:     "Prospect with that email already exists",
	13:    "Required parameters are missing",
	15:    "Login failed",
	62:    "Conflicting Update",
	66:    "You have exceeded your concurrent request limit.  Please wait, before trying again",
	70:    "Batch processing is limited to 50 prospects at once",
	71:    "Input needs to be valid JSON or XML",
	72:    "JSON has been corrupted, hash does not match",
	77:    "Invalid prospect fid",
	81:    "Prospect id and fid do not match",
	85:    "Unable to save the prospect",
	88:    "This API user must use version 4",
	89:    "This API user is unable to use version 4",
	90:    "Prospect array should be a flat array of attributes",
	91:    "Prospect array must be keyed by email address",
	122:   "Daily API rate limit met",
	126:   "Invalid authentication mechanism",
	132:   "This prospect is archived",
	184:   "access_token is invalid, unknown, or malformed: Inactive token",
	10000: "Invalid parameter value",
}

func message(code int) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return "Error code " + itoa(code)
}

// secretParams may never appear in a URL.
var secretParams = []string{"api_key", "user_key", "password", "access_token"}

func credentialsInURL(u *url.URL) bool {
	q := u.Query()
	for _, k := range secretParams {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// readForm checks method and content type and parses the form body only
// (the query string is ignored, as credentials must not be there).
func readForm(r *http.Request) (url.Values, int) {
	if r.Method != http.MethodPost {
		return nil, http.StatusMethodNotAllowed
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, http.StatusUnsupportedMediaType
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, http.StatusBadRequest
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, http.StatusBadRequest
	}
	return form, 0
}

// handleLogin is POST /api/login/version/{3|4}.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	form, status := readForm(r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	jsonOut := form.Get("format") == "json"
	if credentialsInURL(r.URL) {
		writeFail(w, jsonOut, 126)
		return
	}
	s.mu.Lock()
	retired := s.retired
	s.mu.Unlock()
	if retired || form.Get("email") != Email || form.Get("password") != Password || form.Get("user_key") != UserKey {
		writeFail(w, jsonOut, 15)
		return
	}
	s.mu.Lock()
	key := s.newAPIKey()
	version := s.version
	s.stats.Logins++
	s.mu.Unlock()
	if version == 0 {
		version = 3
	}
	if jsonOut {
		writeBody(w, "application/json", `{"@attributes":{"stat":"ok","version":1},"api_key":"`+key+`","version":"`+itoa(version)+`"}`)
		return
	}
	writeBody(w, "application/xml", xml.Header+`<rsp stat="ok" version="1.0"><api_key>`+key+`</api_key><version>`+itoa(version)+`</version></rsp>`)
}

// handleBatch is POST /api/prospect/version/{3|4}/do/{batchCreate|batchUpdate|batchUpsert}.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)

	s.mu.Lock()
	s.stats.Requests++
	if int(n) > s.stats.MaxInFlight {
		s.stats.MaxInFlight = int(n)
	}
	limit := s.limit
	s.mu.Unlock()
	fault, faulty := s.TakeFault()
	if faulty {
		s.mu.Lock()
		s.stats.Faults++
		s.mu.Unlock()
	}

	version, _ := strconv.Atoi(r.PathValue("v"))
	op := r.PathValue("op")
	if (version != 3 && version != 4) || (op != "batchCreate" && op != "batchUpdate" && op != "batchUpsert") {
		http.NotFound(w, r)
		return
	}
	form, status := readForm(r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	jsonOut := form.Get("format") == "json"

	if limit > 0 && int(n) > limit {
		s.mu.Lock()
		s.stats.Rejected++
		s.mu.Unlock()
		writeFail(w, jsonOut, 66)
		return
	}
	if faulty && !fault.AfterWrite && answerFault(w, r, jsonOut, fault) {
		return
	}
	items, code := s.admit(r, version, form)
	if code != 0 {
		writeFail(w, jsonOut, code)
		return
	}
	errs := s.apply(version, op, items)
	if faulty && fault.AfterWrite && answerFault(w, r, jsonOut, fault) {
		return
	}
	writeOK(w, jsonOut, version, errs)
}

// admit checks a batch request as Pardot does, in its order: the
// credentials, the daily budget, the account's API version, then the
// document's shape and size and the RejectBatchWith rules. It returns the
// parsed prospects, or the code refusing the request as a whole.
func (s *Server) admit(r *http.Request, version int, form url.Values) ([]item, int) {
	if code := s.checkAuth(r); code != 0 {
		return nil, code
	}
	s.mu.Lock()
	if s.daily > 0 {
		s.calls++
		if s.calls > s.daily {
			s.mu.Unlock()
			return nil, 122
		}
	}
	acct, batchLimit := s.version, s.batchLimit
	s.mu.Unlock()
	switch {
	case acct == 4 && version == 3:
		return nil, 88
	case acct == 3 && version == 4:
		return nil, 89
	}
	doc := form.Get("prospects")
	if doc == "" {
		return nil, 13
	}
	items, code := parseProspects(version, doc)
	switch {
	case code != 0:
		return nil, code
	case len(items) > batchLimit:
		return nil, 70
	}
	if code := s.rejected(items); code != 0 {
		return nil, code
	}
	return items, 0
}

// checkAuth returns 0 or the Pardot code refusing the request's credentials.
func (s *Server) checkAuth(r *http.Request) int {
	if credentialsInURL(r.URL) {
		return 126
	}
	auth := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		s.mu.Lock()
		live := s.tokens[strings.TrimPrefix(auth, "Bearer ")]
		s.mu.Unlock()
		if !live {
			return 184
		}
		if r.Header.Get("Pardot-Business-Unit-Id") != BusinessUnitID {
			return 126
		}
		return 0
	case strings.HasPrefix(auth, "Pardot "):
		var apiKey, userKey string
		for _, part := range strings.Split(strings.TrimPrefix(auth, "Pardot "), ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "api_key":
				apiKey = v
			case "user_key":
				userKey = v
			}
		}
		s.mu.Lock()
		ok := userKey == UserKey && s.validKey(apiKey)
		s.mu.Unlock()
		if !ok {
			return 1
		}
		return 0
	}
	return 126
}

func writeBody(w http.ResponseWriter, contentType, body string) {
	fakekit.WriteBody(w, http.StatusOK, contentType, body)
}

// answerFault answers a batch request with f through fakekit's Serve: a
// Pardot code in its global-failure body (HTTP 200 unless the fault names
// a status), a verbatim body, or a bare status with Retry-After. It
// reports whether the request is answered (or its connection gone).
func answerFault(w http.ResponseWriter, r *http.Request, jsonOut bool, f fakekit.Fault) bool {
	return f.Serve(w, r, "text/html", func() {
		if f.Code != "" {
			writeFailStatus(w, f.Status, jsonOut, fakekit.CodeNumber(f.Code))
			return
		}
		http.Error(w, http.StatusText(f.Status), f.Status)
	})
}

// writeFail answers a global failure, HTTP 200 as Pardot does.
func writeFail(w http.ResponseWriter, jsonOut bool, code int) {
	writeFailStatus(w, http.StatusOK, jsonOut, code)
}

// writeFailStatus answers a global failure under status (200 when 0).
func writeFailStatus(w http.ResponseWriter, status int, jsonOut bool, code int) {
	msg := message(code)
	if jsonOut {
		m, _ := json.Marshal(msg)
		fakekit.WriteBody(w, status, "application/json", `{"@attributes":{"stat":"fail","version":1,"err_code":`+itoa(code)+`},"err":`+string(m)+`}`)
		return
	}
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(msg))
	fakekit.WriteBody(w, status, "application/xml", xml.Header+`<rsp stat="fail" version="1.0"><err code="`+itoa(code)+`">`+b.String()+`</err></rsp>`)
}

// itemErr is one per-prospect error: the key is the index (version 4) or
// the identifier as sent (version 3).
type itemErr struct {
	key  string
	code int
}

// writeOK answers success, listing the failed prospects. In JSON the
// errors map is an object, or an array when its keys are exactly 0..n-1
// (the first n prospects of a version 4 request failed), as PHP's
// json_encode writes it. In XML each is <prospect identifier="…">
// (version 3) or <prospect index="…"> (version 4) holding the message.
func writeOK(w http.ResponseWriter, jsonOut bool, version int, errs []itemErr) {
	var b bytes.Buffer
	if jsonOut {
		b.WriteString(`{"@attributes":{"stat":"ok","version":1}`)
		if len(errs) > 0 {
			list := true
			for i, e := range errs {
				list = list && e.key == itoa(i)
			}
			open, closing := byte('{'), byte('}')
			if list {
				open, closing = '[', ']'
			}
			b.WriteString(`,"errors":`)
			b.WriteByte(open)
			for i, e := range errs {
				if i > 0 {
					b.WriteByte(',')
				}
				if !list {
					k, _ := json.Marshal(e.key)
					b.Write(k)
					b.WriteByte(':')
				}
				m, _ := json.Marshal(message(e.code))
				b.Write(m)
			}
			b.WriteByte(closing)
		}
		b.WriteByte('}')
		writeBody(w, "application/json", b.String())
		return
	}
	attr := "identifier"
	if version == 4 {
		attr = "index"
	}
	b.WriteString(xml.Header + `<rsp stat="ok" version="1.0">`)
	if len(errs) > 0 {
		b.WriteString("<errors>")
		for _, e := range errs {
			b.WriteString(`<prospect ` + attr + `="`)
			_ = xml.EscapeText(&b, []byte(e.key))
			b.WriteString(`">`)
			_ = xml.EscapeText(&b, []byte(message(e.code)))
			b.WriteString(`</prospect>`)
		}
		b.WriteString("</errors>")
	}
	b.WriteString("</rsp>")
	writeBody(w, "application/xml", b.String())
}
