package agiliron_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

const gockBase = "https://acme.agiliron.net"

// gockClient returns an *http.Client gock intercepts, undone (with every
// mock) when the test ends.
func gockClient(t *testing.T) *http.Client {
	t.Helper()
	hc := &http.Client{}
	gock.InterceptClient(hc)
	t.Cleanup(func() {
		gock.RestoreClient(hc)
		gock.Off()
	})
	return hc
}

// queryInto returns a gock matcher that sends the request's query to ch.
func queryInto(ch chan<- url.Values) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		ch <- req.URL.Query()
		return true, nil
	}
}

// withCallback runs run in the background and, once the bulk request's
// query arrives on queries, delivers body to h at the request's
// callback_url, as Agiliron would; it returns run's report.
func withCallback[R any](t *testing.T, h http.Handler, queries <-chan url.Values, ct, body string,
	run func() *batch.Report[R]) *batch.Report[R] {
	t.Helper()
	done := make(chan *batch.Report[R], 1)
	go func() { done <- run() }()
	var q url.Values
	select {
	case q = <-queries:
	case <-time.After(5 * time.Second):
		t.Fatal("no request")
	}
	cb, err := url.Parse(q.Get("callback_url"))
	if err != nil {
		t.Fatal(err)
	}
	if code := callback(h, http.MethodPut, cb.RawQuery, ct, body); code != http.StatusOK {
		t.Fatalf("callback status %d", code)
	}
	select {
	case rep := <-done:
		return rep
	case <-time.After(5 * time.Second):
		t.Fatal("the callback did not complete the run")
	}
	return nil
}

// exactQuery returns a gock matcher for a request whose whole query is
// raw: no key=, nothing else the test did not ask for.
func exactQuery(raw string) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		return req.URL.RawQuery == raw, nil
	}
}

// bodyInto returns a gock matcher that copies the request body into dst
// (and puts it back).
func bodyInto(dst *[]byte) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Body == nil {
			return false, nil
		}
		b, err := testkit.PeekBody(req)
		*dst = b
		return err == nil, err
	}
}

