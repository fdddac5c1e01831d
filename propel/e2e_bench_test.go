package propel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// e2eRecords is how many records one run of either side moves.
const e2eRecords = 10_000

// e2eWorkers is the client's default concurrency (two requests in
// flight); the plain loop runs as many goroutines.
const e2eWorkers = 2

// BenchmarkEndToEnd upserts 10,000 records into the fake, running in its
// own process in count-only mode, through the client with its defaults
// (DefaultBatchSize, two workers, every outcome kept), beside a plain
// net/http loop doing the least the API requires, in the same run
// (testkit.VersusPlain). Each run of either side starts from no token:
// the client is built anew and the loop posts the client credentials to
// the token endpoint first.
//
// The plain loop cuts the input into requests of DefaultBatchSize,
// encodes each with encoding/json from the records, sends the bearer
// token, decodes every entry's id, key and success, and checks that there
// is one successful entry per record, in order, keyed by its sourceId.
// It skips what the client does beyond that: validation, the duplicate
// key check, matching by key, scrubbing, per-record accounting.
//
// Run: go test -run '^$' -bench EndToEnd -benchtime 20x -count 5 ./propel
func BenchmarkEndToEnd(b *testing.B) {
	b.Run("customers", func(b *testing.B) {
		upsert := func(c *propel.Client, in iter.Seq[propel.Customer]) (*batch.Report[propel.Result], error) {
			return c.Customers().UpsertBySourceID(context.Background(), in)
		}
		benchUpsert(b, "customers", customers(e2eRecords), upsert, func(c propel.Customer) string { return c.SourceID })
	})
	b.Run("contacts", func(b *testing.B) {
		upsert := func(c *propel.Client, in iter.Seq[propel.Contact]) (*batch.Report[propel.Result], error) {
			return c.Contacts().UpsertBySourceID(context.Background(), in)
		}
		benchUpsert(b, "contacts", contacts(e2eRecords), upsert, func(c propel.Contact) string { return c.SourceID })
	})
}

// benchUpsert runs one resource's bulk/sourceId upsert of in through a new
// client, beside plainUpsert, against a fake of its own.
func benchUpsert[T any](b *testing.B, resource string, in []T,
	upsert func(*propel.Client, iter.Seq[T]) (*batch.Report[propel.Result], error), sourceID func(T) string) {
	base := startE2EFake(b)
	client := func() error {
		c, err := propel.New(propel.WithBaseURL(base), propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
		if err != nil {
			return err
		}
		rep, err := upsert(c, slices.Values(in))
		return testkit.CountsError(rep, err, testkit.Counts{Total: len(in), Succeeded: len(in)})
	}
	plain := func() error { return plainUpsert(base, resource, in, sourceID) }
	testkit.VersusPlain(b, len(in), client, plain)
}

// startE2EFake runs a count-only fake in a process of its own (no
// faults, no batch limit, no latency) and returns its API base URL.
func startE2EFake(b *testing.B) string {
	return testkit.FakeProcess(b, func() string {
		srv := propeltest.NewServer()
		srv.SetCountOnly(true)
		return srv.BaseURL()
	})
}

// contacts builds n contacts of one company, as a CRM export has them.
func contacts(n int) []propel.Contact {
	out := make([]propel.Contact, n)
	for i := range out {
		out[i] = propel.Contact{
			Source: "CRM", SourceID: fmt.Sprintf("P-%05d", i), Language: "NL",
			FirstName: "First", LastName: fmt.Sprintf("Last %d", i), Email: fmt.Sprintf("p%d@example.com", i),
			Phone: "0301234567", Parent: &propel.Parent{Source: "CRM", SourceID: "CO-1"},
		}
	}
	return out
}

// plainEntry is the part of a bulk answer's entry a caller needs.
type plainEntry struct {
	Action  string `json:"action"`
	ID      int64  `json:"id"`
	Key     string `json:"key"`
	Success bool   `json:"success"`
}

// plainUpsert is the plain loop: a token, then every chunk of
// DefaultBatchSize posted to /{resource}/bulk/sourceId by e2eWorkers
// goroutines, each answer decoded and checked against its records.
func plainUpsert[T any](base, resource string, in []T, sourceID func(T) string) error {
	hc := &http.Client{}
	token, err := plainToken(hc, base)
	if err != nil {
		return err
	}
	endpoint := base + "/" + resource + "/bulk/sourceId"
	ids := make([]int64, len(in))
	post := func(from int, chunk []T) error {
		body, err := json.Marshal(map[string][]T{resource: chunk})
		if err != nil {
			return err
		}
		req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		status, data, err := testkit.PlainDo(hc, req)
		if err != nil {
			return err
		}
		var out struct {
			Data []plainEntry `json:"data"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return fmt.Errorf("status %d: %w", status, err)
		}
		if status != http.StatusOK || len(out.Data) != len(chunk) {
			return fmt.Errorf("status %d, %d entries for %d records", status, len(out.Data), len(chunk))
		}
		for i, e := range out.Data {
			if !e.Success || e.ID == 0 || e.Key != sourceID(chunk[i]) {
				return fmt.Errorf("record %d: entry %+v", from+i, e)
			}
			ids[from+i] = e.ID
		}
		return nil
	}
	return testkit.PlainChunks(len(in), propel.DefaultBatchSize, e2eWorkers, func(from, to int) error {
		return post(from, in[from:to])
	})
}

// plainToken fetches a token with the client credentials, form-encoded.
func plainToken(hc *http.Client, base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {propeltest.ClientID}, "client_secret": {propeltest.ClientSecret}}
	resp, err := hc.Post(u.Scheme+"://"+u.Host+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token: status %d: %v", resp.StatusCode, err)
	}
	return tr.AccessToken, nil
}
