package agiliron

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// firstPoll is the wait before the first BatchStatus poll (or the poll
// interval, if shorter); waits then double up to the poll interval.
const firstPoll = 100 * time.Millisecond

// maxPollErrors is how many polls in a row may fail with a permanent
// error (404, a malformed answer, "Completed" without a result) before
// waiting stops.
const maxPollErrors = 5

// await returns the final result of batchID: from the webhook when one is
// configured and calls in time, else from BatchStatus. It gives up after
// the result timeout or when ctx ends.
func (c *Client) await(ctx context.Context, batchID string, webhook <-chan *BatchResult) (*BatchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.resultTimeout)
	defer cancel()
	if webhook != nil {
		t := time.NewTimer(c.cfg.callbackTimeout)
		select {
		case r := <-webhook:
			t.Stop()
			return r, nil
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
			c.log.Debug("agiliron: no callback in time; polling BatchStatus", "batch_id", batchID)
		}
	}
	return c.poll(ctx, batchID, webhook)
}

// WaitBatch polls GET BatchStatus/{batch_id} until the batch is completed
// and returns its result, or returns when ctx ends. Use it for a batch
// whose records ended with ErrOutcomeUnknown and a BatchID.
func (c *Client) WaitBatch(ctx context.Context, batchID string) (*BatchResult, error) {
	return c.poll(ctx, batchID, nil)
}

// poll asks BatchStatus until the batch is completed, a late webhook
// result arrives, or ctx ends.
func (c *Client) poll(ctx context.Context, batchID string, webhook <-chan *BatchResult) (*BatchResult, error) {
	wait := min(firstPoll, c.cfg.pollInterval)
	var errs int
	for {
		t := time.NewTimer(wait)
		select {
		case r := <-webhook: // nil channel: never
			t.Stop()
			return r, nil
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, c.cfg.pollInterval)
		st, err := c.BatchStatus(ctx, batchID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, ErrAuth) {
				return nil, err
			}
			if batch.IsRetryable(err) {
				// A transient failure (transport, 429, 5xx): keep polling
				// until the result timeout.
				c.log.Debug("agiliron: BatchStatus poll failed", "batch_id", batchID, "err", err)
				continue
			}
			if errs++; errs >= maxPollErrors {
				return nil, fmt.Errorf("%d BatchStatus polls in a row failed: %w", errs, err)
			}
			c.log.Debug("agiliron: BatchStatus poll failed", "batch_id", batchID, "err", err)
			continue
		}
		switch {
		case st.Completed():
			return st.Result, nil
		case isCompleted(st.Status):
			// Completed with an empty Response: perhaps written a moment
			// later; a few tries, then the outcome stays unknown.
			if errs++; errs >= maxPollErrors {
				return nil, &Error{Op: "GET BatchStatus", Status: st.Status, BatchID: batchID,
					Message: "batch completed without a result", kind: ErrOutcomeUnknown}
			}
			continue
		case isFailedStatus(st.Status):
			if st.Result != nil {
				return st.Result, nil
			}
			return nil, &Error{Op: "GET BatchStatus", Status: st.Status, BatchID: batchID,
				Message: "batch ended with status " + st.Status + " and no result", kind: ErrOutcomeUnknown}
		}
		errs = 0
	}
}

// isFailedStatus reports a final, unsuccessful BatchStatus status.
func isFailedStatus(s string) bool {
	for _, f := range []string{"Failed", "Failure", "Error", "Cancelled", "Canceled", "Aborted"} {
		if strings.EqualFold(s, f) {
			return true
		}
	}
	return false
}

// BatchStatus fetches GET BatchStatus/{batch_id} once. Its Result is set
// once the batch has one; see BatchStatus.Completed.
func (c *Client) BatchStatus(ctx context.Context, batchID string) (*BatchStatus, error) {
	const op = "GET BatchStatus"
	if strings.TrimSpace(batchID) == "" {
		return nil, &Error{Op: op, Message: "empty batch id", kind: ErrInvalid}
	}
	if err := c.waitLimiter(ctx); err != nil {
		return nil, err
	}
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: http.MethodGet, URL: c.endpoint("BatchStatus/"+url.PathEscape(batchID), nil),
		Header: c.header(false), Idempotent: true,
	})
	if err != nil {
		return nil, &Error{Op: op, BatchID: batchID, Message: "request failed", cause: err, kind: ErrBatchRefused, retryable: batch.IsRetryable(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := httpError(op, resp, true, c.http.Redact)
		e.BatchID = batchID
		return nil, e
	}
	st, err := DecodeBatchStatus(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, &Error{Op: op, BatchID: batchID, StatusCode: resp.StatusCode, Message: c.http.Redact(err.Error()), kind: ErrMalformed}
	}
	return st, nil
}