// TestGoldenRequests checks the exact wire shape of Leads().Update in both
// formats: method, path, query, headers and body (the seed's sample), the
// acknowledgement, and the BatchStatus poll that completes the report.
func TestGoldenRequests(t *testing.T) {
	tests := []struct {
		name       string
		format     agiliron.Format
		mediaType  string
		bodyFile   string
		ackFile    string
		statusFile string
		compact    func([]byte) string
	}{
		{"json", agiliron.JSON, "application/json", "update_leads.json", "ack.json", "batchstatus_update.json", func(b []byte) string { return compactJSON(t, b) }},
		{"xml", agiliron.XML, "application/xml", "update_leads.xml", "ack.xml", "batchstatus_update.xml", compactXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := gockClient(t)
			var sent []byte
			gock.New(gockBase).
				Put("/agiliron/api-40.php/Bulk-Leads").
				MatchParam("sendRecordNo", "^true$").
				AddMatcher(exactQuery("sendRecordNo=true")).
				MatchHeader("apiKey", "^gock-key-123456$").
				MatchHeader("Accept", "^"+tt.mediaType+"$").
				MatchHeader("Content-Type", "^"+tt.mediaType+"; charset=utf-8$").
				AddMatcher(bodyInto(&sent)).
				Reply(200).SetHeader("Content-Type", tt.mediaType).BodyString(string(testkit.Testdata(t, tt.ackFile)))
			gock.New(gockBase).
				Get("/agiliron/api-40.php/BatchStatus/thggii1212kjkl").
				AddMatcher(exactQuery("")).
				MatchHeader("apiKey", "^gock-key-123456$").
				MatchHeader("Accept", "^"+tt.mediaType+"$").
				Reply(200).SetHeader("Content-Type", tt.mediaType).BodyString(string(testkit.Testdata(t, tt.statusFile)))

			c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
				agiliron.WithFormat(tt.format), agiliron.WithHTTPClient(hc), agiliron.WithPollInterval(time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			leads := seedLeads()
			leads[1].LastName = "Lead" // valid client-side; Agiliron's result fails it anyway
			rep, err := c.Leads().Update(context.Background(), slices.Values(leads))
			if !gock.IsDone() {
				t.Fatalf("pending mocks: %v (unmatched: %v)", gock.Pending(), gock.GetUnmatchedRequests())
			}
			if diff := cmp.Diff(tt.compact(testkit.Testdata(t, tt.bodyFile)), tt.compact(sent)); diff != "" {
				t.Errorf("body differs from the seed (-seed +sent):\n%s", diff)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1})
			if diff := cmp.Diff(agiliron.Result{BatchID: "thggii1212kjkl", ID: "123", Name: "John Doe", Record: 1}, rep.Outcomes[0].Result); diff != "" {
				t.Errorf("result 0 (-want +got):\n%s", diff)
			}
			var ae *agiliron.Error
			if !errors.As(err, &ae) || !rejected(err) || ae.Message != "Lead Last Name cannot be blank" || ae.ID != "456" || ae.Record != 2 {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestGoldenCallbackURL checks that with a webhook the request carries
// callback_url (the configured URL plus ref and secret) and that
// Contacts().Create uses POST Bulk-Contacts with every field and no ContactId.
func TestGoldenCallbackURL(t *testing.T) {
	hc := gockClient(t)
	h, err := agiliron.NewWebhookHandler(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	var sent []byte
	gotQuery := make(chan url.Values, 1)
	gock.New(gockBase).
		Post("/agiliron/api-40.php/Bulk-Contacts").
		MatchParam("sendRecordNo", "^true$").
		MatchParam("callback_url", `^https://hooks\.example\.com/agiliron\?ref=[0-9a-f]{24}&secret=`+regexp.QuoteMeta(testSecret)+`$`).
		MatchHeader("apiKey", "^gock-key-123456$").
		AddMatcher(bodyInto(&sent)).
		AddMatcher(queryInto(gotQuery)).
		Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(testkit.Testdata(t, "ack.json")))

	c, err := agiliron.New(agiliron.WithBaseURL(gockBase+"/agiliron/api-40.php"), agiliron.WithAPIKey("gock-key-123456"),
		agiliron.WithHTTPClient(hc), agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"),
		agiliron.WithCallbackTimeout(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	contact := agiliron.Contact{FirstName: "Ada", LastName: "Lovelace", AccountName: "Analytical Ltd",
		CustomFields: []agiliron.CustomField{{Name: "Text", Value: "value"}}}
	body := `{"result":{"SuccessNumber":"1","FailureNumber":"0","Success":{"Contacts":{"ContactId":"394607","ContactName":"Ada Lovelace","Record":"1"}},"Failure":[]}}`
	rep := withCallback(t, h, gotQuery, "application/json", body, func() *batch.Report[agiliron.Result] {
		rep, _ := c.Contacts().Create(context.Background(), slices.Values([]agiliron.Contact{contact}))
		return rep
	})
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1, Succeeded: 1, Failed: 0})
	if got := rep.Outcomes[0].Result.ID; got != "394607" {
		t.Fatalf("new ContactId %q", got)
	}
	want := `{"Contacts":{"Contact":[{"Salutation":"","FirstName":"Ada","LastName":"Lovelace","OfficePhone":"","Mobile":"","HomePhone":"","OtherPhone":"","Fax":"","AccountName":"Analytical Ltd","AccountID":"","VendorName":"","VendorID":"","ContactType":"","Title":"","Department":"","Email":"","ReportsTo":"","ReportsToID":"","Assistant":"","YahooID":"","AssistantPhone":"","DoNotCall":"","EmailOptOut":"","AssignedToUser":"","LeadSource":"","Birthday":"","ContactProfile":"","MailingStreet":"","MailingCity":"","MailingState":"","MailingZip":"","MailingCountry":"","OtherStreet":"","OtherCity":"","OtherState":"","OtherZip":"","OtherCountry":"","CreatedTime":"","ModifiedTime":"","Description":"","B2BCustomer":"","B2BChannels":"","CustomFields":{"CustomField":[{"Name":"Text","Value":"value"}]}}]}}`
	if diff := cmp.Diff(want, string(sent)); diff != "" {
		t.Errorf("(-want +sent):\n%s", diff)
	}
}

// TestGoldenKeyInQuery checks the query form of the key: key=… on the URL,
// no apiKey header.
func TestGoldenKeyInQuery(t *testing.T) {
	hc := gockClient(t)
	gock.New(gockBase).
		Get("/agiliron/api-40.php/BatchStatus/abc").
		MatchParam("key", "^gock-key-123456$").
		AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) { return req.Header.Get("apiKey") == "", nil }).
		Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(testkit.Testdata(t, "batchstatus_pending.json")))
	c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
		agiliron.WithAPIKeyInQuery(), agiliron.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.BatchStatus(context.Background(), "abc")
	if err != nil {
		t.Fatal(err)
	}
	if st.Completed() || st.Status != "Processing" {
		t.Fatalf("status %+v", st)
	}
	if !gock.IsDone() {
		t.Fatal("mock not used")
	}
}

func TestNewOptions(t *testing.T) {
	key := agiliron.WithAPIKey("k-123456")
	tests := []struct {
		name string
		opts []agiliron.Option
		ok   bool
		base string
	}{
		{"company", []agiliron.Option{agiliron.WithCompany("acme-1"), key}, true, "https://acme-1.agiliron.net/agiliron/api-40.php"},
		{"company php", []agiliron.Option{agiliron.WithCompany("acme-1"), agiliron.WithPathStyle(agiliron.PathPHP), key}, true, "https://acme-1.agiliron.net/agiliron/api-40.php"},
		{"company wadl", []agiliron.Option{agiliron.WithCompany("acme-1"), agiliron.WithPathStyle(agiliron.PathWADL), key}, true, "https://acme-1.agiliron.net/agiliron/api-40"},
		{"path style without company", []agiliron.Option{agiliron.WithBaseURL("https://x.example/"), agiliron.WithPathStyle(agiliron.PathWADL), key}, false, ""},
		{"bad path style", []agiliron.Option{agiliron.WithCompany("acme"), agiliron.WithPathStyle(7), key}, false, ""},
		{"base url", []agiliron.Option{agiliron.WithBaseURL("https://acme.agiliron.net/agiliron/api-40.php"), key}, true, "https://acme.agiliron.net/agiliron/api-40.php"},
		{"no key", []agiliron.Option{agiliron.WithCompany("acme")}, false, ""},
		{"no company", []agiliron.Option{key}, false, ""},
		{"both", []agiliron.Option{agiliron.WithCompany("acme"), agiliron.WithBaseURL("https://x.example/"), key}, false, ""},
		{"bad company", []agiliron.Option{agiliron.WithCompany("acme.evil.com/"), key}, false, ""},
		{"relative base", []agiliron.Option{agiliron.WithBaseURL("/api"), key}, false, ""},
		{"base with query", []agiliron.Option{agiliron.WithBaseURL("https://x.example/?key=1"), key}, false, ""},
		{"bad format", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithFormat(9)}, false, ""},
		{"batch size 0", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithBatchSize(0)}, false, ""},
		{"concurrency -1", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithEngine(batch.Config{Concurrency: -1})}, false, ""},
		{"nil http client", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithHTTPClient(nil)}, false, ""},
		{"webhook bad url", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithWebhook(&agiliron.WebhookHandler{}, "hooks")}, false, ""},
		{"webhook nil", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithWebhook(nil, "https://h.example/")}, false, ""},
		{"poll 0", []agiliron.Option{agiliron.WithCompany("acme"), key, agiliron.WithPollInterval(0)}, false, ""},
		{"empty key", []agiliron.Option{agiliron.WithCompany("acme"), agiliron.WithAPIKey(" ")}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := agiliron.New(tt.opts...)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err == nil && c.BaseURL() != tt.base {
				t.Fatalf("BaseURL = %q, want %q", c.BaseURL(), tt.base)
			}
		})
	}
}

