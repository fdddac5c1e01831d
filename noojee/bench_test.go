package noojee

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

func benchLeads(n int) []Lead {
	out := make([]Lead, n)
	for i := range out {
		out[i] = Lead{
			Fields:     map[string]string{"Name": fmt.Sprintf("Lead %d", i), "FirstPhone": fmt.Sprintf("03 9%03d %04d", i/10000, i%10000), "PostCode": "3064", "City": "Abbotsford"},
			ExternalID: fmt.Sprintf("CRM-%d", i),
			Priority:   PriorityOf(i % 101),
			CallBack:   time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC),
		}
	}
	return out
}

var benchTarget = Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"}

// BenchmarkEncodeLead is the package's lead encoder.
func BenchmarkEncodeLead(b *testing.B) {
	leads := benchLeads(100)
	var buf []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = encodeLead(buf[:0], &leads[i%100], &benchTarget)
	}
}

// BenchmarkEncodeLeadBaseline is encoding/json over a map, the plain way.
func BenchmarkEncodeLeadBaseline(b *testing.B) {
	leads := benchLeads(100)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l := &leads[i%100]
		m := make(map[string]any, len(l.Fields)+4)
		for k, v := range l.Fields {
			m[k] = v
		}
		m[FieldExternalID] = l.ExternalID
		m[FieldPriority] = *l.Priority
		m[FieldCallBackDate] = l.CallBack.Format(CallBackLayout)
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

// benchInsert runs n leads through the fake per iteration, with the
// client (sdk) or with plain net/http posting pre-encoded bodies.
func benchInsert(b *testing.B, n int, bulk, sdk bool) {
	srv := noojeetest.NewServer()
	defer srv.Close()
	c, err := New(WithBaseURL(srv.BaseURL()), WithAPIKey(noojeetest.APIKey), WithEngine(batch.Config{Concurrency: 4}), WithBatchSize(100),
		WithEngine(batch.Config{Concurrency: 4, Retry: batch.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}))
	if err != nil {
		b.Fatal(err)
	}
	if !bulk {
		srv.RemoveBulkEndpoint() // Create then sends one lead per insertLeadFast call
	}
	tg := benchTarget
	tg.AllowDuplicates = true
	leads := benchLeads(n)
	hc := &http.Client{}
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		round++
		tg.CampaignID = fmt.Sprint(round) // fresh campaign: no 112s
		if sdk {
			camp := c.Campaign(tg)
			rep, err := camp.Create(context.Background(), slices.Values(leads))
			if err != nil || rep.Succeeded != n {
				b.Fatal(err)
			}
			continue
		}
		url := srv.URL + noojeetest.Path + opInsertLeadFast + "?" + c.Campaign(tg).query + "&apiKey=" + noojeetest.APIKey
		size := 1
		if bulk {
			url = srv.URL + noojeetest.Path + opInsertLeadsFast + "?" + c.Campaign(tg).query + "&apiKey=" + noojeetest.APIKey
			size = 100
		}
		sem := make(chan struct{}, 4)
		errs := make(chan error, n)
		for i := 0; i < n; i += size {
			var body []byte
			if bulk {
				body = append(body, '[')
				for j := i; j < i+size && j < n; j++ {
					if j > i {
						body = append(body, ',')
					}
					body = encodeLead(body, &leads[j], &tg)
				}
				body = append(body, ']')
			} else {
				body = encodeLead(nil, &leads[i], &tg)
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				errs <- err
			}()
		}
		for range cap(sem) {
			sem <- struct{}{}
		}
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "leads/s")
}

func BenchmarkCreate1000(b *testing.B)                { benchInsert(b, 1000, true, true) }
func BenchmarkCreate1000Baseline(b *testing.B)        { benchInsert(b, 1000, true, false) }
func BenchmarkCreateFallback200(b *testing.B)         { benchInsert(b, 200, false, true) }
func BenchmarkCreateFallback200Baseline(b *testing.B) { benchInsert(b, 200, false, false) }

// summaryBody is a bulk answer rejecting every one of n leads, each row
// echoing only its phone (no njExternalLeadId column): the costliest
// placement.
func summaryBody(leads []Lead) []byte {
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "Imported 0 Updated 0 Rejected %d leads.\n\nErrors (If any):\n Name,FirstPhone,PostCode,City,Error Reason,\n", len(leads))
	for i := len(leads) - 1; i >= 0; i-- {
		f := leads[i].Fields
		fmt.Fprintf(&msg, "%s,%s,%s,%s,DUPLICATE,\n", f["Name"], f["FirstPhone"], f["PostCode"], f["City"])
	}
	body, _ := json.Marshal(map[string]any{"code": 0, "message": msg.String()})
	return body
}

// BenchmarkAnswerSummary1000 reads a 1,000-lead import summary that
// rejects every lead and places each row on its lead by phone.
func BenchmarkAnswerSummary1000(b *testing.B) {
	c, err := New(WithHost("pbx.example.com"), WithAPIKey("bench-key-123"))
	if err != nil {
		b.Fatal(err)
	}
	cp := c.Campaign(benchTarget)
	leads := benchLeads(MaxBatchSize)
	chunk := make([]*job, len(leads))
	for i := range leads {
		leads[i].ExternalID = ""
		chunk[i] = &job{lead: leads[i]}
	}
	resp := &httpx.Response{StatusCode: 200, Header: http.Header{}, Body: summaryBody(leads)}
	b.ReportAllocs()
	for b.Loop() {
		res, err := cp.answer(opInsertLeadsFast, resp, chunk)
		var e *Error
		if err != nil || !errors.As(res[0].Err, &e) || !e.InBulkSummary {
			b.Fatal(err, res[0].Err)
		}
	}
}

// BenchmarkAnswerSummary1000Baseline only decodes the same body with
// encoding/json and splits its message into lines, the least any reader
// of this answer does.
func BenchmarkAnswerSummary1000Baseline(b *testing.B) {
	body := summaryBody(benchLeads(MaxBatchSize))
	b.ReportAllocs()
	for b.Loop() {
		var r struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			b.Fatal(err)
		}
		if n := len(strings.Split(r.Message, "\n")); n < MaxBatchSize {
			b.Fatal(n)
		}
	}
}
