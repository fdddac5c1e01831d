package propeltest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// addressBook holds one owner's addresses sent to its bulk addresses
// endpoint, matched on code.
type addressBook struct {
	byCode map[string]*rawRecord
	order  []*rawRecord
}

// handleAddresses serves
// POST /v2/{customers|companies}/{id|sourceId}/{lookupValue}/addresses/bulk
// (?source= with sourceId): the reference's "Customer Bulk Addresses" and
// "Company Bulk Addresses". Every address needs type, code, street, city and
// country; an address whose code is stored for the owner is updated,
// otherwise created; each answer entry echoes the code as its key.
func (s *Server) handleAddresses(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, func(body []byte) (int, []byte) {
		return s.processAddresses(r.PathValue("resource"), r.PathValue("lookupKey"), r.PathValue("lookupValue"), r.URL.Query().Get("source"), body)
	})
}

func (s *Server) processAddresses(resource, lookupKey, lookupValue, source string, body []byte) (int, []byte) {
	if resource != "customers" && resource != "companies" {
		return errorBody(http.StatusNotFound, 10008, "NotFound", "no such endpoint: "+resource+" addresses")
	}
	if lookupKey != "id" && lookupKey != "sourceId" {
		return errorBody(http.StatusBadRequest, 10006, "InvalidLookupKey", "unknown lookup key: "+lookupKey)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return errorBody(http.StatusBadRequest, 10005, "InvalidJSONPayload", "the request body is not a valid JSON object")
	}
	var msgs []string
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if k != "addresses" {
			msgs = append(msgs, fmt.Sprintf("#: extraneous key [%s] is not permitted", k))
		}
	}
	raw, has := top["addresses"]
	switch {
	case !has:
		msgs = append(msgs, "#: required key [addresses] not found")
	case typeName(raw) != "JSONArray":
		msgs = append(msgs, "#/addresses: expected type: JSONArray, found: "+typeName(raw))
	default:
		msgs = append(msgs, checkList("#/addresses", raw, addressKeys, "type", "code", "street", "city", "country")...)
	}
	if len(msgs) > 0 {
		return errorBody(http.StatusBadRequest, 10007, "SchemaValidationException", msgs...)
	}
	var items []map[string]json.RawMessage
	_ = json.Unmarshal(raw, &items)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxItems > 0 && len(items) > s.maxItems {
		return errorBody(http.StatusBadRequest, 10017, "PayloadValidationError",
			fmt.Sprintf("#/addresses: expected maximum item count: %d, found: %d", s.maxItems, len(items)))
	}
	if s.CountOnly() {
		return s.countAddresses(items)
	}
	owner, status, msg := s.findOwner(resource, lookupKey, lookupValue, source)
	if status != 0 {
		code, typ := 10008, "NotFound"
		if status == http.StatusBadRequest {
			code, typ = 0, "MultipleFound" // the code is not documented
		}
		return errorBody(status, code, typ, msg)
	}
	book := s.book(resource, owner)
	data := make([]map[string]any, 0, len(items))
	for _, a := range items {
		code := str(a["code"])
		rec, found := book.byCode[code]
		if !found {
			s.nextID++
			rec = &rawRecord{id: s.nextID, fields: map[string]json.RawMessage{}}
			book.byCode[code] = rec
			book.order = append(book.order, rec)
		}
		action := "update"
		if rec.creates == 0 {
			rec.creates, action = 1, "create"
		} else {
			rec.updates++
		}
		maps.Copy(rec.fields, a)
		data = append(data, map[string]any{"action": action, "id": rec.id, "key": code, "lookupKey": "code", "success": true})
	}
	s.stats.Writes += len(data)
	out, _ := json.Marshal(map[string]any{"data": data, "messages": []string{"Completed"}, "total": len(data)})
	return http.StatusOK, out
}

// countAddresses answers a checked addresses request in count-only mode:
// every address created, none kept (the owner is not looked up: no record
// is kept to find it in). The caller holds mu.
func (s *Server) countAddresses(items []map[string]json.RawMessage) (int, []byte) {
	data := make([]map[string]any, 0, len(items))
	for _, a := range items {
		s.nextID++
		data = append(data, map[string]any{"action": "create", "id": s.nextID, "key": str(a["code"]), "lookupKey": "code", "success": true})
	}
	s.stats.Writes += len(data)
	out, _ := json.Marshal(map[string]any{"data": data, "messages": []string{"Completed"}, "total": len(data)})
	return http.StatusOK, out
}

// findOwner finds the owner record's id; the caller holds mu. A sourceId
// lookup without source matches any source and is refused (400) when more
// than one record has that sourceId, as the lookup-keys page describes.
func (s *Server) findOwner(resource, lookupKey, lookupValue, source string) (id int64, status int, msg string) {
	st := s.stores[resource]
	singular := strings.TrimSuffix(resource, "s")
	if resource == "companies" {
		singular = "company"
	}
	notFound := fmt.Sprintf("%s with %s [%s] not found", singular, lookupKey, lookupValue)
	if lookupKey == "id" {
		n, err := strconv.ParseInt(lookupValue, 10, 64)
		if _, ok := st.byID[n]; err != nil || !ok {
			return 0, http.StatusNotFound, notFound
		}
		return n, 0, ""
	}
	var found []int64
	for k, rid := range st.bySource {
		parts := strings.Split(k, "\x00")
		if parts[1] == lookupValue && (source == "" || parts[0] == source) && !slices.Contains(found, rid) {
			found = append(found, rid)
		}
	}
	switch len(found) {
	case 0:
		return 0, http.StatusNotFound, notFound
	case 1:
		return found[0], 0, ""
	}
	return 0, http.StatusBadRequest, "Multiple " + resource + " found. Please provide additional filters"
}

// book returns the owner's address book; the caller holds mu.
func (s *Server) book(resource string, owner int64) *addressBook {
	k := resource + "\x00" + strconv.FormatInt(owner, 10)
	b, ok := s.books[k]
	if !ok {
		b = &addressBook{byCode: map[string]*rawRecord{}}
		s.books[k] = b
	}
	return b
}

func (s *Server) addresses(resource string, owner int64) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.books[resource+"\x00"+strconv.FormatInt(owner, 10)]
	if !ok {
		return nil
	}
	out := make([]Record, 0, len(b.order))
	for _, rec := range b.order {
		out = append(out, read(rec))
	}
	return out
}

// CustomerAddresses returns the addresses sent to the bulk addresses
// endpoint of the customer with Propeller id id, in creation order, each
// with the id the fake gave it. (Addresses sent inline with a customer are
// part of the customer record instead.)
func (s *Server) CustomerAddresses(id int64) []Record {
	return s.addresses("customers", id)
}

// CompanyAddresses is CustomerAddresses for a company.
func (s *Server) CompanyAddresses(id int64) []Record {
	return s.addresses("companies", id)
}