// TestMatchingNeverClaimsTooMuch feeds Leads().Update results that do not
// account for every lead cleanly: those leads end ErrOutcomeUnknown.
func TestMatchingNeverClaimsTooMuch(t *testing.T) {
	tests := []struct {
		name     string
		response string
		want     []error // per lead: nil (succeeded), errRejected or batch.ErrOutcomeUnknown
	}{
		{"clean", `{"SuccessNumber":2,"Success":[{"Leads":{"LeadId":123,"Record":1}},{"Leads":{"LeadId":456,"Record":2}}]}`, []error{nil, nil}},
		{"by LeadId", `{"SuccessNumber":1,"FailureNumber":1,"Success":{"Leads":{"LeadId":456}},"Failure":{"Product":{"LeadId":"123","Message":"no"}}}`, []error{errRejected, nil}},
		{"one missing", `{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":123,"Record":1}}]}`, []error{nil, batch.ErrOutcomeUnknown}},
		{"record and LeadId disagree", `{"SuccessNumber":2,"Success":[{"Leads":{"LeadId":999,"Record":1}},{"Leads":{"LeadId":456,"Record":2}}]}`, []error{batch.ErrOutcomeUnknown, nil}},
		{"named twice", `{"SuccessNumber":1,"FailureNumber":1,"Success":[{"Leads":{"LeadId":123,"Record":1}}],"Failure":[{"Leads":{"LeadId":123,"Record":1,"Message":"x"}}]}`, []error{batch.ErrOutcomeUnknown, batch.ErrOutcomeUnknown}},
		{"out of range record", `{"SuccessNumber":2,"Success":[{"Leads":{"Record":7}},{"Leads":{"LeadId":456,"Record":2}}]}`, []error{batch.ErrOutcomeUnknown, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := gockClient(t)
			gock.New(gockBase).Put("/agiliron/api-40.php/Bulk-Leads").
				Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(testkit.Testdata(t, "ack.json")))
			status, _ := json.Marshal(map[string]any{"BatchStatus": map[string]any{
				"Id": "1", "BatchId": "thggii1212kjkl", "Status": "Completed", "Response": tt.response}})
			gock.New(gockBase).Get("/agiliron/api-40.php/BatchStatus/thggii1212kjkl").
				Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(status))
			c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
				agiliron.WithHTTPClient(hc), agiliron.WithPollInterval(time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := c.Leads().Update(context.Background(), slices.Values(seedLeads()))
			if !rep.Balanced() || rep.Total != 2 {
				t.Fatalf("report %+v", rep)
			}
			for i, want := range tt.want {
				o := rep.Outcomes[i]
				if want == nil && o.Err != nil || want == errRejected && !rejected(o.Err) ||
					want != nil && want != errRejected && !errors.Is(o.Err, want) {
					t.Errorf("lead %d: err %v, want %v", i, o.Err, want)
				}
			}
		})
	}
}

