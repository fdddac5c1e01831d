package propel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func TestThousandCustomersLandOnce(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithEngine(batch.Config{Concurrency: 4}))
	in := customers(1000)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1000, Succeeded: 1000, Failed: 0, NotAttempted: 0})
	if rep.Requests != 10 || srv.Stats().Requests != 10 {
		t.Fatalf("requests: report %d, server %d, want 10 (batch size %d)", rep.Requests, srv.Stats().Requests, propel.DefaultBatchSize)
	}
	checkLandedOnce(t, srv, in, rep)
	for _, o := range rep.Outcomes {
		if o.Result.Action != "create" || !o.Result.Success {
			t.Fatalf("outcome %d: %+v", o.Index, o.Result)
		}
	}
	// the same input again updates every record and creates none
	rep, err = c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1000, Succeeded: 1000, Failed: 0, NotAttempted: 0})
	for _, o := range rep.Outcomes {
		if o.Result.Action != "update" {
			t.Fatalf("second run outcome %d: %+v", o.Index, o.Result)
		}
	}
	if n := len(srv.Customers()); n != 1000 {
		t.Fatalf("%d stored after two runs", n)
	}
}

// TestThousandCustomersUnderFaultsLandOnce: 1,000 customers in 10
// requests, 4 at a time, with a token expiring, server errors, dropped
// connections before and after the write, a slow answer and a garbled one:
// every customer lands exactly once.
func TestThousandCustomersUnderFaultsLandOnce(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithEngine(batch.Config{Concurrency: 4}), propel.WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	for _, f := range []fakekit.Fault{
		propeltest.ExpireToken(), fakekit.Status(500), fakekit.DropAfterWrite(),
		{}, fakekit.Malformed(), fakekit.Slow(20 * time.Millisecond), fakekit.Drop(),
		propeltest.ServerErrorAfterWrite(), badGateway, fakekit.Status(503),
	} {
		srv.FailNext(1, f)
	}
	in := customers(1000)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 1000, Succeeded: 1000, Failed: 0, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	if srv.PendingFaults() != 0 || srv.Stats().Requests < 10+8 {
		t.Fatalf("faults left %d, server requests %d: the faults were not all met", srv.PendingFaults(), srv.Stats().Requests)
	}
	if srv.Stats().TokenRequests != 2 {
		t.Fatalf("token requests %d, want 2 (the first and one refresh)", srv.Stats().TokenRequests)
	}
}

