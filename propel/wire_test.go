package propel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"
)

// Tests in this file use gock, which is global: none of them runs in parallel.

const (
	gockBase   = "https://api.propel.test/v2"
	gockHost   = "https://api.propel.test"
	gockID     = "my-client-id"
	gockSecret = "s3cr3t-client-value"
)

var fastRetry = batch.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// gockClient builds a client whose requests gock intercepts.
func gockClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	hc := &http.Client{}
	gock.InterceptClient(hc)
	base := []Option{WithBaseURL(gockBase), WithClientCredentials(gockID, gockSecret), WithHTTPClient(hc),
		WithEngine(batch.Config{Retry: fastRetry}), WithEngine(batch.Config{Concurrency: 1})}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if gock.HasUnmatchedRequest() {
			t.Errorf("gock: unmatched requests: %v", gock.GetUnmatchedRequests())
		}
		gock.Off()
		gock.CleanUnmatchedRequest()
	})
	return c
}

// exactBody matches a request whose body is byte for byte want.
func exactBody(want []byte) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		b, err := testkit.PeekBody(req)
		return bytes.Equal(b, want), err
	}
}

// mockToken expects one client-credentials token request and answers with
// the given testdata file.
func mockToken(file string) {
	form := "client_id=" + gockID + "&client_secret=" + gockSecret + "&grant_type=client_credentials"
	gock.New(gockHost).Post("/oauth2/token").
		MatchHeader("Content-Type", "^application/x-www-form-urlencoded$").
		AddMatcher(exactBody([]byte(form))).
		Reply(200).SetHeader("Content-Type", "application/json").File(filepath.Join("testdata", file))
}

var adaCustomer = Customer{
	Source: "MY_CRM", SourceID: "C-1001", Language: "NL",
	FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Phone: "0301234567",
	Gender: GenderFemale, DateOfBirth: "1815-12-10", SSN: "123-45-6789",
	Addresses: []Address{{Type: AddressInvoice, Code: "A1", Street: "Kerkstraat", Number: "34",
		PostalCode: "3511 AB", City: "Utrecht", Country: "NL", IsDefault: Yes}},
}

