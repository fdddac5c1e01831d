package agiliron

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"iter"
	"net/http"
	"net/url"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

const bulkLeads = "Bulk-Leads"

// UpdateLeads updates existing leads: PUT Bulk-Leads with
// {"Leads":{"Lead":[…]}} (or <Leads><Lead>…</Lead></Leads>), callback_url
// (when a webhook is configured) and sendRecordNo=true, in batches of
// WithBatchSize leads, then waits for each batch's final result.
//
// An update REPLACES THE WHOLE RECORD: every writable field left empty is
// set to NULL by Agiliron. Send each lead complete, as read. Each lead
// must carry LeadId, LastName and Company (the WADL's required fields);
// one that does not fails with ErrInvalid and is not sent. A LeadId
// repeated in the input goes in a later batch than its first occurrence.
//
// An update by LeadId is idempotent, so a request that failed in transit,
// with 429 or 5xx, or with a malformed acknowledgement is sent again with
// backoff. A request refused as a whole with 400, 413 or 422 (nothing
// queued) is split in halves and sent again, down to single leads, so only
// the leads at fault fail. Each lead ends succeeded, or failed with
// Agiliron's message (ErrRejected) or another *Error; the report is final
// when the method returns, and the error is rep.Err().
func (c *Client) UpdateLeads(ctx context.Context, leads []Lead) (*batch.Report[LeadResult], error) {
	rep := batch.RunSlice(ctx, c.leadsOp(http.MethodPut), c.cfg.engine.Config(), leads)
	return rep, rep.Err()
}

// UpdateLeadsSeq is UpdateLeads over a sequence, read as it goes.
func (c *Client) UpdateLeadsSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[LeadResult], error) {
	rep := batch.Run(ctx, c.leadsOp(http.MethodPut), c.cfg.engine.Config(), leads)
	return rep, rep.Err()
}

// AddLeads creates new leads: POST Bulk-Leads with the same body as
// UpdateLeads, for leads without LeadId (one with a LeadId fails with
// ErrInvalid and is not sent), then waits for each batch's final result.
//
// A create is not idempotent: a request refused outright (429, 503, a
// connection that never reached the server) is sent again, but one that
// may have reached the server (a timeout after sending, a 500, a malformed
// acknowledgement) is never replayed; its leads fail with
// ErrOutcomeUnknown, so that no lead is added twice. Check those with
// WaitBatch (when the error carries a BatchID) or by reading the leads. A
// request refused as a whole with 400, 413 or 422 is split in halves as
// for UpdateLeads (Agiliron queued nothing).
func (c *Client) AddLeads(ctx context.Context, leads []Lead) (*batch.Report[LeadResult], error) {
	rep := batch.RunSlice(ctx, c.leadsOp(http.MethodPost), c.cfg.engine.Config(), leads)
	return rep, rep.Err()
}

// AddLeadsSeq is AddLeads over a sequence, read as it goes.
func (c *Client) AddLeadsSeq(ctx context.Context, leads iter.Seq[Lead]) (*batch.Report[LeadResult], error) {
	rep := batch.Run(ctx, c.leadsOp(http.MethodPost), c.cfg.engine.Config(), leads)
	return rep, rep.Err()
}

// leadsOp is the engine's description of a Bulk-Leads PUT or POST.
func (c *Client) leadsOp(method string) batch.Op[Lead, LeadResult] {
	op := batch.Op[Lead, LeadResult]{
		Name:     method + " " + bulkLeads,
		MaxItems: c.cfg.batchSize,
		Send: func(ctx context.Context, chunk []Lead) ([]batch.Result[LeadResult], error) {
			return c.sendLeads(ctx, method, chunk)
		},
		Isolate: isolate,
	}
	if method == http.MethodPut {
		op.Key = func(l Lead) string { return l.LeadID }
		op.Validate = validateUpdate
		op.UniqueKeys = true
	} else {
		op.Key = func(l Lead) string { return l.Email }
		op.Validate = validateAdd
	}
	return op
}

