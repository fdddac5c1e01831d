package hubspottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// maxBody caps a request body.
const maxBody = 10 << 20

// ---- wire types ----

type errorBody struct {
	Status        string              `json:"status"`
	Message       string              `json:"message"`
	CorrelationID string              `json:"correlationId,omitempty"`
	Category      string              `json:"category,omitempty"`
	Context       map[string][]string `json:"context,omitempty"`
}

type rateLimitBody struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	ErrorType     string `json:"errorType"`
	CorrelationID string `json:"correlationId"`
	PolicyName    string `json:"policyName"`
	GroupName     string `json:"groupName"`
}

type errorDetail struct {
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
	In      string `json:"in,omitempty"`
}

type standardError struct {
	Status   string              `json:"status"`
	Category string              `json:"category"`
	Message  string              `json:"message"`
	Context  map[string][]string `json:"context"`
	Errors   []errorDetail       `json:"errors"`
	Links    map[string]string   `json:"links"`
}

// historyJSON is HubSpot's ValueWithTimestamp. The fake marks every
// value it stores with sourceType API.
type historyJSON struct {
	Value      string `json:"value"`
	Timestamp  string `json:"timestamp"`
	SourceType string `json:"sourceType"`
}

type objectJSON struct {
	ID                    string                   `json:"id"`
	Properties            map[string]string        `json:"properties"`
	PropertiesWithHistory map[string][]historyJSON `json:"propertiesWithHistory,omitempty"`
	CreatedAt             string                   `json:"createdAt"`
	UpdatedAt             string                   `json:"updatedAt"`
	Archived              bool                     `json:"archived"`
	New                   *bool                    `json:"new,omitempty"`
	ObjectWriteTraceID    string                   `json:"objectWriteTraceId,omitempty"`
}

type batchAnswer struct {
	Status      string          `json:"status"`
	Results     []objectJSON    `json:"results"`
	NumErrors   int             `json:"numErrors,omitempty"`
	Errors      []standardError `json:"errors,omitempty"`
	RequestedAt string          `json:"requestedAt"`
	StartedAt   string          `json:"startedAt"`
	CompletedAt string          `json:"completedAt"`
}

type writeInput struct {
	ID                 string             `json:"id"`
	IDProperty         string             `json:"idProperty"`
	Properties         map[string]string  `json:"properties"`
	Associations       *[]json.RawMessage `json:"associations"`
	ObjectWriteTraceID string             `json:"objectWriteTraceId"`
}

type writeRequest struct {
	Inputs []writeInput `json:"inputs"`
}

type readRequest struct {
	Inputs []struct {
		ID string `json:"id"`
	} `json:"inputs"`
	Properties            []string `json:"properties"`
	PropertiesWithHistory []string `json:"propertiesWithHistory"`
	IDProperty            string   `json:"idProperty"`
}

