package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

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

// BenchmarkUpdate10k: Update of 10,000 records (100 requests)
// against the fake over loopback.
func BenchmarkUpdate10k(b *testing.B) {
	srv, in := benchFake(b)
	c, err := New(WithBaseURL(srv.BaseURL()), WithToken(hubspottest.DefaultToken))
	if err != nil {
		b.Fatal(err)
	}
	objs := c.Objects("partner_clients")
	ctx := context.Background()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		rep, err := objs.Update(ctx, slices.Values(in))
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
	p := newPlainLoop(srv)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		if err := p.update(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportPerRecord(b, &before)
}

// BenchmarkUpdate10kVsPlain runs Update and the plain loop in
// turn inside each iteration, against the same fake, and reports the ratio
// of their summed times and the median of the per-iteration ratios. Both
// sides see the same machine load, so on a shared machine these ratios are
// steadier than one of the two benchmarks above divided by the other, and
// the median shrugs off an iteration where a load spike hit one side.
func BenchmarkUpdate10kVsPlain(b *testing.B) {
	srv, in := benchFake(b)
	c, err := New(WithBaseURL(srv.BaseURL()), WithToken(hubspottest.DefaultToken))
	if err != nil {
		b.Fatal(err)
	}
	objs := c.Objects("partner_clients")
	p := newPlainLoop(srv)
	ctx := context.Background()
	var client, plain time.Duration
	ratios := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		var ct, pt time.Duration
		runClient := func() {
			start := time.Now()
			rep, err := objs.Update(ctx, slices.Values(in))
			ct = time.Since(start)
			if err != nil || rep.Succeeded != benchRecords {
				b.Fatalf("%v, %d succeeded", err, rep.Succeeded)
			}
		}
		runPlain := func() {
			start := time.Now()
			err := p.update(in)
			pt = time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
		}
		// Alternate which goes first, so neither always runs after the
		// other's garbage.
		if i%2 == 0 {
			runClient()
			runPlain()
		} else {
			runPlain()
			runClient()
		}
		client += ct
		plain += pt
		ratios = append(ratios, ct.Seconds()/pt.Seconds())
	}
	b.StopTimer()
	slices.Sort(ratios)
	records := float64(b.N * benchRecords)
	b.ReportMetric(records/client.Seconds(), "client-records/s")
	b.ReportMetric(records/plain.Seconds(), "plain-records/s")
	b.ReportMetric(client.Seconds()/plain.Seconds(), "client/plain")
	b.ReportMetric(ratios[len(ratios)/2], "median-client/plain")
}

// plainLoop is the baseline client: net/http and encoding/json, one request
// per 100 records, no engine.
type plainLoop struct {
	hc    *http.Client
	url   string
	trace int
}

func newPlainLoop(srv *hubspottest.Server) *plainLoop {
	return &plainLoop{hc: &http.Client{}, url: srv.URL + "/crm/objects/2026-09/partner_clients/batch/update"}
}

// plainInput is the baseline's request input.
type plainInput struct {
	ID                 string            `json:"id"`
	Properties         map[string]string `json:"properties"`
	ObjectWriteTraceID string            `json:"objectWriteTraceId"`
}

// update sends every record of in, 100 per request, and checks each
// answer's result count.
func (p *plainLoop) update(in []UpdateInput) error {
	for start := 0; start < len(in); start += 100 {
		chunk := in[start:min(start+100, len(in))]
		body := struct {
			Inputs []plainInput `json:"inputs"`
		}{make([]plainInput, len(chunk))}
		for i, x := range chunk {
			p.trace++
			body.Inputs[i] = plainInput{ID: x.ID, Properties: x.Properties, ObjectWriteTraceID: "t" + strconv.Itoa(p.trace)}
		}
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(data))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+hubspottest.DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := p.hc.Do(req)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			return fmt.Errorf("HTTP %d: %v", resp.StatusCode, err)
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
			return fmt.Errorf("%v, %d results", err, len(out.Results))
		}
	}
	return nil
}