// TestFullRecordsRoundTrip: a customer, contact and company with every
// field set pass the fake's strict schema and read back unchanged.
func TestFullRecordsRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	addr := propel.Address{Type: propel.AddressInvoice, Code: "A1", Company: "ACME", FirstName: "Ada", MiddleName: "B",
		LastName: "Lovelace", Gender: propel.GenderFemale, Street: "Kerkstraat", Number: "34", NumberExtension: "bis",
		PostalCode: "3511 AB", City: "Utrecht", Region: "UT", Country: "NL", Phone: "030", Mobile: "06",
		Email: "a@example.com", URL: "https://example.com", Notes: "n", ICP: propel.No, IsDefault: propel.Yes}
	company := propel.Company{Source: "ERP", SourceID: "1", Language: "NL", Name: "ACME", TaxNumber: "T", CocNumber: "C",
		DebtorID: "D", Department: "Dep", Office: "Off", Notes: "N",
		InheritProductList: propel.Yes, InheritOrderList: propel.No, Budget: "H", BudgetInherit: propel.Yes,
		OrderListAllowAll: "U", Addresses: []propel.Address{addr},
		Attributes: []propel.Attribute{{Class: "company", Name: "CREDIT_LIMIT", Type: "integer", Value: "5000"}}}
	if _, err := c.Companies().UpsertBySourceID(context.Background(), slices.Values([]propel.Company{company})); err != nil {
		t.Fatal(err)
	}
	customer := propel.Customer{Source: "CRM", SourceID: "C-1", Language: "NL", DebtorID: "D1", FirstName: "Ada",
		MiddleName: "B", LastName: "Lovelace", Abbreviation: "AL", Title: "Dr.", DateOfBirth: "1815-12-10",
		Gender: propel.GenderFemale, SSN: "123-45-6789", Phone: "030", Mobile: "06", Email: "ada@example.com",
		Parent: &propel.Parent{Source: "ERP", SourceID: "1"}, PrimaryLanguage: "EN", Addresses: []propel.Address{addr}}
	if _, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values([]propel.Customer{customer})); err != nil {
		t.Fatal(err)
	}
	contact := propel.Contact{Source: "CRM", SourceID: "P-1", Language: "NL", DebtorID: "D2", FirstName: "Jan",
		MiddleName: "van", LastName: "Dam", Abbreviation: "JD", Title: "Ir.", DateOfBirth: "1970-01-01",
		Gender: propel.GenderMale, SSN: "987-65-4321", Phone: "030", Mobile: "06", Email: "jan@example.com",
		Company: "ACME", Parent: &propel.Parent{Source: "ERP", SourceID: "1"}, PrimaryLanguage: "NL"}
	if _, err := c.Contacts().UpsertBySourceID(context.Background(), slices.Values([]propel.Contact{contact})); err != nil {
		t.Fatal(err)
	}
	gotCo, _ := srv.Company("ERP", "1", "NL")
	gotCu, _ := srv.Customer("CRM", "C-1", "NL")
	gotCt, _ := srv.Contact("CRM", "P-1", "NL")
	company.ID, customer.ID, contact.ID = gotCo.ID, gotCu.ID, gotCt.ID
	if d := cmp.Diff(company, decoded[propel.Company](t, gotCo)); d != "" {
		t.Errorf("company (-sent +stored):\n%s", d)
	}
	if d := cmp.Diff(customer, decoded[propel.Customer](t, gotCu)); d != "" {
		t.Errorf("customer (-sent +stored):\n%s", d)
	}
	if d := cmp.Diff(contact, decoded[propel.Contact](t, gotCt)); d != "" {
		t.Errorf("contact (-sent +stored):\n%s", d)
	}
}

func TestTokenExpiringMidRunLosesNothing(t *testing.T) {
	t.Parallel()
	var srv *propeltest.Server
	var expired atomic.Int32
	// all tokens die twice while requests are in flight on three workers
	progress := func(p batch.Progress) {
		if p.Done >= 100 && expired.CompareAndSwap(0, 1) || p.Done >= 300 && expired.CompareAndSwap(1, 2) {
			srv.ExpireTokens()
		}
	}
	srv, c := newFake(t, propel.WithEngine(batch.Config{Retry: fastRetry, OnProgress: progress}), propel.WithEngine(batch.Config{Concurrency: 3}), propel.WithBatchSize(25))
	srv.SetLegacyTokens(true)
	in := customers(500)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 500, Succeeded: 500, Failed: 0, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	if got := srv.Stats().TokenRequests; got != 3 {
		t.Fatalf("token requests %d, want 3: the first, and one per expiry however many workers met it", got)
	}
	// every replay after a refresh is a request the server saw, and counted
	if rep.Requests != srv.Stats().Requests || rep.Requests <= 20 {
		t.Fatalf("report counts %d requests, the server saw %d (20 chunks and their replays)", rep.Requests, srv.Stats().Requests)
	}

	// one request's token expiring (FaultExpireToken), twice in a run
	srv2, c2 := newFake(t, propel.WithEngine(batch.Config{Concurrency: 1}), propel.WithBatchSize(25))
	srv2.FailNext(2, fakekit.Fault{})
	srv2.FailNext(1, propeltest.ExpireToken())
	srv2.FailNext(2, fakekit.Fault{})
	srv2.FailNext(1, propeltest.ExpireToken())
	rep, err = c2.Customers().UpsertBySourceID(context.Background(), slices.Values(in[:200]))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 200, Succeeded: 200, Failed: 0, NotAttempted: 0})
	checkLandedOnce(t, srv2, in[:200], rep)
	st := srv2.Stats()
	if st.TokenRequests != 3 || srv2.PendingFaults() != 0 || st.Requests != 10 || rep.Requests != st.Requests {
		t.Fatalf("token requests %d, faults left %d, requests %d seen, %d reported; want 3, 0, 10 (8 chunks, 2 replays), 10",
			st.TokenRequests, srv2.PendingFaults(), st.Requests, rep.Requests)
	}
}

