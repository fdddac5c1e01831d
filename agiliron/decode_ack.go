package agiliron

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// decodeAck decodes Agiliron's acknowledgement of a bulk request (the MCM
// envelope) in JSON or XML, chosen by contentType or sniffed. A
// non-success status yields the Ack (see accepted); a body that is not an
// MCM acknowledgement, or a success without a batch id, yields an error
// wrapping batch.ErrMalformedResponse.
func decodeAck(contentType string, body []byte) (Ack, error) {
	var w *mcmWire
	switch detectFormat(contentType, body) {
	case XML:
		w = new(mcmWire)
		if err := xml.Unmarshal(body, w); err != nil {
			return Ack{}, malformed("acknowledgement", err)
		}
	default:
		var env mcmEnvelopeJSON
		if err := json.Unmarshal(body, &env); err != nil {
			return Ack{}, malformed("acknowledgement", err)
		}
		if env.MCM == nil {
			return flatAck(body)
		}
		w = env.MCM
	}
	m := w.Parameters.Results.Message
	ack := Ack{
		ObjectType: strings.TrimSpace(w.Response.ObjectType),
		SyncTime:   strings.TrimSpace(w.Response.SyncTime),
		Status:     strings.TrimSpace(string(m.Status)),
		Message:    strings.TrimSpace(string(m.SuccessMessage)),
		BatchID:    strings.TrimSpace(string(m.BatchID)),
	}
	if ack.Message == "" {
		ack.Message = strings.TrimSpace(string(m.ErrorMessage))
	}
	switch {
	case ack.Status == "":
		return ack, malformed("acknowledgement", errors.New("no status"))
	case !ack.accepted():
		return ack, nil
	case ack.BatchID == "":
		return ack, malformed("acknowledgement", errors.New("no batch_id"))
	}
	return ack, nil
}

// flatAck reads the flat acknowledgement some Agiliron pages describe,
// {"message": "…", "batch_id": "…"}, when there is no MCM envelope.
func flatAck(body []byte) (Ack, error) {
	var f struct {
		Status  codec.String `json:"status"`
		Message codec.String `json:"message"`
		BatchID codec.String `json:"batch_id"`
	}
	if err := json.Unmarshal(body, &f); err != nil || strings.TrimSpace(string(f.BatchID)) == "" {
		return Ack{}, malformed("acknowledgement", errors.New("no MCM object and no batch_id"))
	}
	ack := Ack{Status: strings.TrimSpace(string(f.Status)), Message: strings.TrimSpace(string(f.Message)),
		BatchID: strings.TrimSpace(string(f.BatchID))}
	if ack.Status == "" {
		ack.Status = "Success"
	}
	return ack, nil
}

// accepted reports whether Agiliron accepted the batch ("Success").
func (a Ack) accepted() bool { return strings.EqualFold(a.Status, "Success") }
