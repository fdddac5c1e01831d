package agiliron

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
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
//
// Waiting is reading: a poll never sends the batch again, so it is not a
// second retry layer under the engine's. A failed poll is polled again at
// the next interval (later if the server asked, with Retry-After).
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
// whose records ended matching batch.ErrOutcomeUnknown with a BatchID.
func (c *Client) WaitBatch(ctx context.Context, batchID string) (*BatchResult, error) {
	return c.poll(ctx, batchID, nil)
}

// poll asks BatchStatus until the batch is completed, a late webhook
// result arrives, or ctx ends.
func (c *Client) poll(ctx context.Context, batchID string, webhook <-chan *BatchResult) (*BatchResult, error) {
	wait := min(firstPoll, c.cfg.pollInterval)
	var errs int
	for {
		if r, err := sleepOrResult(ctx, wait, webhook); r != nil || err != nil {
			return r, err
		}
		wait = min(wait*2, c.cfg.pollInterval)
		st, err := c.BatchStatus(ctx, batchID)
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return nil, ctx.Err()
			case batch.StopsRun(err) || vendorkit.IsLocal(err):
				return nil, err
			case batch.IsRetryable(err):
				// A transient failure (transport, 429, 5xx): keep polling
				// until the result timeout, no sooner than the server asked.
				wait = max(wait, batch.RetryAfterOf(err))
			default:
				if errs++; errs >= maxPollErrors {
					return nil, fmt.Errorf("%d BatchStatus polls in a row failed: %w", errs, err)
				}
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
				return nil, batchError(batchID, st.Status, "batch completed without a result")
			}
			continue
		case isFailedStatus(st.Status):
			if st.Result != nil {
				return st.Result, nil
			}
			return nil, batchError(batchID, st.Status, "batch ended with status "+st.Status+" and no result")
		}
		errs = 0
	}
}

// sleepOrResult waits d, or until a webhook result comes (a nil channel
// never does) or ctx ends.
func sleepOrResult(ctx context.Context, d time.Duration, webhook <-chan *BatchResult) (*BatchResult, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-webhook:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, nil
	}
}

// batchError is a batch whose final result is not known.
func batchError(batchID, status, msg string) *Error {
	e := newError("GET BatchStatus", vendorkit.Unknown, msg)
	e.BatchID = batchID
	codes.Apply(&e.APIError, Code(status))
	e.Class = vendorkit.Unknown
	return e
}

// BatchStatus fetches GET BatchStatus/{batch_id} once. Its Result is set
// once the batch has one; see BatchStatus.Completed. The request waits on
// the client's limiter first.
func (c *Client) BatchStatus(ctx context.Context, batchID string) (*BatchStatus, error) {
	const op = "GET BatchStatus"
	if strings.TrimSpace(batchID) == "" {
		return nil, invalid(op, "batch_id", "empty batch id")
	}
	if l := c.cfg.Engine.Limiter; l != nil {
		if err := l.Wait(ctx); err != nil {
			return nil, err
		}
	}
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: http.MethodGet, URL: c.endpoint("BatchStatus/"+url.PathEscape(batchID), nil),
		Header: c.header(false), Idempotent: true,
	})
	if err != nil {
		e := transportError(op, err)
		e.BatchID = batchID
		return nil, e
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.responseError(op, resp, true)
		e.BatchID, e.whole = batchID, false
		return nil, e
	}
	st, err := decodeBatchStatus(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		e := malformedAnswer(op, resp.StatusCode, c.http.Redact(err.Error()), true)
		e.BatchID = batchID
		return nil, e
	}
	return st, nil
}