// TestTokensDyingBetweenRuns: a token the server drops before its
// announced expiry (the client still holds it as fresh) is refused once per
// run, replaced and the request replayed: nothing lost, one token fetch per
// run, no request sent more than twice. (When a token is renewed ahead of
// its expiry is TestTokenRenewedFiveMinutesBeforeExpiry's subject, on a
// clock the test controls.)
func TestTokensDyingBetweenRuns(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(10))
	in := customers(50)
	var rep *batch.Report[propel.Result]
	var err error
	for i := range 5 {
		rep, err = c.Customers().UpsertBySourceID(context.Background(), slices.Values(in[i*10:i*10+10]))
		if err != nil {
			t.Fatal(err)
		}
		testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10, Failed: 0, NotAttempted: 0})
		srv.ExpireTokens()
	}
	if n := len(srv.Customers()); n != 50 {
		t.Fatalf("%d stored", n)
	}
	if srv.Stats().TokenRequests != 5 || srv.Stats().Requests != 9 {
		t.Fatalf("bulk requests %d, token requests %d; want 9 (5 + 4 refused) and 5", srv.Stats().Requests, srv.Stats().TokenRequests)
	}
}

// injectKey is an http.RoundTripper that adds key:value to the first
// customers item for which pick returns true, in every request that has one.
type injectKey struct {
	pick  func(sourceID string) bool
	top   bool // add the key at the top level instead (an error naming no item)
	count atomic.Int32
}

func (ik *injectKey) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && strings.Contains(req.URL.Path, "/bulk/") {
		b, _ := io.ReadAll(req.Body)
		for _, id := range strings.Split(string(b), `"sourceId":"`)[1:] {
			id = id[:strings.IndexByte(id, '"')]
			if ik.pick(id) {
				ik.count.Add(1)
				if ik.top {
					b = bytes.Replace(b, []byte(`{"customers"`), []byte(`{"extra":1,"customers"`), 1)
				} else {
					b = bytes.Replace(b, []byte(`"sourceId":"`+id+`"`), []byte(`"sourceId":"`+id+`","company":"ACME"`), 1)
				}
				break
			}
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.ContentLength = int64(len(b))
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestUnknownKeyFailsOnlyThatRecord(t *testing.T) {
	t.Parallel()
	ik := &injectKey{pick: func(id string) bool { return id == "C-00003" || id == "C-00042" }}
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Transport: ik}), propel.WithEngine(batch.Config{Concurrency: 2}))
	in := customers(150)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 150, Succeeded: 148, Failed: 2, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	// first chunk: rejected naming item 3, resent without it, rejected
	// naming item 41 (C-00042), resent without it; second chunk: one request
	if rep.Requests != 4 || srv.Stats().Requests != 4 {
		t.Fatalf("requests %d (server %d), want 4", rep.Requests, srv.Stats().Requests)
	}
	for _, i := range []int{3, 42} {
		o := rep.Outcomes[i]
		var pe *propel.Error
		if o.Status != batch.Failed || !errors.As(o.Err, &pe) || pe.Code != propel.CodeSchemaValidation {
			t.Fatalf("record %d: %s %v", i, o.Status, o.Err)
		}
		wantMsg := fmt.Sprintf("#/customers/%d: extraneous key [company] is not permitted", map[int]int{3: 3, 42: 41}[i])
		if d := cmp.Diff([]string{wantMsg}, pe.Messages); d != "" {
			t.Fatalf("record %d messages (-want +got):\n%s", i, d)
		}
		if o.Attempts != map[int]int32{3: 1, 42: 2}[i] {
			t.Errorf("record %d attempts %d", i, o.Attempts)
		}
	}
	if !errors.Is(err, batch.ErrInvalid) {
		t.Fatalf("err %v should match ErrInvalidPayload", err)
	}
}

