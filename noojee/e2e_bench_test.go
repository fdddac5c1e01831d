package noojee_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// e2eLeads is how many leads one call of either side moves.
const e2eLeads = 10_000

// e2eTarget is the campaign the end-to-end benchmark writes to.
var e2eTarget = noojee.Target{TemplateID: "7", CampaignID: "42", AllocationID: "3"}

// e2eCallBack is every lead's njCallBackDate.
var e2eCallBack = time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)

// e2eLeadSet returns n distinct leads: four template fields (one phone),
// an njExternalLeadId, a priority and a callback date. With update set
// they rename leads CRM-0 … CRM-(n-1).
func e2eLeadSet(n int, update bool) []noojee.Lead {
	out := make([]noojee.Lead, n)
	for i := range out {
		name := "Lead " + strconv.Itoa(i)
		if update {
			name += " (moved)"
		}
		out[i] = noojee.Lead{
			Fields: noojee.Fields{
				"Name":       name,
				"FirstPhone": fmt.Sprintf("03 9%03d %04d", i/10000, i%10000),
				"PostCode":   "3064",
				"City":       "Abbotsford",
			},
			ExternalID: "CRM-" + strconv.Itoa(i),
			Priority:   noojee.PriorityOf(i % 101),
			CallBack:   e2eCallBack,
		}
	}
	return out
}

// e2eFake starts the fake in its own process, count-only, with no
// latency, limit or fault. With seed set it first holds leads CRM-0 …
// CRM-(e2eLeads-1), for updates to find.
func e2eFake(b *testing.B, seed bool) string {
	return testkit.FakeProcess(b, func() string {
		srv := noojeetest.NewServer()
		if seed {
			for _, l := range e2eLeadSet(e2eLeads, false) {
				f := maps.Clone(l.Fields)
				f[noojee.FieldExternalID] = l.ExternalID
				srv.AddLead(e2eTarget.CampaignID, f)
			}
		}
		srv.SetCountOnly(true)
		return srv.BaseURL()
	})
}

// BenchmarkEndToEnd moves 10,000 leads into the fake (in its own
// process) through the client with its defaults (DefaultBatchSize leads
// per insertLeadsFast call, DefaultConcurrency calls in flight, the
// default engine config), beside a plain loop doing the least the
// CampaignAPI requires with net/http and encoding/json, with as many
// goroutines: Create posts JSON arrays of 100 leads and reads the import
// summary's counts; Update posts one lead per updateLeadFast call and
// reads its code.
//
//	go test -run '^$' -bench EndToEnd -benchtime 20x -count 5 ./noojee
func BenchmarkEndToEnd(b *testing.B) {
	b.Run("Create", func(b *testing.B) { benchEndToEnd(b, false, (*noojee.Campaign).Create, (*plainLoop).create) })
	b.Run("Update", func(b *testing.B) { benchEndToEnd(b, true, (*noojee.Campaign).Update, (*plainLoop).update) })
}

// benchEndToEnd runs one operation of the client beside its plain loop,
// on a fake seeded with the leads to update when update is set.
func benchEndToEnd(b *testing.B, update bool,
	client func(*noojee.Campaign, context.Context, iter.Seq[noojee.Lead]) (*batch.Report[noojee.Result], error),
	plain func(*plainLoop, []noojee.Lead) error) {
	base := e2eFake(b, update)
	leads := e2eLeadSet(e2eLeads, update)
	cp := e2eClient(b, base).Campaign(e2eTarget)
	p := newPlainLoop(base, e2eTarget)
	testkit.VersusPlain(b, e2eLeads, func() error {
		rep, err := client(cp, context.Background(), slices.Values(leads))
		return testkit.CountsError(rep, err, testkit.Counts{Total: e2eLeads, Succeeded: e2eLeads})
	}, func() error { return plain(p, leads) })
}

