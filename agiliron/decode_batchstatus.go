package agiliron

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// batchStatusJSON is GET BatchStatus/{id} in JSON.
type batchStatusJSON struct {
	BatchStatus *struct {
		ID               codec.String    `json:"Id"`
		BatchID          codec.String    `json:"BatchId"`
		Response         json.RawMessage `json:"Response"`
		RequestStartTime codec.String    `json:"RequestStartTime"`
		RequestEndTime   codec.String    `json:"RequestEndTime"`
		Status           codec.String    `json:"Status"`
	} `json:"BatchStatus"`
}

// decodeBatchStatus decodes the answer of GET BatchStatus/{batch_id} in
// JSON or XML. Its Response field holds the batch result as JSON text inside
// a string (in XML, as the element's text); it is decoded in turn, with
// LeadId as a number or a string. An empty Response leaves Result nil.
func decodeBatchStatus(contentType string, body []byte) (*BatchStatus, error) {
	if detectFormat(contentType, body) == XML {
		return batchStatusFromXML(body)
	}
	var w batchStatusJSON
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, malformed("BatchStatus", err)
	}
	if w.BatchStatus == nil {
		return nil, malformed("BatchStatus", errors.New("no BatchStatus object"))
	}
	b := w.BatchStatus
	s := &BatchStatus{
		ID: strings.TrimSpace(string(b.ID)), BatchID: strings.TrimSpace(string(b.BatchID)),
		Status:           strings.TrimSpace(string(b.Status)),
		RequestStartTime: string(b.RequestStartTime), RequestEndTime: string(b.RequestEndTime),
	}
	raw := bytes.TrimSpace(b.Response)
	if len(raw) > 0 && raw[0] == '"' {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return nil, malformed("BatchStatus.Response", err)
		}
		raw = bytes.TrimSpace([]byte(inner))
	}
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	r, err := resultFromJSON(raw) // JSON text: decodeResult would pick JSON
	if err != nil {
		return nil, fmt.Errorf("BatchStatus.Response: %w", err)
	}
	s.Result = r
	return s, nil
}

func batchStatusFromXML(body []byte) (*BatchStatus, error) {
	root, err := parseXML(body)
	if err != nil {
		return nil, malformed("BatchStatus", err)
	}
	n := root
	if !strings.EqualFold(n.name, "BatchStatus") {
		if n = root.child("BatchStatus"); n == nil {
			return nil, malformed("BatchStatus", errors.New("no BatchStatus element"))
		}
	}
	text := func(name string) string {
		if c := n.child(name); c != nil {
			return strings.TrimSpace(c.text)
		}
		return ""
	}
	s := &BatchStatus{
		ID: text("Id"), BatchID: text("BatchId"), Status: text("Status"),
		RequestStartTime: text("RequestStartTime"), RequestEndTime: text("RequestEndTime"),
	}
	resp := n.child("Response")
	switch {
	case resp == nil:
	case len(resp.kids) > 0:
		if s.Result, err = resultFromXML(resp); err != nil {
			return nil, fmt.Errorf("BatchStatus.Response: %w", err)
		}
	case strings.TrimSpace(resp.text) != "":
		if s.Result, err = decodeResult("application/json", []byte(resp.text)); err != nil {
			return nil, fmt.Errorf("BatchStatus.Response: %w", err)
		}
	}
	return s, nil
}

// isCompleted reports whether a BatchStatus status is final.
func isCompleted(status string) bool {
	return strings.EqualFold(status, "Completed") || strings.EqualFold(status, "Complete")
}
