package pardot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// e2eRecords is how many prospects one call of either side moves.
const e2eRecords = 10_000

// e2eFailEvery makes every e2eFailEvery-th prospect fail at the fake with
// code 4, so both sides decode and place per-prospect errors.
const e2eFailEvery = 100

// e2eProspects returns n prospects with distinct emails, three standard
// fields and one custom field.
func e2eProspects(n int) []pardot.Prospect {
	ps := make([]pardot.Prospect, n)
	for i := range ps {
		ps[i] = pardot.Prospect{
			Email: e2eEmail(i), FirstName: "First " + strconv.Itoa(i), LastName: "Last",
			Company: "Example & Sons", Fields: map[string]string{"favorite_color": "blue"},
		}
	}
	return ps
}

func e2eEmail(i int) string { return fmt.Sprintf("p%05d@example.com", i) }

// e2eFake starts the fake in its own process: count-only, no concurrency
// limit (the client's five workers stay under Pardot's five, but a
// handler still counted in flight must not turn a sixth into code 66), no
// faults, and every e2eFailEvery-th prospect refused with code 4.
func e2eFake(b *testing.B) string {
	return testkit.FakeProcess(b, func() string {
		srv := pardottest.NewServer()
		srv.SetCountOnly(true)
		srv.SetConcurrencyLimit(0)
		for i := 0; i < e2eRecords; i += e2eFailEvery {
			srv.FailProspect(e2eEmail(i), 4, 1<<30)
		}
		return srv.BaseURL()
	})
}

// BenchmarkEndToEnd upserts 10,000 prospects into the fake (another
// process) through the client with its defaults (API version 3, JSON,
// batches of 50, 5 workers), beside a plain net/http loop doing the least
// Pardot requires, with 5 goroutines: for each batch of 50 it builds the
// version 3 document with encoding/json (prospects keyed by email), posts
// it form-encoded with the OAuth headers, decodes the answer and places
// each per-prospect error on its record. Create takes the same path in the
// client (only the endpoint's name and the idempotent flag differ), so it
// is not measured apart.
//
//	go test -run '^$' -bench EndToEnd -benchtime 20x -count 5 ./pardot
func BenchmarkEndToEnd(b *testing.B) {
	ps := e2eProspects(e2eRecords)
	wantFailed := (e2eRecords + e2eFailEvery - 1) / e2eFailEvery
	b.Run("Upsert", func(b *testing.B) {
		base := e2eFake(b)
		c, err := pardot.New(pardot.WithBaseURL(base),
			pardot.WithToken(pardottest.AccessToken, pardottest.BusinessUnitID))
		if err != nil {
			b.Fatal(err)
		}
		client := func() error {
			rep, err := c.Prospects().Upsert(context.Background(), slices.Values(ps))
			return testkit.CountsError(rep, err, testkit.Counts{Total: e2eRecords, Succeeded: e2eRecords - wantFailed, Failed: wantFailed})
		}
		plain := func() error {
			failed, err := plainUpsert(base+"/api/prospect/version/3/do/batchUpsert", ps, pardot.MaxBatchSize, pardot.DefaultConcurrency)
			if err == nil && failed != wantFailed {
				err = fmt.Errorf("plain: %d failed, want %d", failed, wantFailed)
			}
			return err
		}
		testkit.VersusPlain(b, e2eRecords, client, plain)
	})
}

// plainProspect is the body of one version 3 prospect with the fields the
// benchmark's records carry; the email is its key in the document.
type plainProspect struct {
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	Company       string `json:"company,omitempty"`
	FavoriteColor string `json:"favorite_color,omitempty"`
}

// plainAnswer is Pardot's JSON answer to a batch request.
type plainAnswer struct {
	Attributes struct {
		Stat    string `json:"stat"`
		ErrCode int    `json:"err_code"`
	} `json:"@attributes"`
	Err    string            `json:"err"`
	Errors map[string]string `json:"errors"`
}

// plainUpsert posts ps in batches of size with workers goroutines and
// returns how many prospects Pardot refused.
func plainUpsert(endpoint string, ps []pardot.Prospect, size, workers int) (int, error) {
	var failed atomic.Int64
	err := testkit.PlainChunks(len(ps), size, workers, func(from, to int) error {
		errs, err := plainBatch(endpoint, ps[from:to])
		for _, e := range errs {
			if e != "" {
				failed.Add(1)
			}
		}
		return err
	})
	return int(failed.Load()), err
}

// plainBatch sends one batch and returns each prospect's error message
// ("" when it succeeded).
func plainBatch(endpoint string, chunk []pardot.Prospect) ([]string, error) {
	doc := struct {
		Prospects map[string]plainProspect `json:"prospects"`
	}{make(map[string]plainProspect, len(chunk))}
	for _, p := range chunk {
		doc.Prospects[p.Email] = plainProspect{FirstName: p.FirstName, LastName: p.LastName,
			Company: p.Company, FavoriteColor: p.Fields["favorite_color"]}
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	form := url.Values{"format": {"json"}, "prospects": {string(js)}}.Encode()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+pardottest.AccessToken)
	req.Header.Set("Pardot-Business-Unit-Id", pardottest.BusinessUnitID)
	status, body, err := testkit.PlainDo(http.DefaultClient, req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("status %d", status)
	}
	var ans plainAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, err
	}
	if ans.Attributes.Stat != "ok" {
		return nil, fmt.Errorf("code %d: %s", ans.Attributes.ErrCode, ans.Err)
	}
	errs := make([]string, len(chunk))
	for key, msg := range ans.Errors {
		i := slices.IndexFunc(chunk, func(p pardot.Prospect) bool { return strings.EqualFold(p.Email, key) })
		if i < 0 {
			return nil, fmt.Errorf("error for %q, which the batch does not hold", key)
		}
		errs[i] = msg
	}
	return errs, nil
}