func TestGoldenRequests(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, file, path string
		reply            string
		run              func(c *Client) (*batch.Report[Result], error)
		opts             []Option
	}{
		{"customers by sourceId", "req_customers_sourceid.json", "/v2/customers/bulk/sourceId",
			`{"data":[{"action":"create","id":25494,"key":"C-1001","lookupKey":"sourceId","success":true},{"action":"update","id":25495,"key":3002196,"lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":2}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Customers().UpsertBySourceID(ctx, slices.Values([]Customer{adaCustomer, {Source: "MY_CRM", SourceID: "3002196", Language: "EN", LastName: "Turing"}}))
			}, nil},
		{"customers by id", "req_customers_id.json", "/v2/customers/bulk/id",
			`{"data":[{"action":"update","id":25494,"key":25494,"lookupKey":"id","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Customers().UpsertByID(ctx, slices.Values([]Customer{{ID: 25494, Mobile: "0612345678", PrimaryLanguage: "NL"}}))
			}, nil},
		{"contacts by sourceId", "req_contacts_sourceid.json", "/v2/contacts/bulk/sourceId",
			`{"data":[{"action":"create","id":9,"key":"P-1","lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Contacts().UpsertBySourceID(ctx, slices.Values([]Contact{{Source: "MY_ERP", SourceID: "P-1", Language: "NL", FirstName: "Jan",
					Email: "jan@bakkerbouw.nl", Parent: &Parent{Source: "MY_ERP", SourceID: "1032644"}}}))
			}, nil},
		{"contacts by id", "req_contacts_id.json", "/v2/contacts/bulk/id",
			`{"data":[{"action":"update","id":25492,"key":25492,"lookupKey":"id","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Contacts().UpsertByID(ctx, slices.Values([]Contact{{ID: 25492, Title: "Dr.", Parent: &Parent{ID: 77}}}))
			}, nil},
		{"companies by sourceId", "req_companies_sourceid.json", "/v2/companies/bulk/sourceId",
			`{"data":[{"action":"create","id":5,"key":1032644,"lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Companies().UpsertBySourceID(ctx, slices.Values([]Company{{Source: "MY_ERP", SourceID: "1032644", Language: "NL",
					Name: "Bakker Bouw B.V.", DebtorID: "29931", TaxNumber: "NL812345678B01", CocNumber: "12345678", Budget: No,
					Attributes: []Attribute{{Class: "company", Name: "CREDIT_LIMIT", Type: "integer", Value: "5000"}},
					Addresses: []Address{{Type: AddressInvoice, Code: "34766", Street: "Kerkstraat", Number: "34",
						PostalCode: "3511 AB", City: "Utrecht", Country: "NL", Email: "factuur@bakkerbouw.nl", IsDefault: Yes}}}}))
			}, nil},
		{"companies in the guide's form", "req_companies_guide.json", "/v2/companies/bulk/sourceId",
			`{"data":[{"action":"create","id":5,"key":1032644,"lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Companies().UpsertBySourceID(ctx, slices.Values([]Company{{Sources: []CompanySource{{Name: "MY_ERP", ID: "1032644"}}, Language: "NL",
					Name: "Bakker Bouw B.V.", DebtorID: "29931", TaxNumber: "NL812345678B01", CocNumber: "12345678",
					Email: "info@bakkerbouw.nl", Phone: "0301234567"}}))
			}, nil},
		{"customers with directives", "req_customers_directives.json", "/v2/customers/bulk/sourceId",
			`{"data":[{"action":"update","id":1,"key":"C-7","lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Customers().UpsertBySourceID(ctx, slices.Values([]Customer{{Source: "MY_CRM", SourceID: "C-7", Language: "NL", Email: "x@example.com"}}))
			}, []Option{WithDirectives(SkipIfNotEmpty("email", "phone"), SkipCreate())}},
		{"companies by id", "req_companies_id.json", "/v2/companies/bulk/id",
			`{"data":[{"action":"update","id":5,"key":"5","lookupKey":"id","success":true}],"messages":["Completed"],"total":1}`,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Companies().UpsertByID(ctx, slices.Values([]Company{{ID: 5, Office: "Utrecht", OrderListAllowAll: "U"}}))
			}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer gock.Off()
			c := gockClient(t, tt.opts...)
			var got []byte
			capture := func(req *http.Request, _ *gock.Request) (bool, error) {
				b, err := testkit.PeekBody(req)
				got = b
				return true, err
			}
			mockToken("token_new.json")
			gock.New(gockBase).Post(strings.TrimPrefix(tt.path, "/v2")).
				MatchHeader("Authorization", "^Bearer tok-new-1$").
				MatchHeader("Content-Type", "^application/json$").
				MatchHeader("Accept", "^application/json$").
				AddMatcher(capture).
				Reply(200).SetHeader("X-Request-Id", "rid-1").BodyString(tt.reply)
			rep, err := tt.run(c)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			testkit.Golden(t, tt.file, append(got, '\n'))
			if !rep.Balanced() || rep.Failed != 0 || rep.Requests != 1 || !gock.IsDone() {
				t.Fatalf("report %+v, gock done %v", rep, gock.IsDone())
			}
			for _, o := range rep.Outcomes {
				if o.Result.ID == 0 || o.Result.Action == "" {
					t.Errorf("outcome %d has no result: %+v", o.Index, o.Result)
				}
			}
		})
	}
}

func TestResultsMatchedByKeyNotPosition(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	mockToken("token_new.json")
	// the answer lists the records in reverse order, one key as a number
	gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(200).BodyString(
		`{"data":[{"action":"create","id":3,"key":"B","lookupKey":"sourceId","success":true},` +
			`{"action":"update","id":2,"key":"A","lookupKey":"sourceId","success":true},` +
			`{"action":"update","id":1,"key":17,"lookupKey":"sourceId","success":true}],"total":3}`)
	in := []Customer{{Source: "S", SourceID: "17"}, {Source: "S", SourceID: "A"}, {Source: "S", SourceID: "B"}}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	got := []int64{rep.Outcomes[0].Result.ID, rep.Outcomes[1].Result.ID, rep.Outcomes[2].Result.ID}
	if d := cmp.Diff([]int64{1, 2, 3}, got); d != "" {
		t.Fatalf("ids by record (-want +got):\n%s", d)
	}
}

func TestMissingEntryIsResent(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	mockToken("token_new.json")
	gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(200).BodyString(
		`{"data":[{"action":"create","id":1,"key":"A","lookupKey":"sourceId","success":true}],"total":1}`)
	gock.New(gockBase).Post("/customers/bulk/sourceId").
		AddMatcher(exactBody([]byte(`{"customers":[{"source":"S","sourceId":"B"}]}`))).
		Reply(200).BodyString(`{"data":[{"action":"create","id":2,"key":"B","lookupKey":"sourceId","success":true}],"total":1}`)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}, {Source: "S", SourceID: "B"}}))
	if err != nil || rep.Succeeded != 2 || rep.Requests != 2 || rep.Retries != 1 {
		t.Fatalf("rep %+v err %v", rep, err)
	}
}

func TestLegacyTokenSentAsBearer(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	mockToken("token_legacy.json")
	gock.New(gockBase).Post("/customers/bulk/sourceId").
		MatchHeader("Authorization", "^Bearer tok-legacy-1$").
		Reply(200).BodyString(`{"data":[{"action":"create","id":1,"key":"A","lookupKey":"sourceId","success":true}],"total":1}`)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}}))
	if err != nil || rep.Succeeded != 1 {
		t.Fatalf("rep %+v err %v", rep, err)
	}
}

func TestUnauthorizedRefreshesOnceAndReplays(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	mockToken("token_new.json")
	gock.New(gockBase).Post("/customers/bulk/sourceId").MatchHeader("Authorization", "^Bearer tok-new-1$").
		Reply(401).BodyString(`{"error":{"status":401,"type":"InvalidToken","messages":["expired"]}}`)
	mockToken("token_legacy.json")
	gock.New(gockBase).Post("/customers/bulk/sourceId").MatchHeader("Authorization", "^Bearer tok-legacy-1$").
		Reply(200).BodyString(`{"data":[{"action":"create","id":1,"key":"A","lookupKey":"sourceId","success":true}],"total":1}`)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}}))
	// the replay is a request the server saw: two in the report
	if err != nil || rep.Succeeded != 1 || rep.Requests != 2 || !gock.IsDone() {
		t.Fatalf("rep %+v err %v done %v", rep, err, gock.IsDone())
	}
}

func TestUnauthorizedTwiceStopsRun(t *testing.T) {
	defer gock.Off()
	c := gockClient(t, WithBatchSize(1))
	for range 2 {
		mockToken("token_new.json")
		gock.New(gockBase).Post("/customers/bulk/sourceId").
			Reply(401).SetHeader("X-Request-Id", "rid-401").BodyString(`{"error":{"status":401,"type":"InvalidToken","messages":["revoked"]}}`)
	}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}, {Source: "S", SourceID: "B"}, {Source: "S", SourceID: "C"}}))
	if !errors.Is(err, batch.ErrUnauthorized) {
		t.Fatalf("err %v, want batch.ErrUnauthorized", err)
	}
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 3})
	if rep.Requests != 2 {
		t.Fatalf("%d requests reported, want 2 (the request and its one replay)", rep.Requests)
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.RequestID != "rid-401" || pe.HTTPStatus != 401 {
		t.Fatalf("typed error %+v", pe)
	}
}

// The log sinks below are plain buffers: slog's handlers serialize their
// writes, and the tests read them only after the run.

func TestSecretsAndSSNNeverLeak(t *testing.T) {
	t.Run("client secret echoed by the token endpoint", func(t *testing.T) {
		defer gock.Off()
		var logs bytes.Buffer
		c := gockClient(t, WithEngine(batch.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
		gock.New(gockHost).Post("/oauth2/token").Reply(401).
			BodyString(`{"error":"invalid_client:` + gockSecret + `","error_description":"unknown secret ` + gockSecret + ` for ` + gockID + `"}`)
		rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}}))
		if err == nil || !rep.Balanced() || rep.NotAttempted != 1 {
			t.Fatalf("rep %+v err %v", rep, err)
		}
		if !errors.Is(err, batch.ErrUnauthorized) {
			t.Errorf("token refusal should match batch.ErrUnauthorized: %v", err)
		}
		for what, s := range map[string]string{"error": err.Error(), "logs": logs.String()} {
			if strings.Contains(s, gockSecret) {
				t.Errorf("%s holds the client secret: %s", what, s)
			}
		}
		if !strings.Contains(err.Error(), "REDACTED") {
			t.Errorf("error should show where the secret was: %s", err)
		}
	})
	t.Run("ssn echoed in a schema error", func(t *testing.T) {
		defer gock.Off()
		var logs bytes.Buffer
		c := gockClient(t, WithEngine(batch.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
		mockToken("token_new.json")
		gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(400).BodyString(
			`{"error":{"code":10007,"status":400,"type":"SchemaValidationException","messages":["#/customers/0/ssn: string [` + adaCustomer.SSN + `] does not match pattern"]}}`)
		rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{adaCustomer}))
		if err == nil || rep.Failed != 1 {
			t.Fatalf("rep %+v err %v", rep, err)
		}
		slog.New(slog.NewTextHandler(&logs, nil)).Info("record", "customer", adaCustomer, "contact", Contact{SSN: adaCustomer.SSN})
		printed := fmt.Sprint(adaCustomer) + fmt.Sprintf("%v %+v %#v %s", &adaCustomer, adaCustomer, adaCustomer, Contact{SSN: adaCustomer.SSN})
		if !strings.Contains(printed, "Lovelace") {
			t.Errorf("printing should keep the other fields: %s", printed)
		}
		for what, s := range map[string]string{"error": err.Error(), "logs": logs.String(), "printed": printed} {
			if strings.Contains(s, adaCustomer.SSN) {
				t.Errorf("%s holds the SSN: %s", what, s)
			}
		}
		if !strings.Contains(err.Error(), "#/customers/0/ssn") {
			t.Errorf("the message should still say what was wrong: %s", err)
		}
	})
	t.Run("short ssn echoed by a rejection and by a failed entry", func(t *testing.T) {
		// httpx ignores literal secrets under four characters; the SSN "907"
		// must still be scrubbed, and the record index must survive.
		defer gock.Off()
		var logs bytes.Buffer
		noTime := func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
		c := gockClient(t, WithEngine(batch.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: noTime}))}))
		mockToken("token_new.json")
		in := []Customer{{Source: "S", SourceID: "A"}, {Source: "S", SourceID: "B", SSN: "907"}, {Source: "S", SourceID: "C", SSN: "1"}}
		gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(400).SetHeader("X-Request-Id", "rid-a").BodyString(
			`{"error":{"code":10007,"status":400,"type":"SchemaValidationException","messages":["#/customers/1/ssn: string [907] does not match pattern; 907 refused"]}}`)
		gock.New(gockBase).Post("/customers/bulk/sourceId").
			AddMatcher(exactBody([]byte(`{"customers":[{"source":"S","sourceId":"A"},{"source":"S","sourceId":"C","ssn":"1"}]}`))).
			Reply(200).SetHeader("X-Request-Id", "rid-b").BodyString(
			`{"data":[{"action":"create","id":5,"key":"A","lookupKey":"sourceId","success":true},` +
				`{"key":"C","success":false,"ssn":"1","error":{"code":"E 1","type":"Ssn 1","messages":["ssn 1 is taken"]}}],"total":2}`)
		rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
		if !rep.Balanced() || rep.Succeeded != 1 || rep.Failed != 2 || rep.Outcomes[0].Status != batch.Succeeded {
			t.Fatalf("rep %+v", rep)
		}
		var pe *Error
		if !errors.As(rep.Outcomes[1].Err, &pe) || pe.Code != CodeSchemaValidation {
			t.Fatalf("record 1: %v", rep.Outcomes[1].Err)
		}
		wantMsgs := []string{"#/customers/1/ssn: string [REDACTED] does not match pattern; REDACTED refused"}
		if d := cmp.Diff(wantMsgs, pe.Messages); d != "" {
			t.Errorf("record 1 messages (-want +got):\n%s", d)
		}
		if !errors.As(rep.Outcomes[2].Err, &pe) || pe.Type != "Ssn REDACTED" || !strings.HasPrefix(pe.Message, "record not saved: E REDACTED ") {
			t.Fatalf("record 2: %+v", pe)
		}
		r2 := rep.Outcomes[2].Result
		if d := cmp.Diff([]string{"ssn REDACTED is taken"}, r2.Messages); d != "" {
			t.Errorf("record 2 messages (-want +got):\n%s", d)
		}
		if strings.Contains(string(r2.Raw), `"1"`) || strings.Contains(string(r2.Raw), "ssn 1 ") {
			t.Errorf("raw entry holds the SSN: %s", r2.Raw)
		}
		short := regexp.MustCompile(`\b907\b`)
		for what, s := range map[string]string{"error": err.Error(), "logs": logs.String(), "record 1": rep.Outcomes[1].Err.Error()} {
			if short.MatchString(s) {
				t.Errorf("%s holds the SSN: %s", what, s)
			}
		}
	})
}

// TestSeedBodiesReachTheReport: the seed's 200 body becomes the record's
// Result field for field, and its 400 body the record's *Error.
func TestSeedBodiesReachTheReport(t *testing.T) {
	defer gock.Off()
	c := gockClient(t)
	mockToken("token_new.json")
	rec := Customer{Source: "MY_CRM", SourceID: "3002196", Language: "NL"}
	gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(200).
		SetHeader("X-Request-Id", "rid-200").File(filepath.Join("testdata", "seed_200.json"))
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{rec}))
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Action: "update", ID: 25494, Key: "3002196", LookupKey: "sourceId", Success: true}
	if d := cmp.Diff(want, rep.Outcomes[0].Result); d != "" {
		t.Fatalf("seed 200 result (-want +got):\n%s", d)
	}

	gock.New(gockBase).Post("/customers/bulk/sourceId").Reply(400).
		SetHeader("X-Request-Id", "rid-400").File(filepath.Join("testdata", "seed_400.json"))
	rep, err = c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{rec}))
	if !rep.Balanced() || rep.Failed != 1 || rep.Requests != 1 {
		t.Fatalf("seed 400 report %+v", rep)
	}
	var got *Error
	if !errors.As(err, &got) {
		t.Fatalf("err %v, want a *propel.Error", err)
	}
	if d := cmp.Diff(seed400("rid-400"), fieldsOf(got)); d != "" {
		t.Fatalf("seed 400 error (-want +got):\n%s", d)
	}
}

// TestRejectionsByClass: what each kind of refusal does to a two-record
// request: a bad body or lookup and a 404 fail it at once, a 500 is
// retried up to the policy's attempts, and a 403 stops the run.
func TestRejectionsByClass(t *testing.T) {
	tests := []struct {
		name                               string
		status                             int
		body                               string
		requests, failed, notAttempted     int
		wantInvalid, wantNotFound, wantUna bool
	}{
		{"10005 invalid JSON", 400, `{"error":{"code":10005,"status":400,"type":"InvalidJSONPayload","messages":["bad"]}}`, 1, 2, 0, true, false, false},
		{"10006 invalid lookup key", 400, `{"error":{"code":"10006","status":400,"type":"InvalidLookupKey"}}`, 1, 2, 0, true, false, false},
		{"10008 not found", 404, `{"error":{"code":10008,"status":404,"type":"NotFound"}}`, 1, 2, 0, false, true, false},
		{"500 retried", 500, `{"error":{"status":500,"type":"InternalServerError"}}`, fastRetry.MaxAttempts, 2, 0, false, false, false},
		{"403 stops the run", 403, `{"error":{"status":403,"type":"Forbidden"}}`, 1, 0, 2, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer gock.Off()
			c := gockClient(t)
			mockToken("token_new.json")
			gock.New(gockBase).Post("/customers/bulk/sourceId").Persist().Reply(tt.status).BodyString(tt.body)
			rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]Customer{{Source: "S", SourceID: "A"}, {Source: "S", SourceID: "B"}}))
			if !rep.Balanced() || rep.Requests != tt.requests || rep.Failed != tt.failed || rep.NotAttempted != tt.notAttempted {
				t.Fatalf("requests %d failed %d not attempted %d; want %d %d %d (err %v)",
					rep.Requests, rep.Failed, rep.NotAttempted, tt.requests, tt.failed, tt.notAttempted, err)
			}
			got := []bool{errors.Is(err, batch.ErrInvalid), errors.Is(err, batch.ErrNotFound), errors.Is(err, batch.ErrUnauthorized)}
			if d := cmp.Diff([]bool{tt.wantInvalid, tt.wantNotFound, tt.wantUna}, got); d != "" {
				t.Fatalf("[invalid notfound unauthorized] (-want +got):\n%s", d)
			}
		})
	}
}
