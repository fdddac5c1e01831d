package propel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// BenchmarkBulkCustomers1000 pushes 1,000 customers through the client into
// the fake (10 requests of 100, 4 at a time).
func BenchmarkBulkCustomers1000(b *testing.B) {
	srv, c := newFake(b, propel.WithConcurrency(4), propel.WithKeep(0))
	in := customers(1000)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := c.BulkCustomersBySourceID(context.Background(), in)
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

func bulkAnswer(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"action":"create","id":%d,"key":"C-%05d","lookupKey":"sourceId","success":true}`, 1000+i, i)
	}
	buf.WriteString(`],"messages":["Completed"],"total":100}`)
	return buf.Bytes()
}

// BenchmarkDecodeBulkResponse100 decodes a 100-entry answer with the
// tolerant decoder (number-or-string fields, failed-entry shapes).
func BenchmarkDecodeBulkResponse100(b *testing.B) {
	body := bulkAnswer(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := propel.DecodeBulkResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBaselineStdlib100 is the baseline: encoding/json into a
// strict struct.
func BenchmarkDecodeBaselineStdlib100(b *testing.B) {
	body := bulkAnswer(100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	type entry struct {
		Action    string `json:"action"`
		ID        int64  `json:"id"`
		Key       string `json:"key"`
		LookupKey string `json:"lookupKey"`
		Success   bool   `json:"success"`
	}
	for b.Loop() {
		var out struct {
			Data     []entry  `json:"data"`
			Messages []string `json:"messages"`
			Total    int      `json:"total"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			b.Fatal(err)
		}
	}
}
