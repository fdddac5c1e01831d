package pardot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// BatchCreate creates prospects: POST /api/prospect/version/{3|4}/do/batchCreate.
// Every prospect needs a valid email, unique within ps (a repeat is
// reported Failed with ErrDuplicateIdentifier and not sent) and no id. A
// create whose answer is lost is reported Failed with an error matching
// httpx.ErrOutcomeUnknown, never sent twice. The error is rep.Err().
func (c *Client) BatchCreate(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opCreate), c.batchConfig(), ps)
	return rep, rep.Err()
}

// BatchCreateSeq is BatchCreate over a stream of prospects.
func (c *Client) BatchCreateSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opCreate), c.batchConfig(), ps)
	return rep, rep.Err()
}

// BatchUpdate updates existing prospects: POST
// /api/prospect/version/{3|4}/do/batchUpdate. Version 3 finds a prospect by
// id or email, version 4 by id or fid. Records with the same identifier go
// in different requests (see the package doc).
func (c *Client) BatchUpdate(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opUpdate), c.batchConfig(), ps)
	return rep, rep.Err()
}

// BatchUpdateSeq is BatchUpdate over a stream of prospects.
func (c *Client) BatchUpdateSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opUpdate), c.batchConfig(), ps)
	return rep, rep.Err()
}

// BatchUpsert updates prospects that exist and creates the others: POST
// /api/prospect/version/{3|4}/do/batchUpsert. Version 3 matches by id or
// email; version 4 by id or fid (a fid not found creates a prospect with
// the record's email).
func (c *Client) BatchUpsert(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opUpsert), c.batchConfig(), ps)
	return rep, rep.Err()
}

// BatchUpsertSeq is BatchUpsert over a stream of prospects.
func (c *Client) BatchUpsertSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opUpsert), c.batchConfig(), ps)
	return rep, rep.Err()
}

// op builds the engine operation for one run.
func (c *Client) op(o operation) batch.Op[Prospect, Result] {
	v := c.cfg.version
	validateFn := func(p Prospect) error { return validate(v, o, &p) }
	if o == opCreate {
		seen := make(map[string]struct{})
		validateFn = func(p Prospect) error {
			if err := validate(v, o, &p); err != nil {
				return err
			}
			k := strings.ToLower(p.Email)
			if _, dup := seen[k]; dup {
				return fmt.Errorf("%w: email %q appears earlier in the input", ErrDuplicateIdentifier, p.Email)
			}
			seen[k] = struct{}{}
			return nil
		}
	}
	// refusedAlone counts the run's single-prospect requests refused as a
	// whole (see isolate).
	var refusedAlone atomic.Int64
	return batch.Op[Prospect, Result]{
		Name:       "pardot " + o.path(),
		MaxItems:   c.cfg.batchSize,
		Key:        func(p Prospect) string { return recordKey(v, o, &p) },
		Validate:   validateFn,
		UniqueKeys: true,
		Send: func(ctx context.Context, chunk []Prospect) ([]batch.Result[Result], error) {
			res, err := c.send(ctx, o, chunk)
			if len(chunk) == 1 && refusedBeforeWrite(err) {
				refusedAlone.Add(1)
			}
			return res, err
		},
		// A request refused as a whole before any write (70, 71, 72,
		// 10000) is split in halves down to single prospects, so only
		// the prospects at fault fail. Once a whole batch's worth of
		// prospects has been refused alone, the refusal is evidently not
		// about single prospects (every request would earn it): later
		// requests are then failed whole instead of split, so a wrong
		// setting costs one request per batch, not two per prospect.
		Isolate: func(err error) bool {
			return refusedBeforeWrite(err) && refusedAlone.Load() < int64(c.cfg.batchSize)
		},
	}
}

// refusedBeforeWrite reports a chunk error that Error.refusedBeforeWrite
// allows to isolate.
func refusedBeforeWrite(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.refusedBeforeWrite()
}

// send posts one chunk and maps Pardot's answer to one result per prospect.
func (c *Client) send(ctx context.Context, o operation, chunk []Prospect) ([]batch.Result[Result], error) {
	doc := encodeBatch(make([]byte, 0, 128*len(chunk)), c.cfg.version, c.cfg.reqFormat, o, chunk)
	body := encodeForm(c.cfg.respFormat.String(), doc)
	endpoint := c.cfg.baseURL + "/api/prospect/version/" + strconv.Itoa(c.cfg.version) + "/do/" + o.path()
	idempotent := o != opCreate
	for attempt := 0; ; attempt++ {
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		used, err := c.auth.apply(ctx, h)
		if err != nil {
			return nil, err
		}
		resp, err := c.http.Do(ctx, &httpx.Request{
			Method: http.MethodPost, URL: endpoint, Header: h, Body: body, Idempotent: idempotent,
		})
		if err != nil {
			return nil, err
		}
		r, derr := decodeResponse(resp.Body)
		if derr == nil && r.Failed {
			e := globalError(o, resp.StatusCode, r.Errs)
			if e.Code == CodeInvalidAPIKey {
				if attempt == 0 && c.auth.renew(used) {
					c.cfg.logger.Debug("pardot: api key expired, logging in again", "op", o.path())
					continue
				}
				e.fatal = true
			}
			return nil, e
		}
		if derr != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
			e := statusError(o, resp.StatusCode, resp.Header, derr)
			e.Message = c.http.Redact(e.Message) // derr may quote the body
			return nil, e
		}
		return matchResults(c.cfg.version, o, chunk, r.Items, resp.StatusCode)
	}
}

