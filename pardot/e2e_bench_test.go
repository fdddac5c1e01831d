package pardot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"slices"
)

// BenchmarkEndToEnd upserts 1000 prospects into the fake through the
// client (chunking, 5 workers, decoding, accounting), beside a plain
// net/http loop posting the same 20 pre-encoded bodies with 5 goroutines.
func BenchmarkEndToEnd(b *testing.B) {
	const n = 1000
	ps := people(n)
	b.Run("client", func(b *testing.B) {
		srv := pardottest.NewServer()
		defer srv.Close()
		c, err := pardot.New(pardot.WithBaseURL(srv.BaseURL()), oauth())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Prospects().Upsert(context.Background(), slices.Values(ps)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/prospect")
	})
	b.Run("net/http", func(b *testing.B) {
		srv := pardottest.NewServer()
		defer srv.Close()
		var bodies []string
		for i := 0; i < n; i += 50 {
			var sb strings.Builder
			sb.WriteString(`{"prospects":{`)
			for j := i; j < i+50; j++ {
				if j > i {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, `%q:{"first_name":%q,"last_name":"Last","favorite_color":"blue"}`, ps[j].Email, ps[j].FirstName)
			}
			sb.WriteString(`}}`)
			bodies = append(bodies, url.Values{"format": {"json"}, "prospects": {sb.String()}}.Encode())
		}
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			work := make(chan string)
			done := make(chan struct{})
			for range 5 {
				go func() {
					defer func() { done <- struct{}{} }()
					for body := range work {
						req, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"/api/prospect/version/3/do/batchUpsert", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.Header.Set("Authorization", "Bearer "+pardottest.AccessToken)
						req.Header.Set("Pardot-Business-Unit-Id", pardottest.BusinessUnitID)
						resp, err := hc.Do(req)
						if err != nil {
							b.Error(err)
							continue
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}()
			}
			for _, body := range bodies {
				work <- body
			}
			close(work)
			for range 5 {
				<-done
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/prospect")
	})
}