func TestRejectionNamingNoItemIsIsolatedByHalving(t *testing.T) {
	t.Parallel()
	ik := &injectKey{top: true, pick: func(id string) bool { return id == "C-00005" }}
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Transport: ik}), propel.WithBatchSize(16), propel.WithEngine(batch.Config{Concurrency: 1}))
	in := customers(16)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 16, Succeeded: 15, Failed: 1, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	if !errors.Is(err, batch.ErrInvalid) || rep.Outcomes[5].Status != batch.Failed {
		t.Fatalf("err %v, record 5 %s", err, rep.Outcomes[5].Status)
	}
	// 16 -> 8+8 -> 4+4 -> 2+2 -> 1+1: 1 + 2 + 2 + 2 + 2 requests
	if rep.Requests != 9 {
		t.Fatalf("requests %d, want 9", rep.Requests)
	}
}

func TestServerBatchLimitIsolates(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(40))
	srv.SetMaxBatch(20)
	in := customers(80)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 80, Succeeded: 80, Failed: 0, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	if rep.Requests != 6 {
		t.Fatalf("requests %d, want 6 (2 refused, 4 halves)", rep.Requests)
	}
}

func TestFaultsAreRetriedWithoutDuplicates(t *testing.T) {
	t.Parallel()
	faults := []fakekit.Fault{
		fakekit.Status(500), badGateway, fakekit.Status(503),
		fakekit.Drop(), propeltest.ServerErrorAfterWrite(), fakekit.DropAfterWrite(),
		fakekit.Malformed(), propeltest.ExpireToken(),
	}
	for _, f := range faults {
		t.Run(fmt.Sprintf("%d %s drop %v after write %v", f.Status, f.Code, f.Drop, f.AfterWrite), func(t *testing.T) {
			srv, c := newFake(t, propel.WithBatchSize(20), propel.WithEngine(batch.Config{Concurrency: 2}))
			n := 3
			if f == propeltest.ExpireToken() {
				n = 1 // a fresh token refused again stops the run (see TestBadCredentialsStopTheRun)
			}
			srv.FailNext(n, f)
			in := customers(100)
			rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
			if err != nil {
				t.Fatal(err)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 100, Succeeded: 100, Failed: 0, NotAttempted: 0})
			checkLandedOnce(t, srv, in, rep)
			if srv.PendingFaults() != 0 {
				t.Fatalf("%d faults unused", srv.PendingFaults())
			}
			if srv.Stats().Requests < 5+n {
				t.Fatalf("server saw %d requests; the faults were not retried", srv.Stats().Requests)
			}
		})
	}
}

func TestSlowServerTimesOutAndRetries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Timeout: 2 * time.Second}), propel.WithBatchSize(10))
	srv.FailNext(1, fakekit.Slow(time.Minute)) // cut short when the client gives up
	in := customers(30)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 30, Succeeded: 30, Failed: 0, NotAttempted: 0})
	// let the slow handler finish its write: 30 records, 10 of them twice
	for deadline := time.Now().Add(10 * time.Second); srv.Stats().Writes < 40 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	checkLandedOnce(t, srv, in, rep)
}

func TestPersistentServerErrorFailsAfterRetries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(5), propel.WithEngine(batch.Config{Concurrency: 1}))
	srv.FailNext(100, fakekit.Status(500))
	in := customers(5)
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 5, Succeeded: 0, Failed: 5, NotAttempted: 0})
	var pe *propel.Error
	if !errors.As(err, &pe) || pe.HTTPStatus != 500 || pe.RequestID == "" {
		t.Fatalf("err %v", err)
	}
	if rep.Requests != fastRetry.MaxAttempts {
		t.Fatalf("requests %d, want %d", rep.Requests, fastRetry.MaxAttempts)
	}
	checkLandedOnce(t, srv, in, rep)
}