// e2eClient is a client with every default, on the fake at base.
func e2eClient(b *testing.B, base string) *noojee.Client {
	c, err := noojee.New(noojee.WithBaseURL(base), noojee.WithAPIKey(noojeetest.APIKey))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// plainLoop is the least a caller must do to move leads into the
// CampaignAPI by hand: net/http, encoding/json, the same chunking and
// concurrency as the client's defaults.
type plainLoop struct {
	hc    *http.Client
	base  string
	query string // the target's ids and the apiKey
}

func newPlainLoop(base string, t noojee.Target) *plainLoop {
	q := url.Values{"fTemplateId": {t.TemplateID}, "fCampaignId": {t.CampaignID}, "fAllocationId": {t.AllocationID},
		"apiKey": {noojeetest.APIKey}}
	return &plainLoop{hc: &http.Client{Timeout: noojee.DefaultTimeout}, base: base + noojeetest.Path, query: q.Encode()}
}

// leadObject is a lead's flat request object: its template fields and
// its system fields, by their Noojee names (json.Marshal sorts the keys).
func leadObject(l *noojee.Lead) map[string]any {
	m := make(map[string]any, len(l.Fields)+3)
	for k, v := range l.Fields {
		m[k] = v
	}
	m[noojee.FieldExternalID] = l.ExternalID
	m[noojee.FieldPriority] = *l.Priority
	m[noojee.FieldCallBackDate] = l.CallBack.Format(noojee.CallBackLayout)
	return m
}

// answer is the CampaignAPI's answer object, the fields a caller reads.
type answer struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// post sends one body to an operation and decodes the answer.
func (p *plainLoop) post(op string, body []byte) (answer, error) {
	req, err := http.NewRequest(http.MethodPost, p.base+op+"?"+p.query, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	status, data, err := testkit.PlainDo(p.hc, req)
	if err != nil {
		return answer{}, err
	}
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return answer{}, fmt.Errorf("status %d: %v", status, err)
	}
	if status != http.StatusOK || a.Code != 0 {
		return a, fmt.Errorf("status %d, code %d: %s", status, a.Code, a.Message)
	}
	return a, nil
}

// create inserts the leads DefaultBatchSize per insertLeadsFast call and
// reads each answer's import summary: every lead of the call imported,
// none rejected, else an error. Each lead's status lands in done.
func (p *plainLoop) create(leads []noojee.Lead) error {
	done := make([]string, len(leads))
	return testkit.PlainChunks(len(leads), noojee.DefaultBatchSize, noojee.DefaultConcurrency, func(from, to int) error {
		objs := make([]map[string]any, 0, to-from)
		for i := from; i < to; i++ {
			objs = append(objs, leadObject(&leads[i]))
		}
		body, err := json.Marshal(objs)
		if err != nil {
			return err
		}
		a, err := p.post("insertLeadsFast", body)
		if err != nil {
			return err
		}
		var imported, updated, rejected int
		if _, err := fmt.Sscanf(a.Message, "Imported %d Updated %d Rejected %d leads.", &imported, &updated, &rejected); err != nil {
			return fmt.Errorf("import summary %q: %v", a.Message, err)
		}
		if imported+updated != to-from || rejected != 0 {
			return fmt.Errorf("import summary %q for %d leads", a.Message, to-from)
		}
		for i := from; i < to; i++ {
			done[i] = "imported"
		}
		return nil
	})
}

// update sends each lead to updateLeadFast, one per call, and reads its
// code: 0, else an error. Each lead's status lands in done.
func (p *plainLoop) update(leads []noojee.Lead) error {
	done := make([]string, len(leads))
	return testkit.PlainChunks(len(leads), 1, noojee.DefaultConcurrency, func(i, _ int) error {
		body, err := json.Marshal(leadObject(&leads[i]))
		if err != nil {
			return err
		}
		a, err := p.post("updateLeadFast", body)
		if err != nil {
			return err
		}
		done[i] = a.Message
		return nil
	})
}