// answer is what processing produced.
type answer struct {
	status int
	body   any // nil: no body
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (o *Object) json(traceID string, isNew *bool, props []string) objectJSON {
	p := o.Properties
	if len(props) > 0 {
		p = make(map[string]string, len(props))
		for _, k := range props {
			if v, ok := o.Properties[k]; ok {
				p[k] = v
			}
		}
	} else {
		p = make(map[string]string, len(o.Properties))
		for k, v := range o.Properties {
			p[k] = v
		}
	}
	return objectJSON{ID: o.ID, Properties: p, CreatedAt: stamp(o.CreatedAt), UpdatedAt: stamp(o.UpdatedAt),
		Archived: o.Archived, New: isNew, ObjectWriteTraceID: traceID}
}

// historyJSON answers the history of each of props the object has a
// value for, newest first; nil when props is empty.
func (o *Object) historyJSON(props []string) map[string][]historyJSON {
	if len(props) == 0 {
		return nil
	}
	out := make(map[string][]historyJSON, len(props))
	for _, k := range props {
		h := o.History[k]
		if len(h) == 0 {
			continue
		}
		list := make([]historyJSON, len(h))
		for i, c := range h {
			list[len(h)-1-i] = historyJSON{Value: c.Value, Timestamp: stamp(c.At), SourceType: "API"}
		}
		out[k] = list
	}
	return out
}

// ---- the handler ----

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the body first: only then does net/http watch the connection,
	// so a client that gives up cancels r.Context() during a slow answer.
	data, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	s.stats.Requests++
	corr := s.correlationID()
	version, objectType, op, ok := parsePath(r.URL.Path)
	if !ok {
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, errorBody{Status: "error", Message: "Unable to route " + r.Method + " " + r.URL.Path, CorrelationID: corr, Category: "NOT_FOUND"})
		return
	}
	if r.Method != http.MethodPost {
		s.mu.Unlock()
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Status: "error", Message: "method not allowed", CorrelationID: corr})
		return
	}
	if auth := r.Header.Get("Authorization"); s.token == "" || auth != "Bearer "+s.token {
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, errorBody{Status: "error",
			Message:       "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
			CorrelationID: corr, Category: "INVALID_AUTHENTICATION"})
		return
	}
	fault, faulted := s.TakeFault()
	if faulted {
		s.stats.Faults++
	} else {
		if limited := s.checkLimits(w, corr); limited != nil {
			s.stats.RateLimited++
			s.mu.Unlock()
			writeJSON(w, http.StatusTooManyRequests, limited)
			return
		}
	}
	s.mu.Unlock()

	if faulted && !fault.AfterWrite && s.answerFault(w, r, fault, corr) {
		return
	}
	a := s.process(r, data, readErr, request{objectType: objectType, op: op, rules: enforcesRules(version)}, corr)
	if faulted && fault.AfterWrite && s.answerFault(w, r, fault, corr) {
		return
	}
	if a.body == nil {
		w.WriteHeader(a.status)
		return
	}
	writeJSON(w, a.status, a.body)
}

// parsePath splits /crm/v3/objects/{type}/batch/{op} (version "v3"), or
// the date-versioned /crm/objects/{YYYY-MM}/{type}/batch/{op}.
func parsePath(p string) (version, objectType, op string, ok bool) {
	rest, found := strings.CutPrefix(p, "/crm/v3/objects/")
	version = "v3"
	if !found {
		dated, isDated := strings.CutPrefix(p, "/crm/objects/")
		v, after, cut := strings.Cut(dated, "/")
		if !isDated || !cut || len(v) != len("2026-03") || v[4] != '-' {
			return "", "", "", false
		}
		version, rest = v, after
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] != "batch" {
		return "", "", "", false
	}
	switch parts[2] {
	case "create", "update", "upsert", "read", "archive":
		return version, canonicalType(parts[0]), parts[2], true
	}
	return "", "", "", false
}

// checkLimits applies the daily and rolling limits and sets the rate-limit
// headers; it returns a 429 body when the request is refused. The caller
// holds mu.
func (s *Server) checkLimits(w http.ResponseWriter, corr string) *rateLimitBody {
	h := w.Header()
	now := s.Now()
	if s.dailyLimit > 0 {
		if s.dailyUsed >= s.dailyLimit {
			h.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(s.dailyLimit))
			h.Set("X-HubSpot-RateLimit-Daily-Remaining", "0")
			return &rateLimitBody{Status: "error", Message: "You have reached your daily limit.", ErrorType: "RATE_LIMIT",
				CorrelationID: corr, PolicyName: "DAILY", GroupName: "hubspottest"}
		}
	}
	if s.rateN > 0 {
		cut := now.Add(-s.rateWindow)
		i := 0
		for i < len(s.hits) && !s.hits[i].After(cut) {
			i++
		}
		s.hits = s.hits[i:]
		h.Set("X-HubSpot-RateLimit-Max", strconv.Itoa(s.rateN))
		h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.FormatInt(s.rateWindow.Milliseconds(), 10))
		if len(s.hits) >= s.rateN {
			h.Set("X-HubSpot-RateLimit-Remaining", "0")
			fakekit.RetryAfterHeader(w, max(s.hits[0].Add(s.rateWindow).Sub(now), time.Millisecond))
			return &rateLimitBody{Status: "error", Message: "You have reached your ten_secondly_rolling limit.", ErrorType: "RATE_LIMIT",
				CorrelationID: corr, PolicyName: "TEN_SECONDLY_ROLLING", GroupName: "hubspottest"}
		}
		s.hits = append(s.hits, now)
		h.Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(s.rateN-len(s.hits)))
	}
	if s.dailyLimit > 0 {
		s.dailyUsed++
		h.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(s.dailyLimit))
		h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(s.dailyLimit-s.dailyUsed))
	}
	return nil
}