// TestSeedWebhookVariantsGiveOneReport runs Leads().Update on the seed's two
// leads four times, each time delivering one of the seed's four webhook
// bodies (XML and JSON, with and without Record numbers) as Agiliron's
// callback, and checks the four reports are the same, lead for lead.
func TestSeedWebhookVariantsGiveOneReport(t *testing.T) {
	type flat struct {
		Status batch.Status
		Result agiliron.Result
		Err    string
	}
	want := []flat{
		{batch.Succeeded, agiliron.Result{BatchID: "thggii1212kjkl", ID: "123", Name: "John Doe", Record: 1}, ""},
		{batch.Failed, agiliron.Result{BatchID: "thggii1212kjkl", ID: "456", Message: "Lead Last Name cannot be blank", Record: 2},
			"agiliron PUT Bulk-Leads: Lead Last Name cannot be blank (LeadId 456) (record 2) [batch thggii1212kjkl]"},
	}
	for _, tt := range []struct {
		file   string
		format agiliron.Format
		ack    string
	}{
		{"webhook_norecord.xml", agiliron.XML, "ack.xml"},
		{"webhook_norecord.json", agiliron.JSON, "ack.json"},
		{"webhook_record.xml", agiliron.XML, "ack.xml"},
		{"webhook_record.json", agiliron.JSON, "ack.json"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			hc := gockClient(t)
			h, err := agiliron.NewWebhookHandler(testSecret)
			if err != nil {
				t.Fatal(err)
			}
			gotQuery := make(chan url.Values, 1)
			gock.New(gockBase).Put("/agiliron/api-40.php/Bulk-Leads").
				AddMatcher(queryInto(gotQuery)).
				Reply(200).SetHeader("Content-Type", "application/"+tt.format.String()).BodyString(string(testkit.Testdata(t, tt.ack)))
			c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
				agiliron.WithFormat(tt.format), agiliron.WithHTTPClient(hc),
				agiliron.WithWebhook(h, "https://hooks.example.com/agiliron"), agiliron.WithCallbackTimeout(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			leads := seedLeads()
			leads[1].LastName = "Lead" // valid client-side; the callback fails it
			// PHP's curl with CURLOPT_POSTFIELDS as a string (the seed's
			// sample) labels the body as a form: the handler sniffs it.
			rep := withCallback(t, h, gotQuery, "application/x-www-form-urlencoded", string(testkit.Testdata(t, tt.file)),
				func() *batch.Report[agiliron.Result] {
					rep, _ := c.Leads().Update(context.Background(), slices.Values(leads))
					return rep
				})
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 1, Failed: 1})
			got := make([]flat, len(rep.Outcomes))
			for i, o := range rep.Outcomes {
				got[i] = flat{o.Status, o.Result, ""}
				if o.Err != nil {
					got[i].Err = o.Err.Error()
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompletedWithoutResult: a batch Agiliron calls "Completed" but
// whose Response stays empty ends, after a few polls, with its leads'
// outcome unknown instead of a wait until the result timeout.
func TestCompletedWithoutResult(t *testing.T) {
	hc := gockClient(t)
	gock.New(gockBase).Put("/agiliron/api-40.php/Bulk-Leads").
		Reply(200).SetHeader("Content-Type", "application/json").BodyString(string(testkit.Testdata(t, "ack.json")))
	gock.New(gockBase).Get("/agiliron/api-40.php/BatchStatus/thggii1212kjkl").Times(5).
		Reply(200).SetHeader("Content-Type", "application/json").
		BodyString(`{"BatchStatus":{"Id":"11","BatchId":"thggii1212kjkl","Response":"","Status":"Completed"}}`)
	c, err := agiliron.New(agiliron.WithCompany("acme"), agiliron.WithAPIKey("gock-key-123456"),
		agiliron.WithHTTPClient(hc), agiliron.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := c.Leads().Update(context.Background(), slices.Values(seedLeads()))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 0, Failed: 2})
	for _, o := range rep.Outcomes {
		if !errors.Is(o.Err, batch.ErrOutcomeUnknown) {
			t.Fatalf("outcome %d: %v", o.Index, o.Err)
		}
	}
	if !gock.IsDone() {
		t.Fatalf("%d mocks left", len(gock.Pending()))
	}
}
