package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

const benchRecords = 10000

// benchFake starts a fake holding benchRecords partner_clients, without
// rate limit, and returns it with the update inputs.
func benchFake(b *testing.B) (*hubspottest.Server, []UpdateInput) {
	b.Helper()
	srv := hubspottest.NewServer()
	srv.SetRateLimit(0, 0)
	b.Cleanup(srv.Close)
	in := make([]UpdateInput, benchRecords)
	for i := range in {
		id := srv.Put("partner_clients", map[string]string{"property_string": "old"})
		in[i] = UpdateInput{ID: id, Properties: Properties{"property_string": "v" + strconv.Itoa(i), "property_number": "17"}}
	}
	return srv, in
}

// reportPerRecord adds records/s and allocs/record (client and in-process
// fake together, the same fake for both benchmarks).
func reportPerRecord(b *testing.B, before *runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	records := float64(b.N * benchRecords)
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
}

// BenchmarkBatchUpdate10k: BatchUpdate of 10,000 records (100 requests)
// against the fake over loopback.
func BenchmarkBatchUpdate10k(b *testing.B) {
	srv, in := benchFake(b)
	c, err := New(WithBaseURL(srv.URL), WithToken(hubspottest.DefaultToken))
	if err != nil {
		b.Fatal(err)
	}
	objs := c.Objects("partner_clients")
	ctx := context.Background()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		rep, err := objs.BatchUpdate(ctx, in)
		if err != nil || rep.Succeeded != benchRecords {
			b.Fatalf("%v, %d succeeded", err, rep.Succeeded)
		}
	}
	b.StopTimer()
	reportPerRecord(b, &before)
}

// BenchmarkPlainLoopUpdate10k is the baseline: the same 100 requests (same
// body shape, trace ids included) with net/http and encoding/json in a
// plain loop, no engine, no matching beyond a count check.
func BenchmarkPlainLoopUpdate10k(b *testing.B) {
	srv, in := benchFake(b)
	hc := &http.Client{}
	url := srv.URL + "/crm/v3/objects/partner_clients/batch/update"
	type input struct {
		ID                 string            `json:"id"`
		Properties         map[string]string `json:"properties"`
		ObjectWriteTraceID string            `json:"objectWriteTraceId"`
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	trace := 0
	for range b.N {
		for start := 0; start < len(in); start += 100 {
			chunk := in[start:min(start+100, len(in))]
			body := struct {
				Inputs []input `json:"inputs"`
			}{make([]input, len(chunk))}
			for i, x := range chunk {
				trace++
				body.Inputs[i] = input{ID: x.ID, Properties: x.Properties, ObjectWriteTraceID: "t" + strconv.Itoa(trace)}
			}
			data, err := json.Marshal(body)
			if err != nil {
				b.Fatal(err)
			}
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+hubspottest.DefaultToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			var out struct {
				Status  string `json:"status"`
				Results []struct {
					ID                 string            `json:"id"`
					Properties         map[string]string `json:"properties"`
					CreatedAt          string            `json:"createdAt"`
					UpdatedAt          string            `json:"updatedAt"`
					Archived           bool              `json:"archived"`
					ObjectWriteTraceID string            `json:"objectWriteTraceId"`
				} `json:"results"`
			}
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Results) != len(chunk) {
				b.Fatal(fmt.Sprint(err, len(out.Results)))
			}
		}
	}
	b.StopTimer()
	reportPerRecord(b, &before)
}
