package agilirontest

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func contentType(xmlOut bool) string {
	if xmlOut {
		return "application/xml; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// writeError answers status with {"Error":{"Message":…}} or
// <Error><Message>…</Message></Error>.
func writeError(w http.ResponseWriter, xmlOut bool, status int, msg string) {
	w.Header().Set("Content-Type", contentType(xmlOut))
	w.WriteHeader(status)
	if xmlOut {
		_, _ = w.Write([]byte("<Error><Message>" + html.EscapeString(msg) + "</Message></Error>"))
		return
	}
	b, _ := json.Marshal(map[string]map[string]string{"Error": {"Message": msg}})
	_, _ = w.Write(b)
}

// writeAck answers with the MCM acknowledgement, shaped as the seed's.
func (s *Server) writeAck(w http.ResponseWriter, xmlOut bool, objectType, msg, batchID string) {
	s.writeMCM(w, xmlOut, objectType, [][2]string{{"status", "Success"}, {"success_message", msg}, {"batch_id", batchID}}, nil)
}

// writeCreated answers POST Leads: status "Success" with the new ids in
// success_message.lead_id (one value, or a list), or status "Error" with
// failure in error_message.
func (s *Server) writeCreated(w http.ResponseWriter, xmlOut bool, ids []string, failure string) {
	if failure != "" {
		s.writeMCM(w, xmlOut, "Leads", [][2]string{{"status", "Error"}, {"error_message", failure}}, nil)
		return
	}
	s.writeMCM(w, xmlOut, "Leads", [][2]string{{"status", "Success"}}, ids)
}

// writeMCM writes {"MCM":{"response":{…},"parameters":{"results":{"message":{…}}}}}
// (or its XML form) with the message's fields in order; ids, when given,
// go in success_message as {"message":…,"lead_id":…}.
func (s *Server) writeMCM(w http.ResponseWriter, xmlOut bool, objectType string, fields [][2]string, ids []string) {
	s.writeMCMStatus(w, xmlOut, http.StatusOK, objectType, fields, ids)
}

// writeMCMStatus is writeMCM under an HTTP status. Its syncTime is the
// fake's clock (SetClock).
func (s *Server) writeMCMStatus(w http.ResponseWriter, xmlOut bool, status int, objectType string, fields [][2]string, ids []string) {
	sync := s.Now().UTC().Format("2006-01-02 15:04:05")
	w.Header().Set("Content-Type", contentType(xmlOut))
	w.WriteHeader(status)
	var b strings.Builder
	if xmlOut {
		b.WriteString("<MCM>\n<response>\n<objectType>" + objectType + "</objectType>\n<syncTime>" + sync +
			"</syncTime>\n</response>\n<parameters>\n<results>\n<message>\n")
		for _, f := range fields {
			b.WriteString("<" + f[0] + ">" + html.EscapeString(f[1]) + "</" + f[0] + ">\n")
		}
		if ids != nil {
			b.WriteString("<success_message>\n<message>" + objectType + " Added Successfully.</message>\n")
			for _, id := range ids {
				b.WriteString("<lead_id>" + id + "</lead_id>\n")
			}
			b.WriteString("</success_message>\n")
		}
		b.WriteString("</message>\n</results>\n</parameters>\n</MCM>\n")
		_, _ = io.WriteString(w, b.String())
		return
	}
	msg := make(map[string]any, len(fields)+1)
	for _, f := range fields {
		msg[f[0]] = f[1]
	}
	if ids != nil {
		var id any = ids
		if len(ids) == 1 {
			id = ids[0]
		}
		msg["success_message"] = map[string]any{"message": objectType + " Added Successfully.", "lead_id": id}
	}
	out, _ := json.Marshal(map[string]any{"MCM": map[string]any{
		"response":   map[string]string{"objectType": objectType, "syncTime": sync},
		"parameters": map[string]any{"results": map[string]any{"message": msg}},
	}})
	_, _ = w.Write(out)
}

// entries turns result entries into the callback's shape: the id, name,
// message and record under k's keys, the record as a string.
func entries(k *kind, es []entry) []map[string]string {
	out := make([]map[string]string, len(es))
	for i, e := range es {
		m := map[string]string{}
		for key, v := range map[string]string{k.idKey: e.id, k.nameKey: e.name, "Message": e.message} {
			if v != "" {
				m[key] = v
			}
		}
		if e.record > 0 {
			m["Record"] = strconv.Itoa(e.record)
		}
		out[i] = m
	}
	return out
}

// oneOrList is a single entry alone, or the list, as Agiliron writes them.
func oneOrList(es []map[string]string) any {
	if len(es) == 1 {
		return es[0]
	}
	return es
}

// entryKeys is the order entry fields are written in XML.
func entryKeys(k *kind) []string { return []string{k.idKey, k.nameKey, "Message", "Record"} }

// callbackBody is the result a callback carries, in the seed's shapes:
// JSON with counts as strings, successes under the object type ("Leads"),
// failures under k.failWrap ("Product" for leads), one entry alone or a
// list; XML with an element per entry named after the object type.
func callbackBody(k *kind, xmlOut bool, r *result) []byte {
	succ, fail := entries(k, r.success), entries(k, r.failure)
	if xmlOut {
		var b strings.Builder
		b.WriteString("<result>\n\t<SuccessNumber>" + strconv.Itoa(len(r.success)) + "</SuccessNumber>\n\t<FailureNumber>" +
			strconv.Itoa(len(r.failure)) + "</FailureNumber>\n")
		for _, g := range []struct {
			name string
			es   []map[string]string
		}{{"Success", succ}, {"Failure", fail}} {
			b.WriteString("\t<" + g.name + ">\n")
			for _, e := range g.es {
				b.WriteString("\t\t<" + k.objectType + ">")
				for _, key := range entryKeys(k) {
					if v, ok := e[key]; ok {
						b.WriteString("<" + key + ">" + html.EscapeString(v) + "</" + key + ">")
					}
				}
				b.WriteString("</" + k.objectType + ">\n")
			}
			b.WriteString("\t</" + g.name + ">\n")
		}
		b.WriteString("</result>")
		return []byte(b.String())
	}
	doc := map[string]any{"result": map[string]any{
		"SuccessNumber": strconv.Itoa(len(r.success)),
		"FailureNumber": strconv.Itoa(len(r.failure)),
		"Success":       map[string]any{k.objectType: oneOrList(succ)},
		"Failure":       map[string]any{k.failWrap: oneOrList(fail)},
	}}
	b, _ := json.Marshal(doc)
	return b
}

// statusResponse is the JSON text BatchStatus puts in Response: entries
// wrapped in the object type, ids as numbers, Record as a number.
func statusResponse(k *kind, r *result) []byte {
	conv := func(es []entry) []map[string]any {
		out := make([]map[string]any, len(es))
		for i, e := range es {
			m := map[string]any{}
			if n, err := strconv.Atoi(e.id); err == nil {
				m[k.idKey] = n
			} else if strings.TrimSpace(e.id) != "" {
				m[k.idKey] = e.id
			}
			if e.name != "" {
				m[k.nameKey] = e.name
			}
			if e.message != "" {
				m["Message"] = e.message
			}
			if e.record > 0 {
				m["Record"] = e.record
			}
			out[i] = map[string]any{k.objectType: m}
		}
		return out
	}
	b, _ := json.Marshal(map[string]any{
		"SuccessNumber": len(r.success), "FailureNumber": len(r.failure), "SuccessAccountId": 0,
		"Success": conv(r.success), "Failure": conv(r.failure),
	})
	return b
}

// statusDoc is the BatchStatus object.
type statusDoc struct {
	XMLName          xml.Name `json:"-" xml:"BatchStatus"`
	ID               string   `json:"Id" xml:"Id"`
	BatchID          string   `json:"BatchId" xml:"BatchId"`
	Response         string   `json:"Response" xml:"Response"`
	RequestStartTime string   `json:"RequestStartTime" xml:"RequestStartTime"`
	RequestEndTime   string   `json:"RequestEndTime" xml:"RequestEndTime"`
	Status           string   `json:"Status" xml:"Status"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}