func TestBadCredentialsStopTheRun(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithClientCredentials(propeltest.ClientID, "wrong-secret-value"),
		propel.WithEngine(batch.Config{Retry: fastRetry}), propel.WithBatchSize(10))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(customers(50)))
	testkit.CheckStopped(t, rep, testkit.Counts{Total: 50})
	if !errors.Is(err, batch.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("err %v", err)
	}
	if srv.Stats().Requests != 0 {
		t.Fatalf("%d bulk requests sent without a token", srv.Stats().Requests)
	}
}

func TestCompaniesThenContactsWithMissingParent(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	companies := []propel.Company{
		{Source: "ERP", SourceID: "1032644", Language: "NL", Name: "Bakker Bouw B.V.", Budget: propel.No},
		{Source: "ERP", SourceID: "1032645", Language: "NL", Name: "De Vries Houthandel B.V."},
	}
	rep, err := c.Companies().UpsertBySourceID(context.Background(), slices.Values(companies))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcomes[0].Result.Key != "1032644" {
		t.Fatalf("numeric key not echoed as text: %+v", rep.Outcomes[0].Result)
	}
	idOf := rep.Outcomes[1].Result.ID
	contacts := []propel.Contact{
		{Source: "ERP", SourceID: "P-1", Language: "NL", FirstName: "Jan", Parent: &propel.Parent{Source: "ERP", SourceID: "1032644"}},
		{Source: "ERP", SourceID: "P-2", Language: "NL", FirstName: "Piet", Parent: &propel.Parent{Source: "ERP", SourceID: "999"}},
		{Source: "ERP", SourceID: "P-3", Language: "NL", FirstName: "Kees", Parent: &propel.Parent{ID: idOf}},
		{Source: "ERP", SourceID: "P-4", Language: "NL", FirstName: "Joop", Parent: &propel.Parent{ID: 424242}},
	}
	crep, err := c.Contacts().UpsertBySourceID(context.Background(), slices.Values(contacts))
	testkit.CheckCounts(t, crep, testkit.Counts{Total: 4, Succeeded: 2, Failed: 2, NotAttempted: 0})
	for _, i := range []int{1, 3} {
		o := crep.Outcomes[i]
		var pe *propel.Error
		if !errors.As(o.Err, &pe) || !pe.Item || pe.Code != 50007 || o.Result.Success {
			t.Fatalf("contact %d: %v %+v", i, o.Err, o.Result)
		}
		if o.Attempts != 1 {
			t.Fatalf("contact %d sent %d times; a missing parent is not retried", i, o.Attempts)
		}
		if !strings.Contains(string(o.Result.Raw), `"ParentCompanyNotFound"`) {
			t.Fatalf("contact %d: the failed entry was not kept: %s", i, o.Result.Raw)
		}
	}
	if pe := (*propel.Error)(nil); !errors.As(err, &pe) || !pe.Item {
		t.Fatalf("err %v", err)
	}
	stored := srv.Contacts()
	if len(stored) != 2 || stored[0].Text("sourceId") != "P-1" || stored[1].Text("sourceId") != "P-3" {
		t.Fatalf("stored contacts %+v", stored)
	}
	if rec, _ := srv.Company("ERP", "1032644", "NL"); rec.Text("name") != "Bakker Bouw B.V." || rec.Text("budget") != "N" {
		t.Fatalf("company read back %+v", rec)
	}
}

