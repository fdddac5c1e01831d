package propeltest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// kind is a JSON value type as the schema messages name it.
type kind int

const (
	kString   kind = iota // a JSON string
	kInteger              // a JSON integer
	kStrOrNum             // a string or a number (sourceId, debtorId)
	kObject               // parent
	kArray                // addresses
)

// entity describes one resource's bulk schema.
type entity struct {
	field string          // "customers"
	keys  map[string]kind // the keys the API knows
	// needLanguage: the sourceId variant requires language.
	needLanguage bool
	// checkParent: a missing parent company fails the item (contacts).
	checkParent bool
}

var personKeys = map[string]kind{
	"id": kInteger, "source": kString, "sourceId": kStrOrNum, "language": kString,
	"debtorId": kStrOrNum, "firstName": kString, "middleName": kString, "lastName": kString,
	"abbreviation": kString, "title": kString, "dateOfBirth": kString, "gender": kString,
	"ssn": kString, "phone": kString, "mobile": kString, "email": kString,
	"parent": kObject, "primaryLanguage": kString,
}

func with(base map[string]kind, extra map[string]kind) map[string]kind {
	out := make(map[string]kind, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

var entities = map[string]*entity{
	"customers": {field: "customers", keys: with(personKeys, map[string]kind{"addresses": kArray})},
	"contacts":  {field: "contacts", keys: with(personKeys, map[string]kind{"company": kString}), checkParent: true},
	// The bulk company reference's fields (rest-v2/bulk-companies-by-source-id):
	// no email, no phone, no sources (see guideKeys).
	"companies": {field: "companies", needLanguage: true, keys: map[string]kind{
		"id": kInteger, "source": kString, "sourceId": kStrOrNum, "language": kString, "name": kString,
		"parent": kObject, "taxNumber": kString, "cocNumber": kString, "debtorId": kStrOrNum,
		"department": kString, "office": kString, "notes": kString,
		"inheritProductList": kString, "inheritOrderList": kString, "budget": kString,
		"budgetInherit": kString, "orderListAllowAll": kString, "attributes": kArray, "addresses": kArray,
	}},
}

// guideKeys are the company keys only the integration guide's example
// sends (import-companies-contacts-and-customers); the server accepts them
// only after AcceptGuideKeys(true).
var guideKeys = map[string]kind{"email": kString, "phone": kString, "sources": kArray}

var sourceKeys = map[string]kind{"name": kString, "id": kStrOrNum}

// attributeKeys are an "attributes" element's keys (bulk-users-by-source-id).
var attributeKeys = map[string]kind{"class": kString, "name": kString, "type": kString, "value": kStrOrNum}

var parentKeys = map[string]kind{"id": kInteger, "source": kString, "sourceId": kStrOrNum}

var addressKeys = map[string]kind{
	"type": kString, "code": kString, "company": kString, "firstName": kString, "middleName": kString,
	"lastName": kString, "gender": kString, "street": kString, "number": kString,
	"numberExtension": kString, "postalCode": kString, "city": kString, "region": kString,
	"country": kString, "phone": kString, "mobile": kString, "email": kString, "url": kString,
	"notes": kString, "icp": kString, "isDefault": kString,
}

// enums are the fields whose values the schema restricts.
var enums = map[string][]string{
	"gender": {"M", "F", "U"}, "icp": {"Y", "N"}, "isDefault": {"Y", "N"},
	"inheritProductList": {"Y", "N"}, "inheritOrderList": {"Y", "N"}, "budget": {"Y", "N", "H"},
	"budgetInherit": {"Y", "N"}, "orderListAllowAll": {"Y", "N", "U"},
}

// addressTypes are an address's "type" values (the bulk-addresses
// reference; its GET also shows "home", which no write documents).
var addressTypes = []string{"delivery", "invoice"}

// typeName names a raw JSON value's type the way the API's messages do.
func typeName(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "":
		return "Nothing"
	case s == "null":
		return "Null"
	case s[0] == '"':
		return "String"
	case s[0] == '{':
		return "JSONObject"
	case s[0] == '[':
		return "JSONArray"
	case s == "true" || s == "false":
		return "Boolean"
	case strings.ContainsAny(s, ".eE"):
		return "BigDecimal"
	default:
		return "Integer"
	}
}

func wantName(k kind) string {
	switch k {
	case kString:
		return "String"
	case kInteger:
		return "Integer"
	case kStrOrNum:
		return "String or Number"
	case kObject:
		return "JSONObject"
	default:
		return "JSONArray"
	}
}

func typeOK(k kind, raw json.RawMessage) bool {
	t := typeName(raw)
	switch k {
	case kString:
		return t == "String"
	case kInteger:
		return t == "Integer"
	case kStrOrNum:
		return t == "String" || t == "Integer"
	case kObject:
		return t == "JSONObject"
	default:
		return t == "JSONArray"
	}
}

// checkObject checks one object against its keys and returns the schema
// messages, e.g. "#/customers/0: extraneous key [company] is not permitted".
func checkObject(path string, obj map[string]json.RawMessage, keys map[string]kind) []string {
	var msgs []string
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		raw := obj[k]
		want, known := keys[k]
		if !known {
			msgs = append(msgs, fmt.Sprintf("%s: extraneous key [%s] is not permitted", path, k))
			continue
		}
		if !typeOK(want, raw) {
			msgs = append(msgs, fmt.Sprintf("%s/%s: expected type: %s, found: %s", path, k, wantName(want), typeName(raw)))
			continue
		}
		if allowed, ok := enums[k]; ok {
			var v string
			_ = json.Unmarshal(raw, &v)
			if !contains(allowed, v) {
				msgs = append(msgs, fmt.Sprintf("%s/%s: %s is not a valid enum value", path, k, v))
			}
		}
		switch k {
		case "parent":
			var p map[string]json.RawMessage
			_ = json.Unmarshal(raw, &p)
			msgs = append(msgs, checkObject(path+"/parent", p, parentKeys)...)
		case "addresses":
			msgs = append(msgs, checkList(path+"/addresses", raw, addressKeys, "type", "street", "city", "country")...)
		case "attributes":
			msgs = append(msgs, checkList(path+"/attributes", raw, attributeKeys, "class", "name", "type")...)
		case "sources":
			msgs = append(msgs, checkList(path+"/sources", raw, sourceKeys, "name", "id")...)
		}
	}
	return msgs
}

