package propel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/crmbatch/crmbatch/batch"

	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// BenchmarkBulkCustomers1000 pushes 1,000 customers through the client into
// the fake (10 requests of 100, 4 at a time).
func BenchmarkBulkCustomers1000(b *testing.B) {
	srv, c := newFake(b, propel.WithEngine(batch.Config{Concurrency: 4}), propel.WithEngine(batch.Config{Keep: batch.KeepNone}))
	in := customers(1000)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
		if err != nil || rep.Succeeded != 1000 {
			b.Fatal(err)
		}
	}
	_ = srv
}

// BenchmarkBaselineNetHTTP1000 is the plain net/http baseline for
// BenchmarkBulkCustomers1000: the same 10 bodies of 100 posted to the same
// fake, 4 at a time, answers decoded with encoding/json; no validation,
// retries, matching or accounting.
func BenchmarkBaselineNetHTTP1000(b *testing.B) {
	srv := propeltest.NewServer()
	defer srv.Close()
	resp, err := http.PostForm(srv.URL+"/oauth2/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {propeltest.ClientID}, "client_secret": {propeltest.ClientSecret}})
	if err != nil {
		b.Fatal(err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	in := customers(1000)
	hc := &http.Client{}
	post := func(chunk []propel.Customer) error {
		body, _ := json.Marshal(map[string][]propel.Customer{"customers": chunk})
		req, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"/customers/bulk/sourceId", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			Data []struct {
				ID      int64 `json:"id"`
				Success bool  `json:"success"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Data) != len(chunk) {
			return fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		return nil
	}
	b.ReportAllocs()
	for b.Loop() {
		work := make(chan []propel.Customer)
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for range 4 {
			wg.Go(func() {
				for chunk := range work {
					if err := post(chunk); err != nil {
						errs <- err
					}
				}
			})
		}
		for i := 0; i < len(in); i += 100 {
			work <- in[i : i+100]
		}
		close(work)
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
	}
}
