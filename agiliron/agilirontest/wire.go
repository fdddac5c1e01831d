package agilirontest

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
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
func writeAck(w http.ResponseWriter, xmlOut bool, method, batchID string) {
	msg := "Bulk Leads Update Initiated Successfully."
	if method == http.MethodPost {
		msg = "Bulk Leads Add Initiated Successfully."
	}
	sync := time.Now().UTC().Format("2006-01-02 15:04:05")
	w.Header().Set("Content-Type", contentType(xmlOut))
	if xmlOut {
		_, _ = w.Write([]byte("<MCM>\n<response>\n<objectType>Leads</objectType>\n<syncTime>" + sync +
			"</syncTime>\n</response>\n<parameters>\n<results>\n<message>\n<status>Success</status>\n<success_message> " +
			msg + " </success_message>\n<batch_id>" + batchID + "</batch_id>\n</message>\n</results>\n</parameters>\n</MCM>\n"))
		return
	}
	_, _ = w.Write([]byte(`{"MCM":{"response":{"objectType":"Leads","syncTime":"` + sync +
		`"},"parameters":{"results":{"message":{"status":"Success","success_message":"` + msg +
		`","batch_id":"` + batchID + `"}}}}}`))
}

// cbEntry is one entry of a callback body.
type cbEntry struct {
	XMLName  xml.Name `json:"-" xml:"Leads"`
	LeadID   string   `json:"LeadId,omitempty" xml:"LeadId,omitempty"`
	LeadName string   `json:"LeadName,omitempty" xml:"LeadName,omitempty"`
	Message  string   `json:"Message,omitempty" xml:"Message,omitempty"`
	Record   string   `json:"Record,omitempty" xml:"Record,omitempty"`
}

func cbEntries(es []agiliron.ResultEntry) []cbEntry {
	out := make([]cbEntry, len(es))
	for i, e := range es {
		out[i] = cbEntry{LeadID: e.LeadID, LeadName: e.LeadName, Message: e.Message}
		if e.Record > 0 {
			out[i].Record = strconv.Itoa(e.Record)
		}
	}
	return out
}

// oneOrList is a single entry alone, or the list, as Agiliron writes them.
func oneOrList(es []cbEntry) any {
	if len(es) == 1 {
		return es[0]
	}
	return es
}

// callbackBody is the result a callback carries, in the seed's shapes:
// JSON with counts as strings, successes under "Leads", failures under
// "Product", one entry alone or a list; XML with <Leads> entries.
func callbackBody(xmlOut bool, r *agiliron.BatchResult) []byte {
	succ, fail := cbEntries(r.Success), cbEntries(r.Failure)
	if xmlOut {
		type group struct {
			Leads []cbEntry `xml:"Leads"`
		}
		doc := struct {
			XMLName       xml.Name `xml:"result"`
			SuccessNumber int      `xml:"SuccessNumber"`
			FailureNumber int      `xml:"FailureNumber"`
			Success       group    `xml:"Success"`
			Failure       group    `xml:"Failure"`
		}{SuccessNumber: r.SuccessNumber, FailureNumber: r.FailureNumber, Success: group{succ}, Failure: group{fail}}
		b, _ := xml.MarshalIndent(doc, "", "\t")
		return b
	}
	doc := map[string]any{"result": map[string]any{
		"SuccessNumber": strconv.Itoa(r.SuccessNumber),
		"FailureNumber": strconv.Itoa(r.FailureNumber),
		"Success":       map[string]any{"Leads": oneOrList(succ)},
		"Failure":       map[string]any{"Product": oneOrList(fail)},
	}}
	b, _ := json.Marshal(doc)
	return b
}

// statusEntry is one entry inside BatchStatus's Response: LeadId a number.
type statusEntry struct {
	LeadID   json.RawMessage `json:"LeadId,omitempty"`
	LeadName string          `json:"LeadName,omitempty"`
	Message  string          `json:"Message,omitempty"`
	Record   int             `json:"Record,omitempty"`
}

type statusWrap struct {
	Leads statusEntry `json:"Leads"`
}

// statusResponse is the JSON text BatchStatus puts in Response.
func statusResponse(r *agiliron.BatchResult) []byte {
	conv := func(es []agiliron.ResultEntry) []statusWrap {
		out := make([]statusWrap, len(es))
		for i, e := range es {
			se := statusEntry{LeadName: e.LeadName, Message: e.Message, Record: e.Record}
			if _, err := strconv.Atoi(e.LeadID); err == nil {
				se.LeadID = json.RawMessage(e.LeadID)
			} else if strings.TrimSpace(e.LeadID) != "" {
				se.LeadID, _ = json.Marshal(e.LeadID)
			}
			out[i] = statusWrap{se}
		}
		return out
	}
	b, _ := json.Marshal(struct {
		SuccessNumber    int          `json:"SuccessNumber"`
		FailureNumber    int          `json:"FailureNumber"`
		SuccessAccountID int          `json:"SuccessAccountId"`
		Success          []statusWrap `json:"Success"`
		Failure          []statusWrap `json:"Failure"`
	}{r.SuccessNumber, r.FailureNumber, 0, conv(r.Success), conv(r.Failure)})
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