// checkList checks an array of objects with keys, each needing required.
func checkList(path string, raw json.RawMessage, keys map[string]kind, required ...string) []string {
	var msgs []string
	var list []json.RawMessage
	_ = json.Unmarshal(raw, &list)
	for j, a := range list {
		ap := fmt.Sprintf("%s/%d", path, j)
		var am map[string]json.RawMessage
		if typeName(a) != "JSONObject" || json.Unmarshal(a, &am) != nil {
			msgs = append(msgs, fmt.Sprintf("%s: expected type: JSONObject, found: %s", ap, typeName(a)))
			continue
		}
		if strings.HasSuffix(path, "/addresses") {
			if t, ok := am["type"]; ok && typeName(t) == "String" && !contains(addressTypes, str(t)) {
				msgs = append(msgs, fmt.Sprintf("%s/type: %s is not a valid enum value", ap, str(t)))
			}
		}
		msgs = append(msgs, checkObject(ap, am, keys)...)
		for _, req := range required {
			if _, ok := am[req]; !ok {
				msgs = append(msgs, fmt.Sprintf("%s: required key [%s] not found", ap, req))
			}
		}
	}
	return msgs
}

// checkRequired reports the lookup keys an item lacks.
func checkRequired(path string, obj map[string]json.RawMessage, byID, needLanguage bool) []string {
	var req []string
	if byID {
		req = []string{"id"}
	} else {
		req = []string{"source", "sourceId"}
		if _, guide := obj["sources"]; guide {
			req = nil // the guide's form: the key is sources[0] (checked by checkList)
		}
		if needLanguage {
			req = append(req, "language")
		}
	}
	var msgs []string
	for _, k := range req {
		if _, ok := obj[k]; !ok {
			msgs = append(msgs, fmt.Sprintf("%s: required key [%s] not found", path, k))
		}
	}
	if !byID {
		if _, ok := obj["id"]; ok {
			msgs = append(msgs, fmt.Sprintf("%s: extraneous key [id] is not permitted", path))
		}
	}
	return msgs
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// directives is what a request's "directives" ask for.
type directives struct {
	skipIfNotEmpty map[string]bool
	skipCreate     bool
}

var directiveOps = []string{"skipIfNotEmpty", "skipCreate", "skipMoveOnUpdate"}

// parseDirectives checks and reads the "directives" array.
func parseDirectives(raw json.RawMessage) (directives, []string) {
	var d directives
	if raw == nil {
		return d, nil
	}
	var list []json.RawMessage
	if typeName(raw) != "JSONArray" || json.Unmarshal(raw, &list) != nil {
		return d, []string{"#/directives: expected type: JSONArray, found: " + typeName(raw)}
	}
	var msgs []string
	for i, item := range list {
		path := fmt.Sprintf("#/directives/%d", i)
		var obj map[string]json.RawMessage
		if typeName(item) != "JSONObject" || json.Unmarshal(item, &obj) != nil {
			msgs = append(msgs, path+": expected type: JSONObject, found: "+typeName(item))
			continue
		}
		m := checkObject(path, obj, map[string]kind{"operation": kString, "fields": kArray})
		var op string
		_ = json.Unmarshal(obj["operation"], &op)
		if _, ok := obj["operation"]; !ok {
			m = append(m, path+": required key [operation] not found")
		} else if len(m) == 0 && !contains(directiveOps, op) {
			m = append(m, fmt.Sprintf("%s/operation: %s is not a valid enum value", path, op))
		}
		var fields []string
		if f, ok := obj["fields"]; ok && len(m) == 0 && json.Unmarshal(f, &fields) != nil {
			m = append(m, path+"/fields: expected an array of strings")
		}
		msgs = append(msgs, m...)
		if len(m) > 0 {
			continue
		}
		switch op {
		case "skipIfNotEmpty":
			if d.skipIfNotEmpty == nil {
				d.skipIfNotEmpty = map[string]bool{}
			}
			for _, f := range fields {
				d.skipIfNotEmpty[f] = true
			}
		case "skipCreate":
			d.skipCreate = true
		}
	}
	return d, msgs
}
