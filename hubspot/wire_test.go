package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

const gockBase = "https://api.hubapi.test"

// captured is the part of a request the wire tests pin down.
type captured struct {
	Method, Path, Query string
	Header              map[string]string
	Body                string // compact JSON
}

// capture records every request gock sees.
type capture struct {
	mu   sync.Mutex
	reqs []captured
}

func (c *capture) matcher(req *http.Request, _ *gock.Request) (bool, error) {
	body, err := testkit.PeekBody(req)
	if err != nil {
		return false, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		compact.Reset()
		compact.Write(body)
	}
	h := map[string]string{}
	for _, k := range []string{"Authorization", "Content-Type", "Accept", "User-Agent"} {
		h[k] = req.Header.Get(k)
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, captured{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: h, Body: compact.String()})
	c.mu.Unlock()
	return true, nil
}

// fixture returns a testdata JSON file compacted.
func fixture(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, testkit.Testdata(t, name)); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b.String()
}

// gockClient builds a client whose requests gock intercepts.
func gockClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(gockBase), WithToken("pat-test-token"), WithEngine(batch.Config{Retry: fastRetry})}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	gock.InterceptClient(c.http.HTTPClient())
	return c
}

// TestWireRequests pins the exact request of every operation (method,
// path, query, headers, body) against golden files, and decodes the golden
// answers. gock is global: these cases do not run in parallel.
func TestWireRequests(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	archivedAt := ts("2024-06-01T00:00:00Z")
	cases := []struct {
		name      string
		path      string
		query     string
		request   string // golden file
		status    int
		response  string // golden file, "" for no body
		run       func(ctx context.Context, c *Client) (any, error)
		wantValue any
	}{
		{
			name: "create", path: "/crm/objects/2026-09/contacts/batch/create", request: "create_request.json",
			status: 201, response: "create_response_201.json",
			run: func(ctx context.Context, c *Client) (any, error) {
				rep, err := c.Objects("contacts").Create(ctx, slices.Values([]CreateInput{
					{Properties: Properties{"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace", "phone": "+61383218199"}, ObjectWriteTraceID: "row-0"},
					{Properties: Properties{"email": "grace@example.com"}, ObjectWriteTraceID: "row-1", Associations: []Association{
						{To: AssociationTarget{ID: "101"}, Types: []AssociationType{{AssociationCategory: "HUBSPOT_DEFINED", AssociationTypeID: 279}}}}},
				}))
				return results(rep), err
			},
			// answered out of order: matched by trace id
			wantValue: []Result{
				{ID: "512", ObjectWriteTraceID: "row-0", Properties: Properties{"email": "ada@example.com", "firstname": "Ada", "hs_object_id": "512"},
					CreatedAt: ts("2024-05-01T00:00:00Z"), UpdatedAt: ts("2024-05-01T00:00:00Z")},
				{ID: "513", ObjectWriteTraceID: "row-1", Properties: Properties{"email": "grace@example.com", "hs_object_id": "513"},
					CreatedAt: ts("2024-05-01T00:00:00.1Z"), UpdatedAt: ts("2024-05-01T00:00:00.1Z")},
			},
		},
		{
			name: "update (seed shape)", path: "/crm/objects/2026-09/partner_clients/batch/update", request: "update_request.json",
			status: 207, response: "update_response_207.json",
			run: func(ctx context.Context, c *Client) (any, error) {
				rep, err := c.Objects("partner_clients").Update(ctx, slices.Values([]UpdateInput{
					{ID: "512", IDProperty: "my_unique_property_name", ObjectWriteTraceID: "row-0", Properties: Properties{
						"property_checkbox": "false", "property_date": "1572480000000", "property_multiple_checkboxes": "chocolate;strawberry",
						"property_number": "17", "property_string": "value"}},
					{ID: "513", ObjectWriteTraceID: "row-1", Properties: Properties{"property_string": "other"}},
				}))
				return statuses(rep), err
			},
			wantValue: []string{"succeeded", "failed OBJECT_NOT_FOUND"},
		},
		{
			name: "upsert", path: "/crm/objects/2026-09/contacts/batch/upsert", request: "upsert_request.json",
			status: 200, response: "upsert_response_200.json",
			run: func(ctx context.Context, c *Client) (any, error) {
				rep, err := c.Objects("contacts").Upsert(ctx, slices.Values([]UpsertInput{
					{ID: "ada@example.com", IDProperty: "email", ObjectWriteTraceID: "up-0", Properties: Properties{"firstname": "Ada"}}}))
				return results(rep), err
			},
			wantValue: []Result{{ID: "512", New: true, ObjectWriteTraceID: "up-0", Properties: Properties{"email": "ada@example.com", "firstname": "Ada"},
				CreatedAt: ts("2024-05-01T00:00:00Z"), UpdatedAt: ts("2024-05-01T00:00:00Z")}},
		},
		{
			name: "read archived", path: "/crm/objects/2026-09/contacts/batch/read", query: "archived=true", request: "read_request.json",
			status: 207, response: "read_response_207.json",
			run: func(ctx context.Context, c *Client) (any, error) {
				rep, err := c.Objects("contacts").Read(ctx, slices.Values([]string{"512", "999"}), ReadOptions{Properties: []string{"email", "firstname"}, Archived: true})
				return append(statuses(rep), rep.Outcomes[0].Result.ArchivedAt.String()), err
			},
			wantValue: []string{"succeeded", "failed OBJECT_NOT_FOUND", archivedAt.String()},
		},
		{
			name: "archive", path: "/crm/objects/2026-09/2-123456/batch/archive", request: "archive_request.json",
			status: 204,
			run: func(ctx context.Context, c *Client) (any, error) {
				rep, err := c.Objects("2-123456").Archive(ctx, slices.Values([]string{"512", "513"}))
				return statuses(rep), err
			},
			wantValue: []string{"succeeded", "succeeded"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			var cap capture
			c := gockClient(t)
			reply := gock.New(gockBase).Post(tc.path).AddMatcher(cap.matcher).Reply(tc.status)
			if tc.response != "" {
				reply.SetHeader("Content-Type", "application/json").BodyString(fixture(t, tc.response))
			}
			got, err := tc.run(context.Background(), c)
			if err != nil && tc.status != 207 {
				t.Fatal(err)
			}
			if !gock.IsDone() {
				t.Fatal("the mock was not called")
			}
			if len(cap.reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(cap.reqs))
			}
			testkit.Golden(t, tc.request, []byte(cap.reqs[0].Body+"\n"))
			want := []captured{{
				Method: "POST", Path: tc.path, Query: tc.query, Body: cap.reqs[0].Body,
				Header: map[string]string{"Authorization": "Bearer pat-test-token", "Content-Type": "application/json",
					"Accept": "application/json", "User-Agent": httpx.UserAgent},
			}}
			if diff := cmp.Diff(want, cap.reqs); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantValue, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func results(rep *batch.Report[Result]) []Result {
	out := make([]Result, len(rep.Outcomes))
	for i, o := range rep.Outcomes {
		out[i] = o.Result
	}
	return out
}

func statuses[R any](rep *batch.Report[R]) []string {
	out := make([]string, len(rep.Outcomes))
	for i, o := range rep.Outcomes {
		out[i] = o.Status.String()
		var he *Error
		if errors.As(o.Err, &he) {
			out[i] += " " + string(he.Code)
		}
	}
	return out
}

// The seed's answer (status CANCELED) is not a success: every record of
// the request fails with ErrCanceled, keeping the result HubSpot sent.
func TestSeedCanceledIsNotSuccess(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	gock.New(gockBase).Post("/crm/objects/2026-09/partner_clients/batch/update").
		Reply(200).SetHeader("Content-Type", "application/json").BodyString(fixture(t, "seed_update_response_canceled.json"))
	rep, err := c.Objects("partner_clients").Update(context.Background(), slices.Values([]UpdateInput{
		{ID: "512", Properties: Properties{"property_string": "value"}},
		{ID: "777", Properties: Properties{"property_string": "value"}},
	}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 0, Failed: 2, NotAttempted: 0})
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("err = %v", err)
	}
	for _, o := range rep.Outcomes {
		if !errors.Is(o.Err, ErrCanceled) || o.Attempts != 1 {
			t.Errorf("record %d: %v after %d attempts", o.Index, o.Err, o.Attempts)
		}
	}
	if r := rep.Outcomes[0].Result; r.ID != "512" || r.Properties["property_radio"] != "option_1" {
		t.Errorf("the canceled result was not kept: %+v", r)
	}
	// The answer's error names no input: its message, id and details
	// travel on the CANCELED error of every record.
	want := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: "partner_clients batch/update", HTTPStatus: 200, Code: CodeCanceled,
		Message: "HubSpot canceled the batch; its records are not confirmed: <string>"}, NumErrors: 123, ID: "<string>",
		Errors: []ErrorDetail{{Message: "<string>", Code: "<string>", In: "<string>", SubCategory: "<string>", Context: "{missingScopes=[scope1, scope2]}"}}}
	for _, o := range rep.Outcomes {
		var he *Error
		if !errors.As(o.Err, &he) {
			t.Fatalf("record %d: %v", o.Index, o.Err)
		}
		if diff := cmp.Diff(want, he, ignoreUnexported); diff != "" {
			t.Errorf("record %d (-want +got):\n%s", o.Index, diff)
		}
	}
}

