package agilirontest

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// fakeBatch is one queued batch.
type fakeBatch struct {
	seq        int
	id         string
	kind       *kind
	xml        bool // the request's format: the callback's
	records    bool // sendRecordNo=true
	callback   string
	behaviour  Callback
	run        func() result // writes the records; s.mu held
	start, end time.Time
	done       bool
	result     result
}

// process writes a batch's records once the fake's clock reads due,
// completes it and calls back. Both waits run on the fake's clock
// (fakekit's WaitUntil), so a test on a ManualClock moves them with
// Advance.
func (s *Server) process(b *fakeBatch, due time.Time) {
	defer s.wg.Done()
	defer s.busy.Add(-1)
	if s.WaitUntil(s.ctx, due) != nil {
		return
	}
	s.mu.Lock()
	res := b.run()
	if !b.records {
		for i := range res.success {
			res.success[i].record = 0
		}
		for i := range res.failure {
			res.failure[i].record = 0
		}
	}
	b.result, b.done, b.end = res, true, s.Now()
	callbackDue := b.end.Add(s.callbackDelay)
	s.mu.Unlock()

	if b.callback == "" {
		return
	}
	times := 1
	switch b.behaviour {
	case CallbackNever:
		return
	case CallbackTwice:
		times = 2
	case CallbackDelayed:
		if s.WaitUntil(s.ctx, callbackDue) != nil {
			return
		}
	}
	body := callbackBody(b.kind, b.xml, &res)
	for range times {
		s.callback(b, body)
	}
}

// callback delivers body to the batch's callback URL with PUT.
func (s *Server) callback(b *fakeBatch, body []byte) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPut, b.callback, bytes.NewReader(body))
	status := 0
	if err == nil {
		req.Header.Set("Content-Type", contentType(b.xml))
		if resp, err := s.hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
	}
	s.mu.Lock()
	s.stats.Callbacks++
	s.stats.CallbackStatuses = append(s.stats.CallbackStatuses, status)
	s.mu.Unlock()
}
