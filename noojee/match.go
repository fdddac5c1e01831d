package noojee

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// answer turns a response into one result per lead of the chunk, or a
// chunk-level error. A single refusal code answers for the whole call. A
// single 0 answers a one-lead call; for a call of several leads it must
// carry the documented import summary in its message (see
// summaryResults), else the outcome of every lead is unknown. An array of
// codes answers per lead (matched by njExternalLeadId when every reply
// carries one, else by position).
func (cp *Campaign) answer(op string, resp *httpx.Response, chunk []*job) ([]batch.Result[Result], error) {
	replies, err := decodeReplies(resp.Body)
	if err != nil {
		// An empty body too: Noojee documents no empty answer, and it
		// confirms nothing.
		return nil, cp.undecodable(op, resp, chunk, err)
	}
	// One reply answers a one-lead call, or a whole bulk call when it names
	// no lead or refuses: a refusal naming one lead of several still
	// refused the call, and halving narrows it down. An OK naming one lead
	// of several cannot be matched.
	if len(replies) == 1 && (len(chunk) == 1 || replies[0].ExternalID == "" || replies[0].Code != CodeOK) {
		r := replies[0]
		if err := cp.replyError(op, resp, r, chunk, true); err != nil {
			return nil, err
		}
		sum, isSummary, err := parseImportSummary(r.Message)
		switch {
		case err != nil:
			return nil, malformedError(op, resp.StatusCode, cp.c.secrets.Redact(err.Error()), true)
		case isSummary:
			return cp.summaryResults(op, resp, sum, chunk), nil
		case len(chunk) > 1:
			// Noojee documents one answer for a call carrying several
			// leads: code 0 with the import summary. A bare 0 does not
			// say which of them went in.
			return nil, malformedError(op, resp.StatusCode, "code 0 without the import summary (Imported N Updated N Rejected N leads.) for a call of several leads", true)
		}
		if len(chunk) == 1 && r.ExternalID != "" {
			if own := strings.TrimSpace(externalID(&chunk[0].lead)); own != "" && !strings.EqualFold(own, strings.TrimSpace(r.ExternalID)) {
				return nil, malformedError(op, resp.StatusCode, "the answer names another lead's njExternalLeadId", true)
			}
		}
		out := make([]batch.Result[Result], len(chunk))
		for i := range out {
			out[i].Value = Result{Message: r.Message}
			if len(chunk) == 1 {
				out[i].Value.LeadID = r.LeadID
			}
		}
		return out, nil
	}
	order, err := matchReplies(replies, chunk)
	if err != nil {
		return nil, malformedError(op, resp.StatusCode, cp.c.secrets.Redact(err.Error()), true)
	}
	out := make([]batch.Result[Result], len(chunk))
	for i, ri := range order {
		r := replies[ri]
		if err := cp.replyError(op, resp, r, chunk[i:i+1], false); err != nil {
			out[i].Err = err
			continue
		}
		out[i].Value = Result{Message: r.Message, LeadID: r.LeadID}
	}
	return out, nil
}

// matchReplies returns, for each lead of the chunk, the index of its reply.
func matchReplies(replies []reply, chunk []*job) ([]int, error) {
	if len(replies) != len(chunk) {
		return nil, fmt.Errorf("%d replies for %d leads", len(replies), len(chunk))
	}
	byID := make(map[string]int, len(replies))
	for i, r := range replies {
		if r.ExternalID == "" {
			byID = nil
			break
		}
		if _, dup := byID[r.ExternalID]; dup {
			return nil, fmt.Errorf("two replies name njExternalLeadId %q", r.ExternalID)
		}
		byID[r.ExternalID] = i
	}
	order := make([]int, len(chunk))
	for i, j := range chunk {
		if byID == nil {
			order[i] = i
			continue
		}
		ri, ok := byID[externalID(&j.lead)]
		if !ok {
			return nil, fmt.Errorf("no reply names njExternalLeadId %q", externalID(&j.lead))
		}
		order[i] = ri
	}
	return order, nil
}

// replyError turns a decoded reply into nil (the leads went in) or the
// error for the leads it answers: the status's class refined by the code
// table. When whole is set the reply is the whole answer, and a 0 under a
// failure status is contradictory; in a per-lead list a 0 stands whatever
// the status of the mixed answer.
func (cp *Campaign) replyError(op string, resp *httpx.Response, r reply, leads []*job, whole bool) error {
	if r.Code == CodeOK {
		if whole && resp.StatusCode >= 300 {
			return malformedError(op, resp.StatusCode, "code 0 (OK) with a failure status", true)
		}
		return nil
	}
	return cp.responseError(op, resp, r.Code, cp.c.secrets.Redact(r.Message), leads)
}

// responseError is the error of a response that answered with code (zero:
// none) and message (already scrubbed).
func (cp *Campaign) responseError(op string, resp *httpx.Response, code Code, msg string, leads []*job) *Error {
	e := &Error{APIError: vendorkit.FromResponse[Code](vendor, op, resp, false)}
	if resp.StatusCode < 300 {
		e.Class = vendorkit.Rejected // a refusal code under a success status
	}
	codes.Apply(&e.APIError, code)
	switch {
	case e.Message != "" && msg != "": // a redirect that was not followed
		e.Message += ": " + msg
	case msg != "":
		e.Message = msg
	}
	if name, ok := codeNames[code]; ok && code != CodeOK && (msg == "" || strings.EqualFold(strings.TrimSpace(msg), name)) {
		e.Message = codes[code].Meaning // the code's String already names it
	}
	if len(leads) == 1 {
		e.ExternalID = externalID(&leads[0].lead)
	}
	return e
}

// undecodable turns a response without a readable code into an error: the
// class of its status (an unreadable 2xx may have written the leads).
func (cp *Campaign) undecodable(op string, resp *httpx.Response, chunk []*job, cause error) error {
	detail := cause.Error() + ": " + strconv.Quote(cp.c.snippet(resp.Body))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return malformedError(op, resp.StatusCode, detail, true)
	}
	e := cp.responseError(op, resp, 0, detail, chunk)
	e.noOperation = resp.StatusCode == 404
	return e
}
