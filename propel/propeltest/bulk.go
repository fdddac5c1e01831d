package propeltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

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
	if s.countOnly {
		s.nextID++
		entry["id"], entry["success"], entry["action"] = s.nextID, true, "create"
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