func TestByIDVariants(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	id := srv.AddCompany(propel.Company{ID: 77, Name: "Seeded"})
	rep, err := c.Customers().UpsertByID(context.Background(), slices.Values([]propel.Customer{{ID: 5, FirstName: "A"}, {ID: 6, FirstName: "B", Source: "X", SourceID: "x-6"}}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 2, Succeeded: 2, Failed: 0, NotAttempted: 0})
	rep, err = c.Customers().UpsertByID(context.Background(), slices.Values([]propel.Customer{{ID: 5, LastName: "Z"}}))
	if err != nil || rep.Outcomes[0].Result.Action != "update" {
		t.Fatalf("%v %+v", err, rep.Outcomes)
	}
	got, _ := srv.CustomerByID(5)
	if d := cmp.Diff(propel.Customer{ID: 5, FirstName: "A", LastName: "Z"}, decoded[propel.Customer](t, got)); d != "" {
		t.Fatalf("merged customer (-want +got):\n%s", d)
	}
	if _, ok := srv.Customer("X", "x-6", ""); !ok {
		t.Fatal("customer 6 not found by its source key")
	}
	crep, err := c.Contacts().UpsertByID(context.Background(), slices.Values([]propel.Contact{{ID: 9, Parent: &propel.Parent{ID: id}}}))
	if err != nil || crep.Succeeded != 1 {
		t.Fatalf("%v %+v", err, crep)
	}
	if _, ok := srv.ContactByID(9); !ok {
		t.Fatal("contact 9 not stored")
	}
	corep, err := c.Companies().UpsertByID(context.Background(), slices.Values([]propel.Company{{ID: 77, Notes: "n"}}))
	if err != nil || corep.Outcomes[0].Result.Action != "update" {
		t.Fatalf("%v %+v", err, corep.Outcomes)
	}
}

func TestValidationFailsBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	in := customers(4)
	in[1].Email = "nope"
	in[2].SSN = "999-88-7777"
	in[2].Gender = "X"
	in[3].Addresses = []propel.Address{{Type: propel.AddressInvoice, Street: "s", City: "c", Country: "nl"}}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 4, Succeeded: 1, Failed: 3, NotAttempted: 0})
	checkLandedOnce(t, srv, in, rep)
	if !errors.Is(err, batch.ErrInvalid) || strings.Contains(err.Error(), "999-88-7777") {
		t.Fatalf("err %v", err)
	}
	if rep.Requests != 1 {
		t.Fatalf("requests %d", rep.Requests)
	}
}

// TestRepeatedKeyFailsLocally: a key that appears twice in one call would
// be written twice (the later write winning); the later record fails
// before sending, and the same sourceId in another language is another key.
func TestRepeatedKeyFailsLocally(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithEngine(batch.Config{Concurrency: 1}))
	in := []propel.Customer{
		{Source: "S", SourceID: "1", Language: "NL", FirstName: "old"},
		{Source: "S", SourceID: "1", Language: "EN", FirstName: "english"},
		{Source: "S", SourceID: "1", Language: "NL", FirstName: "new"},
	}
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	var pe *propel.Error
	if !errors.Is(err, batch.ErrDuplicate) || !errors.As(rep.Outcomes[2].Err, &pe) || !pe.Local || pe.Field != "sourceId" {
		t.Fatalf("record 2: %v", rep.Outcomes[2].Err)
	}
	if rep.Requests != 1 || srv.Stats().Requests != 1 {
		t.Fatalf("requests %d reported, %d seen; want 1", rep.Requests, srv.Stats().Requests)
	}
	nl, _ := srv.Customer("S", "1", "NL")
	if nl.Text("firstName") != "old" || nl.Creates != 1 || nl.Updates != 0 {
		t.Fatalf("%+v", nl)
	}
	if rep.Outcomes[0].Result.ID == rep.Outcomes[1].Result.ID {
		t.Fatal("two languages matched to one id")
	}
}