func badRequest(corr, msg string) answer {
	return answer{http.StatusBadRequest, errorBody{Status: "error", Message: msg, CorrelationID: corr, Category: "VALIDATION_ERROR"}}
}

// request is what the path says about a request.
type request struct {
	objectType, op string
	// rules: the API version holds writes to the portal's validation
	// rules (RulesFromVersion on).
	rules bool
}

// process checks the request's shape and runs the operation.
func (s *Server) process(r *http.Request, data []byte, err error, rq request, corr string) answer {
	objectType, op := rq.objectType, rq.op
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return answer{http.StatusUnsupportedMediaType, errorBody{Status: "error", Message: "Content-Type must be application/json", CorrelationID: corr}}
	}
	if err != nil || len(data) > maxBody {
		return badRequest(corr, "Invalid input JSON: body unreadable or too large")
	}
	archived := r.URL.Query().Get("archived") == "true"
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	requested := s.Now()
	switch op {
	case "read":
		var req readRequest
		if err := dec.Decode(&req); err != nil {
			return badRequest(corr, "Invalid input JSON on line 1: "+err.Error())
		}
		if a, bad := s.checkCount(len(req.Inputs), corr); bad {
			return a
		}
		if a, bad := checkHistoryCount(req, corr); bad {
			return a
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.count(op, len(req.Inputs))
		return s.read(objectType, req, archived, requested, corr)
	default:
		var req writeRequest
		if err := dec.Decode(&req); err != nil {
			return badRequest(corr, "Invalid input JSON on line 1: "+err.Error())
		}
		if a, bad := s.checkCount(len(req.Inputs), corr); bad {
			return a
		}
		if a, bad := checkShape(op, req.Inputs, corr); bad {
			return a
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.count(op, len(req.Inputs))
		switch op {
		case "create":
			return s.create(objectType, req.Inputs, rq.rules, requested, corr)
		case "archive":
			return s.archive(objectType, req.Inputs)
		default:
			return s.updateOrUpsert(objectType, op, req.Inputs, rq.rules, requested, corr)
		}
	}
}

func (s *Server) count(op string, n int) {
	s.stats.ByOp[op]++
	s.stats.Inputs += n
}

func (s *Server) checkCount(n int, corr string) (answer, bool) {
	s.mu.Lock()
	limit := s.maxBatch
	s.mu.Unlock()
	if n == 0 {
		return badRequest(corr, "inputs may not be empty"), true
	}
	if limit > 0 && n > limit {
		return badRequest(corr, fmt.Sprintf("Batch input size of %d exceeds the limit of %d", n, limit)), true
	}
	return answer{}, false
}

// checkShape enforces each operation's required and forbidden fields.
func checkShape(op string, in []writeInput, corr string) (answer, bool) {
	for i, x := range in {
		switch op {
		case "create":
			if x.ID != "" || x.IDProperty != "" {
				return badRequest(corr, fmt.Sprintf("inputs[%d]: id and idProperty are not allowed on create", i)), true
			}
			if x.Associations == nil {
				return badRequest(corr, fmt.Sprintf("inputs[%d].associations: required", i)), true
			}
			if x.Properties == nil {
				return badRequest(corr, fmt.Sprintf("inputs[%d].properties: required", i)), true
			}
		case "update", "upsert":
			if x.ID == "" {
				return badRequest(corr, fmt.Sprintf("inputs[%d].id: required", i)), true
			}
			if x.Associations != nil {
				return badRequest(corr, fmt.Sprintf("inputs[%d].associations: not allowed on %s", i, op)), true
			}
			if x.Properties == nil {
				return badRequest(corr, fmt.Sprintf("inputs[%d].properties: required", i)), true
			}
			if op == "upsert" && x.IDProperty == "" {
				return badRequest(corr, fmt.Sprintf("inputs[%d].idProperty: required on upsert", i)), true
			}
		case "archive":
			if x.ID == "" || x.IDProperty != "" || x.Properties != nil || x.Associations != nil || x.ObjectWriteTraceID != "" {
				return badRequest(corr, fmt.Sprintf("inputs[%d]: archive takes only an id", i)), true
			}
		}
	}
	return answer{}, false
}