// The 429 bodies: burst retried after Retry-After, daily not retried.
func TestWire429(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	burst := `{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-1","policyName":"TEN_SECONDLY_ROLLING","groupName":"g"}`
	gock.New(gockBase).Post("/crm/objects/2026-09/contacts/batch/update").Reply(429).
		SetHeader("Retry-After", "0.005").SetHeader("X-HubSpot-RateLimit-Daily", "1000").SetHeader("X-HubSpot-RateLimit-Daily-Remaining", "900").
		BodyString(burst)
	gock.New(gockBase).Post("/crm/objects/2026-09/contacts/batch/update").Reply(200).
		BodyString(`{"status":"COMPLETE","results":[{"id":"1","properties":{}}],"startedAt":"2024-05-01T00:00:00Z","completedAt":"2024-05-01T00:00:00Z"}`)
	rep, err := c.Objects("contacts").Update(context.Background(), slices.Values([]UpdateInput{{ID: "1", Properties: Properties{"a": "b"}}}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0, NotAttempted: 0})
	if rep.Requests != 2 || !gock.IsDone() {
		t.Errorf("%d requests", rep.Requests)
	}
	if rl := c.RateLimit(); rl.Daily != 1000 || rl.DailyRemaining != 900 || rl.Max != -1 {
		t.Errorf("RateLimit() = %+v", rl)
	}

	daily := `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c-2","policyName":"DAILY","groupName":"g"}`
	gock.New(gockBase).Post("/crm/objects/2026-09/contacts/batch/update").Reply(429).BodyString(daily)
	rep, err = c.Objects("contacts").Update(context.Background(), slices.Values([]UpdateInput{{ID: "1", Properties: Properties{"a": "b"}}}))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 0, Failed: 0, NotAttempted: 1})
	var he *Error
	if !errors.As(err, &he) || !he.StopRun() || he.Retryable() || he.RequestID != "c-2" || !errors.Is(err, batch.ErrQuotaExceeded) {
		t.Errorf("err = %v (%+v)", err, he)
	}
}