// isolate reports a request refused as a whole before anything was queued
// (400, 413, 422): the engine then halves the batch until the leads at
// fault are named, which also finds a batch size the server accepts.
func isolate(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.kind != ErrBatchRefused {
		return false
	}
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// EncodeLeads returns the Bulk-Leads request body for leads in format f:
// {"Leads":{"Lead":[…]}} or <Leads><Lead>…</Lead></Leads>.
func EncodeLeads(f Format, leads []Lead) ([]byte, error) {
	var b bytes.Buffer
	if f == XML {
		if err := xml.NewEncoder(&b).Encode(leadsEnvelopeXML{Lead: leads}); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	// One pass over wire structs: no per-lead MarshalJSON round trip.
	var env struct {
		Leads struct {
			Lead []leadJSON `json:"Lead"`
		} `json:"Leads"`
	}
	env.Leads.Lead = make([]leadJSON, len(leads))
	for i := range leads {
		env.Leads.Lead[i] = toLeadJSON(&leads[i])
	}
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// DecodeLeads reads a Bulk-Leads body (JSON or XML, chosen by contentType
// or sniffed), a Lead given as one object or a list.
func DecodeLeads(contentType string, body []byte) ([]Lead, error) {
	if detectFormat(contentType, body) == XML {
		var env leadsEnvelopeXML
		if err := xml.Unmarshal(body, &env); err != nil {
			return nil, err
		}
		return env.Lead, nil
	}
	var env struct {
		Leads *struct {
			Lead json.RawMessage `json:"Lead"`
		} `json:"Leads"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	if env.Leads == nil {
		return nil, errors.New("agiliron: no Leads object")
	}
	raw := bytes.TrimSpace(env.Leads.Lead)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '[' {
		var list []Lead
		err := json.Unmarshal(raw, &list)
		return list, err
	}
	var one Lead
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, err
	}
	return []Lead{one}, nil
}

// sendLeads submits one batch and waits for its final result.
func (c *Client) sendLeads(ctx context.Context, method string, chunk []Lead) ([]batch.Result[LeadResult], error) {
	op := method + " " + bulkLeads
	idempotent := method == http.MethodPut
	body, err := EncodeLeads(c.cfg.reqFormat, chunk)
	if err != nil {
		return nil, &Error{Op: op, Message: "encoding the request: " + err.Error(), kind: ErrInvalid}
	}
	q := url.Values{}
	var results <-chan *BatchResult
	if h := c.cfg.webhook; h != nil {
		ref := newRef()
		results = h.register(ref)
		defer h.forget(ref)
		q.Set("callback_url", c.callbackURL(ref))
	}
	q.Set("sendRecordNo", "true")
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: method, URL: c.endpoint(bulkLeads, q), Header: c.header(true),
		Body: body, Idempotent: idempotent,
	})
	if err != nil {
		return nil, sendError(op, err, idempotent)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpError(op, resp, idempotent, c.http.Redact)
	}
	ack, err := DecodeAck(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		e := &Error{Op: op, StatusCode: resp.StatusCode, Status: ack.Status, Message: c.http.Redact(err.Error()), kind: ErrBatchRefused}
		if errors.Is(err, ErrMalformed) {
			// The server answered 2xx: the batch may have been queued.
			if idempotent {
				e.kind, e.retryable = ErrMalformed, true
			} else {
				e.kind = ErrOutcomeUnknown
				e.Message += " (the batch may have been queued; not replayed)"
			}
		}
		return nil, e
	}
	c.log.Debug("agiliron: batch accepted", "op", op, "batch_id", ack.BatchID, "leads", len(chunk))
	if c.cfg.acceptedHook != nil {
		c.cfg.acceptedHook(ack, len(chunk))
	}
	res, err := c.await(ctx, ack.BatchID, results)
	if err != nil {
		out := make([]batch.Result[LeadResult], len(chunk))
		for i := range out {
			out[i] = batch.Result[LeadResult]{
				Value: LeadResult{BatchID: ack.BatchID, LeadID: chunk[i].LeadID, Record: i + 1},
				Err: &Error{Op: op, BatchID: ack.BatchID, LeadID: chunk[i].LeadID, Record: i + 1,
					Message: "no final result for the batch", kind: ErrOutcomeUnknown, cause: err},
			}
		}
		return out, nil
	}
	return matchResults(op, chunk, ack.BatchID, res, c.log), nil
}

// sendError classifies a bulk request that got no usable answer. One that
// may have reached Agiliron (written before the connection failed, or
// answered with a body too large to read) has an unknown outcome; only an
// update is then sent again.
func sendError(op string, err error, idempotent bool) *Error {
	e := &Error{Op: op, Message: "request failed", cause: err, kind: ErrBatchRefused, retryable: batch.IsRetryable(err)}
	var te *httpx.TransportError
	switch {
	case errors.Is(err, httpx.ErrOutcomeUnknown), errors.As(err, &te) && te.MaybeSent:
		e.kind = ErrOutcomeUnknown
	case errors.Is(err, httpx.ErrBodyTooLarge):
		e.kind, e.retryable = ErrOutcomeUnknown, idempotent
		e.Message = "the answer was too large to read"
	}
	return e
}

// callbackURL returns the webhook URL for one batch: the configured URL
// with the batch's ref and the handler's secret added.
func (c *Client) callbackURL(ref string) string {
	u, _ := url.Parse(c.cfg.callbackURL) // checked by WithWebhook
	q := u.Query()
	q.Set(refParam, ref)
	q.Set(secretParam, c.cfg.webhook.secret)
	u.RawQuery = q.Encode()
	return u.String()
}
