package agiliron

import (
	"encoding/json"
	"strings"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// createdJSON is the common JSON answer to POST Leads, read into structs
// rather than a tree: the MCM message with its status, messages and new
// ids. encoding/json matches keys case-insensitively, as field does.
type createdJSON struct {
	MCM *struct {
		Parameters *struct {
			Results *struct {
				Message *createdMessageJSON `json:"message"`
			} `json:"results"`
		} `json:"parameters"`
	} `json:"MCM"`
}

// createdMessageJSON is MCM.parameters.results.message.
type createdMessageJSON struct {
	Status         codec.String    `json:"status"`
	SuccessMessage json.RawMessage `json:"success_message"`
	ErrorMessage   codec.String    `json:"error_message"`
	LeadIDs        json.RawMessage `json:"lead_id"`
	LeadID         json.RawMessage `json:"LeadId"`
	// Per-record results: their presence sends the answer to the tree
	// decoder, which reads every variant of them.
	SuccessNumber json.RawMessage `json:"SuccessNumber"`
	Success       json.RawMessage `json:"Success"`
	Failure       json.RawMessage `json:"Failure"`
}

// successMessageJSON is success_message given as an object.
type successMessageJSON struct {
	Message codec.String    `json:"message"`
	LeadIDs json.RawMessage `json:"lead_id"`
	LeadID  json.RawMessage `json:"LeadId"`
}

// decodeCreatedCommon reads a JSON answer to POST Leads in its common
// shape (a status, success_message as text or as an object with lead_id,
// no per-record results) as decodeCreatedTree would, without building a
// tree of maps. ok is false for anything else — an error, per-record
// results, a value of an unexpected type — which the tree decoder then
// reads (or refuses) as before.
func decodeCreatedCommon(body []byte) (out *created, ok bool) {
	var w createdJSON
	if json.Unmarshal(body, &w) != nil || w.MCM == nil || w.MCM.Parameters == nil ||
		w.MCM.Parameters.Results == nil || w.MCM.Parameters.Results.Message == nil {
		return nil, false
	}
	msg := w.MCM.Parameters.Results.Message
	if present(msg.SuccessNumber) || present(msg.Success) || present(msg.Failure) {
		return nil, false
	}
	out = &created{Status: strings.TrimSpace(string(msg.Status))}
	if sm := msg.SuccessMessage; len(sm) > 0 && sm[0] == '{' {
		var o successMessageJSON
		if json.Unmarshal(sm, &o) != nil {
			return nil, false
		}
		out.Message = strings.TrimSpace(string(o.Message))
		if out.IDs, ok = appendRawIDs(out.IDs, o.LeadIDs, o.LeadID); !ok {
			return nil, false
		}
	} else if len(sm) > 0 {
		var s codec.String
		if json.Unmarshal(sm, &s) != nil {
			return nil, false
		}
		out.Message = strings.TrimSpace(string(s))
	}
	if out.IDs, ok = appendRawIDs(out.IDs, msg.LeadIDs, msg.LeadID); !ok {
		return nil, false
	}
	if out.Message == "" {
		out.Message = strings.TrimSpace(string(msg.ErrorMessage))
	}
	if out.Status == "" {
		return nil, false // the tree decoder says why
	}
	return out, true
}

// present reports whether a member was given (null counts as absent, as
// field finds a nil there). A RawMessage from encoding/json holds the
// value alone, without the white space around it.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// appendRawIDs is appendIDs on raw values: a string (comma-separated ids
// allowed), a number, or a list of those; ok is false for another value
// (an object), which the tree decoder reads.
func appendRawIDs(out []string, raws ...json.RawMessage) (_ []string, ok bool) {
	for _, raw := range raws {
		switch {
		case len(raw) == 0:
		case raw[0] == '[':
			// The common list: numbers, or strings holding one number each
			// (json.Number takes both), read without a value per element.
			// Another list (nested, comma-separated strings) goes to the
			// tree decoder.
			var list []json.Number
			if json.Unmarshal(raw, &list) != nil {
				return nil, false
			}
			for _, id := range list {
				if id != "" { // null
					out = append(out, string(id))
				}
			}
		case raw[0] == '{':
			return nil, false
		default:
			var s codec.String
			if json.Unmarshal(raw, &s) != nil {
				return nil, false
			}
			for id := range strings.SplitSeq(string(s), ",") {
				if id = strings.TrimSpace(id); id != "" {
					out = append(out, id)
				}
			}
		}
	}
	return out, true
}
