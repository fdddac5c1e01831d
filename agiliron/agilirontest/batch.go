package agilirontest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
)

// fakeBatch is one queued batch.
type fakeBatch struct {
	seq        int
	id         string
	xml        bool // the request's format: the callback's
	records    bool // sendRecordNo=true
	callback   string
	fault      Fault
	leads      []agiliron.Lead
	method     string
	start, end time.Time
	done       bool
	result     agiliron.BatchResult
}

// process writes a batch's leads, completes it and calls back.
func (s *Server) process(b *fakeBatch, delay time.Duration) {
	defer s.wg.Done()
	defer s.busy.Add(-1)
	if !sleep(s.ctx, delay) {
		return
	}
	s.mu.Lock()
	var res agiliron.BatchResult
	for i, l := range b.leads {
		e := agiliron.ResultEntry{Record: i + 1, LeadID: l.LeadID}
		msg := s.apply(b.method, &l)
		if msg != "" {
			e.Message = msg
			res.Failure = append(res.Failure, e)
			continue
		}
		e.LeadID = l.LeadID
		e.LeadName = strings.TrimSpace(l.FirstName + " " + l.LastName)
		res.Success = append(res.Success, e)
	}
	res.SuccessNumber, res.FailureNumber = len(res.Success), len(res.Failure)
	if !b.records {
		for i := range res.Success {
			res.Success[i].Record = 0
		}
		for i := range res.Failure {
			res.Failure[i].Record = 0
		}
	}
	b.result, b.done, b.end = res, true, time.Now()
	if s.countOnly {
		b.leads = nil
	}
	cbDelay := s.callbackDelay
	s.mu.Unlock()

	if b.callback == "" {
		return
	}
	times := 1
	switch b.fault {
	case CallbackNever:
		return
	case CallbackTwice:
		times = 2
	case CallbackDelayed:
		if !sleep(s.ctx, cbDelay) {
			return
		}
	}
	body := callbackBody(b.xml, &res)
	for range times {
		s.callback(b, body)
	}
}

// apply validates and writes one lead under s.mu; it returns the failure
// message, or "" with l.LeadID set.
func (s *Server) apply(method string, l *agiliron.Lead) string {
	switch {
	case strings.TrimSpace(l.LastName) == "":
		return MsgLastNameBlank
	case strings.TrimSpace(l.Company) == "":
		return MsgCompanyBlank
	}
	if method == http.MethodPost {
		if l.LeadID != "" {
			return MsgLeadIDOnAdd
		}
		id := s.newID()
		l.LeadID = strconv.Itoa(id)
		if s.countOnly {
			s.counted++
			return ""
		}
		s.leads[id] = *l
		s.writes[id]++
		return ""
	}
	id, err := strconv.Atoi(l.LeadID)
	if s.countOnly && err == nil {
		s.counted++
		return ""
	}
	if _, ok := s.leads[id]; err != nil || !ok {
		return MsgNoSuchLead
	}
	// An update replaces the whole record, as Agiliron's does.
	s.leads[id] = *l
	s.writes[id]++
	return ""
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

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