func TestCancelledContextAccountsForEveryRecord(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, propel.WithBatchSize(10), propel.WithEngine(batch.Config{Concurrency: 1}))
	srv.FailNext(100, fakekit.Slow(50*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	rep, err := c.Customers().UpsertBySourceID(ctx, slices.Values(customers(100)))
	if err == nil || !rep.Balanced() || rep.Total > 100 || (rep.Total < 100 && !rep.InputIncomplete) {
		t.Fatalf("rep %+v err %v", rep, err)
	}
	for _, o := range rep.Outcomes {
		// A request in flight when the context ended may have been applied.
		if o.Status == batch.Failed && (!errors.Is(o.Err, batch.ErrOutcomeUnknown) || !errors.Is(o.Err, context.DeadlineExceeded)) {
			t.Errorf("record %d failed with %v; want an unknown outcome and the deadline", o.Index, o.Err)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []propel.Option
	}{
		{"no credentials", nil},
		{"both credentials", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))}},
		{"nil token source", []propel.Option{propel.WithTokenSource(nil)}},
		{"empty secret", []propel.Option{propel.WithClientCredentials("a", "")}},
		{"relative base", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithBaseURL("/v2")}},
		{"base with query", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithBaseURL("https://x/v2?key=1")}},
		{"batch size 0", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithBatchSize(0)}},
		{"batch size huge", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithBatchSize(10001)}},
		{"nil option", []propel.Option{propel.WithClientCredentials("a", "b"), nil}},
		{"timeout below 1s", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithTimeout(time.Millisecond)}},
		{"tiny request limit", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithMaxRequestBytes(10)}},
		{"concurrency -1", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithEngine(batch.Config{Concurrency: -1})}},
		{"concurrency huge", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithEngine(batch.Config{Concurrency: 257})}},
		{"negative retry", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: -1}})}},
		{"nil http client", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithHTTPClient(nil)}},
		{"bad keep", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithEngine(batch.Config{Keep: 9})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := propel.New(tt.opts...); err == nil || c != nil {
				t.Fatalf("New accepted bad options: %v", err)
			}
		})
	}
	if _, err := propel.New(propel.WithClientCredentials("a", "b")); err != nil {
		t.Fatalf("defaults rejected: %v", err)
	}
}

func TestWithTokenSourceFromClientCredentialsPackage(t *testing.T) {
	t.Parallel()
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprint("legacy=", legacy), func(t *testing.T) {
			srv := propeltest.NewServer()
			defer srv.Close()
			srv.SetLegacyTokens(legacy)
			cc := clientcredentials.Config{ClientID: propeltest.ClientID, ClientSecret: propeltest.ClientSecret,
				TokenURL: srv.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
			ctx := context.Background()
			fresh := propel.TokenSourceFunc(func() (*oauth2.Token, error) { return cc.Token(ctx) })
			c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithTokenSource(fresh), propel.WithEngine(batch.Config{Retry: fastRetry}))
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(1, propeltest.ExpireToken())
			in := customers(10)
			rep, err := c.Customers().UpsertBySourceID(ctx, slices.Values(in))
			if err != nil {
				t.Fatal(err)
			}
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 10, Failed: 0, NotAttempted: 0})
			checkLandedOnce(t, srv, in, rep)
			if srv.Stats().TokenRequests != 2 {
				t.Fatalf("token requests %d, want 2", srv.Stats().TokenRequests)
			}

			// a caching source cannot replace a refused token: the run stops
			caching, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithTokenSource(cc.TokenSource(ctx)), propel.WithEngine(batch.Config{Retry: fastRetry}))
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(1, propeltest.ExpireToken())
			rep, err = caching.Customers().UpsertBySourceID(ctx, slices.Values(in))
			testkit.CheckCounts(t, rep, testkit.Counts{Total: 10, Succeeded: 0, Failed: 0, NotAttempted: 10})
			if !errors.Is(err, batch.ErrUnauthorized) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// A token source whose error quotes the token it gave before, its client
// secret and a password: none of them reaches the report's error.
func TestTokenSourceErrorIsRedacted(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	cc := clientcredentials.Config{ClientID: propeltest.ClientID, ClientSecret: propeltest.ClientSecret,
		TokenURL: srv.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
	ctx := context.Background()
	var given atomic.Pointer[string]
	src := propel.TokenSourceFunc(func() (*oauth2.Token, error) {
		if tok := given.Load(); tok != nil {
			return nil, fmt.Errorf("refresh of %s failed: {\"client_secret\":%q} password=hunter22", *tok, propeltest.ClientSecret)
		}
		tok, err := cc.Token(ctx)
		if err == nil {
			given.Store(&tok.AccessToken)
		}
		return tok, err
	})
	c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithTokenSource(src), propel.WithEngine(batch.Config{Retry: fastRetry}))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, propeltest.ExpireToken())
	rep, err := c.Customers().UpsertBySourceID(ctx, slices.Values(customers(3)))
	text := testkit.ErrorText(err, rep.Err())
	if given.Load() == nil || !strings.Contains(text, "refresh of") {
		t.Fatalf("the source's error was not reached: %s", text)
	}
	testkit.NoSecrets(t, "errors", text, *given.Load(), propeltest.ClientSecret)
	if strings.Contains(text, "hunter22") {
		t.Errorf("the password shows: %s", text)
	}
}

