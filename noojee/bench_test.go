package noojee

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
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