// encodeForm builds the form body "format=…&prospects=…".
func encodeForm(format string, doc []byte) []byte {
	esc := url.QueryEscape(string(doc))
	b := make([]byte, 0, len("format=&prospects=")+len(format)+len(esc))
	b = append(b, "format="...)
	b = append(b, format...)
	b = append(b, "&prospects="...)
	return append(b, esc...)
}

// globalError merges a global failure's errors into one *Error.
func globalError(o operation, status int, errs []*Error) *Error {
	e := *errs[0]
	e.Op, e.HTTPStatus = o.path(), status
	for _, x := range errs[1:] {
		e.Message += "; " + x.Message
		if x.Param != "" {
			e.Message += " (param " + x.Param + ")"
		}
	}
	return &e
}

// statusError classifies a response without a usable Pardot body. A
// create that may have been applied is never retried.
func statusError(o operation, status int, header http.Header, derr error) *Error {
	e := &Error{Op: o.path(), HTTPStatus: status}
	if d, ok := httpx.ParseRetryAfter(header.Get("Retry-After"), time.Now()); ok {
		e.retryAfter = d
	}
	if derr != nil {
		e.Message, e.cause = derr.Error(), derr
	} else {
		e.Message = http.StatusText(status)
	}
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		e.retryable = true // refused before any work
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.fatal = true
	case status >= 200 && status < 300 || status >= 500:
		if o == opCreate {
			e.Message += "; the batch may have been applied, not resent"
			e.cause = errors.Join(e.cause, httpx.ErrOutcomeUnknown)
		} else {
			e.retryable = true // update and upsert by identifier are idempotent
		}
	}
	return e
}

// matchResults turns the per-prospect errors into one result per record.
func matchResults(version int, o operation, chunk []Prospect, items []itemError, status int) ([]batch.Result[Result], error) {
	results := make([]batch.Result[Result], len(chunk))
	for _, it := range items {
		i, ok := resolveKey(version, o, chunk, it.Key)
		if !ok {
			return nil, unmatchedKey(o, status, it)
		}
		if prev, _ := results[i].Err.(*Error); prev != nil {
			prev.Message += "; " + it.Message
			continue
		}
		results[i].Err = &Error{Op: o.path(), HTTPStatus: status, Key: it.Key, Code: it.Code, Message: it.Message}
	}
	return results, nil
}

// unmatchedKey is the error of a whole request whose errors map names a
// key that matches none of its prospects. Pardot processed the request, so
// the others may have been written: the error is never retried (Code stays
// 0 even when the entry carried a retryable code such as 62) and matches
// httpx.ErrOutcomeUnknown as well as ErrUnmatchedKey.
func unmatchedKey(o operation, status int, it itemError) *Error {
	msg := "the errors map names a prospect not in the request; Pardot processed the request, so the outcome of its prospects is unknown (entry"
	if it.Code != 0 {
		msg += fmt.Sprintf(" code %d,", it.Code)
	}
	msg += fmt.Sprintf(" message %q)", it.Message)
	return &Error{Op: o.path(), HTTPStatus: status, Key: it.Key, Message: msg,
		cause: errors.Join(ErrUnmatchedKey, httpx.ErrOutcomeUnknown)}
}

// resolveKey finds the record an errors-map key names: by position first
// in version 4, by identifier first in version 3, then the other way.
func resolveKey(version int, o operation, chunk []Prospect, key string) (int, bool) {
	byIndex := func() (int, bool) {
		n, err := strconv.Atoi(key)
		if err != nil || n < 0 || n >= len(chunk) || strconv.Itoa(n) != key {
			return 0, false
		}
		return n, true
	}
	byIdent := func() (int, bool) {
		for i := range chunk {
			p := &chunk[i]
			if version == 3 && v3Key(o, p) == key {
				return i, true
			}
		}
		for i := range chunk {
			p := &chunk[i]
			if (p.ID != 0 && strconv.FormatInt(p.ID, 10) == key) ||
				(p.FID != "" && p.FID == key) ||
				(p.Email != "" && strings.EqualFold(p.Email, key)) {
				return i, true
			}
		}
		return 0, false
	}
	if version == 3 {
		if i, ok := byIdent(); ok {
			return i, true
		}
		return byIndex()
	}
	if i, ok := byIndex(); ok {
		return i, true
	}
	return byIdent()
}