func TestDirectives(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	in := customers(3)
	if _, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in[:2])); err != nil {
		t.Fatal(err)
	}
	d, err := propel.New(append(fakeOptions(srv), propel.WithEngine(batch.Config{Retry: fastRetry}),
		propel.WithDirectives(propel.SkipIfNotEmpty("email"), propel.SkipCreate()))...)
	if err != nil {
		t.Fatal(err)
	}
	changed := slices.Clone(in)
	for i := range changed {
		changed[i].Email = fmt.Sprintf("new%d@example.com", i)
		changed[i].FirstName = "Changed"
	}
	rep, err := d.Customers().UpsertBySourceID(context.Background(), slices.Values(changed))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 3, Succeeded: 2, Failed: 1, NotAttempted: 0})
	if pe := (*propel.Error)(nil); !errors.As(err, &pe) || !pe.Item || rep.Outcomes[2].Status != batch.Failed {
		t.Fatalf("skipCreate: record 2 %s, err %v", rep.Outcomes[2].Status, err)
	}
	for i := range 2 {
		rec, _ := srv.Customer(in[i].Source, in[i].SourceID, in[i].Language)
		if rec.Text("email") != in[i].Email || rec.Text("firstName") != "Changed" {
			t.Fatalf("record %d after skipIfNotEmpty(email): %s", i, rec.Fields)
		}
	}
	if len(srv.Customers()) != 2 {
		t.Fatalf("skipCreate created a record")
	}
	if _, err := propel.New(propel.WithClientCredentials("a", "b"), propel.WithDirectives(propel.Directive{Operation: "deleteAll"})); err == nil {
		t.Fatal("unknown directive accepted")
	}
	if _, err := propel.New(propel.WithClientCredentials("a", "b"), propel.WithDirectives(propel.SkipIfNotEmpty())); err == nil {
		t.Fatal("skipIfNotEmpty without fields accepted")
	}
}

// countingLimiter counts Wait calls.
type countingLimiter struct{ n atomic.Int32 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return ctx.Err() }

func TestHooksKeepAndLimiterAreWired(t *testing.T) {
	t.Parallel()
	var outcomes, progress atomic.Int32
	lim := &countingLimiter{}
	srv, c := newFake(t, propel.WithBatchSize(10), propel.WithEngine(batch.Config{Retry: fastRetry, Keep: batch.KeepFailures,
		OnOutcome:  func(int, string, batch.Status, error) { outcomes.Add(1) },
		OnProgress: func(batch.Progress) { progress.Add(1) }}), propel.WithEngine(batch.Config{Limiter: lim}))
	in := customers(35)
	in[20].Gender = "?"
	rep, err := c.Customers().UpsertBySourceID(context.Background(), slices.Values(in))
	testkit.CheckCounts(t, rep, testkit.Counts{Total: 35, Succeeded: 34, Failed: 1, NotAttempted: 0})
	if err == nil || len(rep.Outcomes) != 1 || rep.Outcomes[0].Index != 20 {
		t.Fatalf("KeepFailures outcomes %+v", rep.Outcomes)
	}
	if outcomes.Load() != 35 || progress.Load() < 4 || lim.n.Load() != 4 {
		t.Fatalf("outcome hook %d, progress %d, limiter waits %d", outcomes.Load(), progress.Load(), lim.n.Load())
	}
	if len(srv.Customers()) != 34 {
		t.Fatalf("%d stored", len(srv.Customers()))
	}
}
