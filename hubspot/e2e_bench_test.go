package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// e2eRecords is how many contacts one call of either side moves.
const e2eRecords = 10000

// BenchmarkEndToEnd moves 10,000 contacts, 100 per request (HubSpot's
// limit and the client's default), through Objects("contacts").Create,
// Update and Upsert with the default engine configuration (one request
// in flight), beside a plain net/http + encoding/json loop (one
// goroutine) sending the same requests: the same inputs, token and
// objectWriteTraceIds, each answer's results decoded to the record id
// and matched back to their inputs by trace id. The fake runs in its own
// process, count-only, without rate limit, so only the client side is
// measured.
//
//	go test -run '^$' -bench EndToEnd -benchtime 20x -count 5 ./hubspot
func BenchmarkEndToEnd(b *testing.B) {
	b.Run("Create", func(b *testing.B) {
		e2e(b, opCreate, func(o *Objects, ctx context.Context, in []UpdateInput) error {
			creates := make([]CreateInput, len(in))
			for i := range in {
				creates[i] = CreateInput{Properties: in[i].Properties}
			}
			return checkReport(o.Create(ctx, slices.Values(creates)))
		})
	})
	b.Run("Update", func(b *testing.B) {
		e2e(b, opUpdate, func(o *Objects, ctx context.Context, in []UpdateInput) error {
			return checkReport(o.Update(ctx, slices.Values(in)))
		})
	})
	b.Run("Upsert", func(b *testing.B) {
		e2e(b, opUpsert, func(o *Objects, ctx context.Context, in []UpdateInput) error {
			return checkReport(o.Upsert(ctx, slices.Values(in)))
		})
	})
}

// e2e runs one operation of BenchmarkEndToEnd against a fake in its own
// process. call runs the client on the operation's inputs (for a create,
// only their properties count).
func e2e(b *testing.B, kind opKind, call func(*Objects, context.Context, []UpdateInput) error) {
	base := testkit.FakeProcess(b, func() string {
		srv := hubspottest.NewServer()
		srv.SetRateLimit(0, 0)
		srv.SetCountOnly(true)
		return srv.BaseURL()
	})
	c, err := New(WithBaseURL(base), WithToken(hubspottest.DefaultToken))
	if err != nil {
		b.Fatal(err)
	}
	objs := c.Objects("contacts")
	in := e2eInputs(kind)
	creates := kind == opCreate
	p := &plainLoop{hc: &http.Client{}, url: base + objectsPath(DefaultAPIVersion) + "/contacts/batch/" + kind.String(),
		kind: kind, ids: make([]string, len(in)), byTrace: make(map[string]int, MaxBatchSize)}
	if creates {
		p.status = http.StatusCreated
	} else {
		p.status = http.StatusOK
	}
	ctx := context.Background()
	testkit.VersusPlain(b, len(in),
		func() error { return call(objs, ctx, in) },
		func() error { return p.run(in) })
}

// e2eInputs builds the contacts of one operation: an email, names and a
// phone for a create; names and a phone by record id for an update; the
// same by email for an upsert.
func e2eInputs(kind opKind) []UpdateInput {
	in := make([]UpdateInput, e2eRecords)
	for i := range in {
		n := strconv.Itoa(i)
		email := "contact" + n + "@example.com"
		props := Properties{"firstname": "Ada", "lastname": "Lovelace " + n, "phone": "+6138321" + n}
		switch kind {
		case opCreate:
			props["email"] = email
		case opUpdate:
			in[i].ID = strconv.Itoa(1001 + i)
		case opUpsert:
			in[i].ID, in[i].IDProperty = email, "email"
		}
		in[i].Properties = props
	}
	return in
}

// checkReport wants every record succeeded.
func checkReport(rep *batch.Report[Result], err error) error {
	return testkit.CountsError(rep, err, testkit.Counts{Total: e2eRecords, Succeeded: e2eRecords})
}

// plainLoop is the baseline: net/http and encoding/json, one request per
// 100 records, one goroutine, no engine. It sends what HubSpot needs
// (the inputs, with an objectWriteTraceId each so that results can be
// told apart, and the bearer token) and keeps what a caller needs of the
// answer: each record's id, found by its trace id.
type plainLoop struct {
	hc      *http.Client
	url     string
	kind    opKind
	status  int // the answer's status when every input went in
	trace   int
	ids     []string       // the record id of each input, by position
	byTrace map[string]int // trace id → position, for one chunk
}

// plainInput is one input of the baseline's request.
type plainInput struct {
	ID                 string            `json:"id,omitempty"`
	IDProperty         string            `json:"idProperty,omitempty"`
	Properties         map[string]string `json:"properties"`
	Associations       *[]struct{}       `json:"associations,omitempty"`
	ObjectWriteTraceID string            `json:"objectWriteTraceId"`
}

// plainAnswer is what the baseline decodes of an answer.
type plainAnswer struct {
	Status  string `json:"status"`
	Results []struct {
		ID                 string `json:"id"`
		ObjectWriteTraceID string `json:"objectWriteTraceId"`
	} `json:"results"`
	NumErrors int `json:"numErrors"`
	Errors    []struct {
		Category string              `json:"category"`
		Message  string              `json:"message"`
		Context  map[string][]string `json:"context"`
	} `json:"errors"`
}

// run sends every record of in, 100 per request, and sets each one's id.
func (p *plainLoop) run(in []UpdateInput) error {
	noAssociations := []struct{}{}
	for start := 0; start < len(in); start += MaxBatchSize {
		chunk := in[start:min(start+MaxBatchSize, len(in))]
		body := struct {
			Inputs []plainInput `json:"inputs"`
		}{make([]plainInput, len(chunk))}
		clear(p.byTrace)
		for i, x := range chunk {
			p.trace++
			t := "t" + strconv.Itoa(p.trace)
			p.byTrace[t] = start + i
			body.Inputs[i] = plainInput{Properties: x.Properties, ObjectWriteTraceID: t}
			if p.kind == opCreate {
				body.Inputs[i].Associations = &noAssociations
			} else {
				body.Inputs[i].ID, body.Inputs[i].IDProperty = x.ID, x.IDProperty
			}
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
		status, raw, err := testkit.PlainDo(p.hc, req)
		if err != nil || status != p.status {
			return fmt.Errorf("HTTP %d: %v %.200s", status, err, raw)
		}
		var out plainAnswer
		if err := json.Unmarshal(raw, &out); err != nil {
			return err
		}
		if out.Status != "COMPLETE" || out.NumErrors != 0 || len(out.Errors) != 0 || len(out.Results) != len(chunk) {
			return fmt.Errorf("status %s, %d errors, %d results for %d inputs", out.Status, out.NumErrors, len(out.Results), len(chunk))
		}
		for _, r := range out.Results {
			pos, ok := p.byTrace[r.ObjectWriteTraceID]
			if !ok || r.ID == "" {
				return fmt.Errorf("result %q for trace %q matches no input", r.ID, r.ObjectWriteTraceID)
			}
			p.ids[pos] = r.ID
		}
	}
	return nil
}
