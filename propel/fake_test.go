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

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

var fastRetry = batch.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}

// newFake starts a fake and a client pointed at it.
func newFake(t testing.TB, opts ...propel.Option) (*propeltest.Server, *propel.Client) {
	t.Helper()
	srv := propeltest.NewServer()
	t.Cleanup(srv.Close)
	all := append(srv.ClientOptions(), propel.WithRetryPolicy(fastRetry))
	c, err := propel.New(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func customers(n int) []propel.Customer {
	out := make([]propel.Customer, n)
	for i := range out {
		out[i] = propel.Customer{
			Source: "CRM", SourceID: fmt.Sprintf("C-%05d", i), Language: "NL",
			FirstName: "First", LastName: fmt.Sprintf("Last %d", i), Email: fmt.Sprintf("c%d@example.com", i),
			Gender: propel.GenderUndefined,
		}
		if i%3 == 0 {
			out[i].Addresses = []propel.Address{{Type: propel.AddressDelivery, Street: "Main", City: "Utrecht", Country: "NL", IsDefault: propel.Yes}}
		}
	}
	return out
}

type counts struct{ Total, Succeeded, Failed, NotAttempted int }

// checkReport asserts the report balances and has the exact counts.
func checkReport(t *testing.T, rep *batch.Report[propel.Result], want counts) {
	t.Helper()
	if !rep.Balanced() {
		t.Fatalf("report does not balance: %+v", rep)
	}
	got := counts{rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("counts (-want +got):\n%s", d)
	}
}

// checkLandedOnce asserts every succeeded customer is stored exactly once
// (created once) with the values sent, and no failed one is stored.
func checkLandedOnce(t *testing.T, srv *propeltest.Server, in []propel.Customer, rep *batch.Report[propel.Result]) {
	t.Helper()
	stored := srv.Customers()
	succeeded := 0
	for _, o := range rep.Outcomes {
		c := in[o.Index]
		rec, ok := srv.Customer(c.Source, c.SourceID, c.Language)
		if o.Status != batch.Succeeded {
			if ok {
				t.Errorf("record %d (%s) %s but stored", o.Index, o.Key, o.Status)
			}
			continue
		}
		succeeded++
		if !ok {
			t.Errorf("record %d (%s) succeeded but is not stored", o.Index, o.Key)
			continue
		}
		if rec.Creates != 1 {
			t.Errorf("record %d created %d times", o.Index, rec.Creates)
		}
		if rec.ID != o.Result.ID {
			t.Errorf("record %d: result id %d, stored id %d", o.Index, o.Result.ID, rec.ID)
		}
		want := c
		want.ID = rec.ID
		if d := cmp.Diff(want, rec.Value); d != "" {
			t.Errorf("record %d stored (-want +got):\n%s", o.Index, d)
		}
	}
	if len(stored) != succeeded {
		t.Errorf("%d customers stored, %d succeeded", len(stored), succeeded)
	}
}

func TestThousandCustomersLandOnce(t *testing.T) {
	srv, c := newFake(t, propel.WithConcurrency(4))
	in := customers(1000)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{1000, 1000, 0, 0})
	if rep.Requests != 10 || srv.Requests() != 10 {
		t.Fatalf("requests: report %d, server %d, want 10 (batch size %d)", rep.Requests, srv.Requests(), propel.DefaultBatchSize)
	}
	checkLandedOnce(t, srv, in, rep)
	for _, o := range rep.Outcomes {
		if o.Result.Action != "create" || !o.Result.Success {
			t.Fatalf("outcome %d: %+v", o.Index, o.Result)
		}
	}
	// the same input again updates every record and creates none
	rep, err = c.BulkCustomersBySourceIDSeq(context.Background(), slices.Values(in))
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{1000, 1000, 0, 0})
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
	srv, c := newFake(t, propel.WithConcurrency(4), propel.WithHTTPClient(&http.Client{Timeout: time.Second}))
	srv.SetSlowDelay(20 * time.Millisecond)
	for _, f := range []propeltest.Fault{
		propeltest.FaultExpireToken, propeltest.FaultServerError, propeltest.FaultDropAfterWrite,
		propeltest.FaultNone, propeltest.FaultMalformedJSON, propeltest.FaultSlow, propeltest.FaultDrop,
		propeltest.FaultServerErrorAfterWrite, propeltest.FaultBadGateway, propeltest.FaultUnavailable,
	} {
		srv.FailNext(1, f)
	}
	in := customers(1000)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{1000, 1000, 0, 0})
	checkLandedOnce(t, srv, in, rep)
	if srv.PendingFaults() != 0 || srv.Requests() < 10+8 {
		t.Fatalf("faults left %d, server requests %d: the faults were not all met", srv.PendingFaults(), srv.Requests())
	}
	if srv.TokenRequests() != 2 {
		t.Fatalf("token requests %d, want 2 (the first and one refresh)", srv.TokenRequests())
	}
}

// TestFullRecordsRoundTrip: a customer, contact and company with every
// field set pass the fake's strict schema and read back unchanged.
func TestFullRecordsRoundTrip(t *testing.T) {
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
	if _, err := c.BulkCompaniesBySourceID(context.Background(), []propel.Company{company}); err != nil {
		t.Fatal(err)
	}
	customer := propel.Customer{Source: "CRM", SourceID: "C-1", Language: "NL", DebtorID: "D1", FirstName: "Ada",
		MiddleName: "B", LastName: "Lovelace", Abbreviation: "AL", Title: "Dr.", DateOfBirth: "1815-12-10",
		Gender: propel.GenderFemale, SSN: "123-45-6789", Phone: "030", Mobile: "06", Email: "ada@example.com",
		Parent: &propel.Parent{Source: "ERP", SourceID: "1"}, PrimaryLanguage: "EN", Addresses: []propel.Address{addr}}
	if _, err := c.BulkCustomersBySourceID(context.Background(), []propel.Customer{customer}); err != nil {
		t.Fatal(err)
	}
	contact := propel.Contact{Source: "CRM", SourceID: "P-1", Language: "NL", DebtorID: "D2", FirstName: "Jan",
		MiddleName: "van", LastName: "Dam", Abbreviation: "JD", Title: "Ir.", DateOfBirth: "1970-01-01",
		Gender: propel.GenderMale, SSN: "987-65-4321", Phone: "030", Mobile: "06", Email: "jan@example.com",
		Company: "ACME", Parent: &propel.Parent{Source: "ERP", SourceID: "1"}, PrimaryLanguage: "NL"}
	if _, err := c.BulkContactsBySourceID(context.Background(), []propel.Contact{contact}); err != nil {
		t.Fatal(err)
	}
	gotCo, _ := srv.Company("ERP", "1", "NL")
	gotCu, _ := srv.Customer("CRM", "C-1", "NL")
	gotCt, _ := srv.Contact("CRM", "P-1", "NL")
	company.ID, customer.ID, contact.ID = gotCo.ID, gotCu.ID, gotCt.ID
	if d := cmp.Diff(company, gotCo.Value); d != "" {
		t.Errorf("company (-sent +stored):\n%s", d)
	}
	if d := cmp.Diff(customer, gotCu.Value); d != "" {
		t.Errorf("customer (-sent +stored):\n%s", d)
	}
	if d := cmp.Diff(contact, gotCt.Value); d != "" {
		t.Errorf("contact (-sent +stored):\n%s", d)
	}
}

func TestTokenExpiringMidRunLosesNothing(t *testing.T) {
	var srv *propeltest.Server
	var expired atomic.Int32
	// all tokens die twice while requests are in flight on three workers
	progress := func(p batch.Progress) {
		if p.Done >= 100 && expired.CompareAndSwap(0, 1) || p.Done >= 300 && expired.CompareAndSwap(1, 2) {
			srv.ExpireTokens()
		}
	}
	srv, c := newFake(t, propel.WithConcurrency(3), propel.WithBatchSize(25), propel.WithProgress(progress))
	srv.SetLegacyTokens(true)
	in := customers(500)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{500, 500, 0, 0})
	checkLandedOnce(t, srv, in, rep)
	if got := srv.TokenRequests(); got != 3 {
		t.Fatalf("token requests %d, want 3: the first, and one per expiry however many workers met it", got)
	}
	if rep.Requests != 20 {
		t.Fatalf("requests %d: a refreshed replay is part of the same request", rep.Requests)
	}

	// one request's token expiring (FaultExpireToken), twice in a run
	srv2, c2 := newFake(t, propel.WithConcurrency(1), propel.WithBatchSize(25))
	srv2.FailNext(2, propeltest.FaultNone)
	srv2.FailNext(1, propeltest.FaultExpireToken)
	srv2.FailNext(2, propeltest.FaultNone)
	srv2.FailNext(1, propeltest.FaultExpireToken)
	rep, err = c2.BulkCustomersBySourceID(context.Background(), in[:200])
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{200, 200, 0, 0})
	checkLandedOnce(t, srv2, in[:200], rep)
	if srv2.TokenRequests() != 3 || srv2.PendingFaults() != 0 || srv2.Requests() != 10 {
		t.Fatalf("token requests %d, faults left %d, requests %d", srv2.TokenRequests(), srv2.PendingFaults(), srv2.Requests())
	}
}

// TestTokensDyingBetweenRuns: a token the server drops before its
// announced expiry (the client still holds it as fresh) is refused once per
// run, replaced and the request replayed: nothing lost, one token fetch per
// run, no request sent more than twice. (When a token is renewed ahead of
// its expiry is TestTokenRenewedFiveMinutesBeforeExpiry's subject, on a
// clock the test controls.)
func TestTokensDyingBetweenRuns(t *testing.T) {
	srv, c := newFake(t, propel.WithBatchSize(10))
	in := customers(50)
	var rep *batch.Report[propel.Result]
	var err error
	for i := range 5 {
		rep, err = c.BulkCustomersBySourceID(context.Background(), in[i*10:i*10+10])
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, counts{10, 10, 0, 0})
		srv.ExpireTokens()
	}
	if n := len(srv.Customers()); n != 50 {
		t.Fatalf("%d stored", n)
	}
	if srv.TokenRequests() != 5 || srv.Requests() != 9 {
		t.Fatalf("bulk requests %d, token requests %d; want 9 (5 + 4 refused) and 5", srv.Requests(), srv.TokenRequests())
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
	ik := &injectKey{pick: func(id string) bool { return id == "C-00003" || id == "C-00042" }}
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Transport: ik}), propel.WithConcurrency(2))
	in := customers(150)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	checkReport(t, rep, counts{150, 148, 2, 0})
	checkLandedOnce(t, srv, in, rep)
	// first chunk: rejected naming item 3, resent without it, rejected
	// naming item 41 (C-00042), resent without it; second chunk: one request
	if rep.Requests != 4 || srv.Requests() != 4 {
		t.Fatalf("requests %d (server %d), want 4", rep.Requests, srv.Requests())
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
		if o.Attempts != map[int]int{3: 1, 42: 2}[i] {
			t.Errorf("record %d attempts %d", i, o.Attempts)
		}
	}
	if !errors.Is(err, propel.ErrInvalidPayload) {
		t.Fatalf("err %v should match ErrInvalidPayload", err)
	}
}

func TestRejectionNamingNoItemIsIsolatedByHalving(t *testing.T) {
	ik := &injectKey{top: true, pick: func(id string) bool { return id == "C-00005" }}
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Transport: ik}), propel.WithBatchSize(16), propel.WithConcurrency(1))
	in := customers(16)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	checkReport(t, rep, counts{16, 15, 1, 0})
	checkLandedOnce(t, srv, in, rep)
	if !errors.Is(err, propel.ErrInvalidPayload) || rep.Outcomes[5].Status != batch.Failed {
		t.Fatalf("err %v, record 5 %s", err, rep.Outcomes[5].Status)
	}
	// 16 -> 8+8 -> 4+4 -> 2+2 -> 1+1: 1 + 2 + 2 + 2 + 2 requests
	if rep.Requests != 9 {
		t.Fatalf("requests %d, want 9", rep.Requests)
	}
}

func TestServerBatchLimitIsolates(t *testing.T) {
	srv, c := newFake(t, propel.WithBatchSize(40))
	srv.SetMaxItems(20)
	in := customers(80)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{80, 80, 0, 0})
	checkLandedOnce(t, srv, in, rep)
	if rep.Requests != 6 {
		t.Fatalf("requests %d, want 6 (2 refused, 4 halves)", rep.Requests)
	}
}

func TestFaultsAreRetriedWithoutDuplicates(t *testing.T) {
	faults := []propeltest.Fault{
		propeltest.FaultServerError, propeltest.FaultBadGateway, propeltest.FaultUnavailable,
		propeltest.FaultDrop, propeltest.FaultServerErrorAfterWrite, propeltest.FaultDropAfterWrite,
		propeltest.FaultMalformedJSON, propeltest.FaultExpireToken,
	}
	for _, f := range faults {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			srv, c := newFake(t, propel.WithBatchSize(20), propel.WithConcurrency(2))
			n := 3
			if f == propeltest.FaultExpireToken {
				n = 1 // a fresh token refused again stops the run (see TestBadCredentialsStopTheRun)
			}
			srv.FailNext(n, f)
			in := customers(100)
			rep, err := c.BulkCustomersBySourceID(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, counts{100, 100, 0, 0})
			checkLandedOnce(t, srv, in, rep)
			if srv.PendingFaults() != 0 {
				t.Fatalf("%d faults unused", srv.PendingFaults())
			}
			if srv.Requests() < 5+n {
				t.Fatalf("server saw %d requests; the faults were not retried", srv.Requests())
			}
		})
	}
}

func TestSlowServerTimesOutAndRetries(t *testing.T) {
	srv, c := newFake(t, propel.WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}), propel.WithBatchSize(10))
	srv.SetSlowDelay(300 * time.Millisecond)
	srv.FailNext(1, propeltest.FaultSlow)
	in := customers(30)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{30, 30, 0, 0})
	time.Sleep(300 * time.Millisecond) // let the slow handler finish its write
	checkLandedOnce(t, srv, in, rep)
}

func TestPersistentServerErrorFailsAfterRetries(t *testing.T) {
	srv, c := newFake(t, propel.WithBatchSize(5), propel.WithConcurrency(1))
	srv.FailNext(100, propeltest.FaultServerError)
	in := customers(5)
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	checkReport(t, rep, counts{5, 0, 5, 0})
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
	srv := propeltest.NewServer()
	defer srv.Close()
	c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithClientCredentials(propeltest.ClientID, "wrong-secret-value"),
		propel.WithRetryPolicy(fastRetry), propel.WithBatchSize(10))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.BulkCustomersBySourceID(context.Background(), customers(50))
	checkReport(t, rep, counts{50, 0, 0, 50})
	if !errors.Is(err, propel.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("err %v", err)
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d bulk requests sent without a token", srv.Requests())
	}
}

func TestCompaniesThenContactsWithMissingParent(t *testing.T) {
	srv, c := newFake(t)
	companies := []propel.Company{
		{Source: "ERP", SourceID: "1032644", Language: "NL", Name: "Bakker Bouw B.V.", Budget: propel.No},
		{Source: "ERP", SourceID: "1032645", Language: "NL", Name: "De Vries Houthandel B.V."},
	}
	rep, err := c.BulkCompaniesBySourceID(context.Background(), companies)
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
	crep, err := c.BulkContactsBySourceID(context.Background(), contacts)
	checkReport(t, crep, counts{4, 2, 2, 0})
	for _, i := range []int{1, 3} {
		o := crep.Outcomes[i]
		var pe *propel.Error
		if !errors.Is(o.Err, propel.ErrItemFailed) || !errors.As(o.Err, &pe) || pe.Code != 50007 || o.Result.Success {
			t.Fatalf("contact %d: %v %+v", i, o.Err, o.Result)
		}
		if o.Attempts != 1 {
			t.Fatalf("contact %d sent %d times; a missing parent is not retried", i, o.Attempts)
		}
		if !strings.Contains(string(o.Result.Raw), `"ParentCompanyNotFound"`) {
			t.Fatalf("contact %d: the failed entry was not kept: %s", i, o.Result.Raw)
		}
	}
	if !errors.Is(err, propel.ErrItemFailed) {
		t.Fatalf("err %v", err)
	}
	stored := srv.Contacts()
	if len(stored) != 2 || stored[0].Value.SourceID != "P-1" || stored[1].Value.SourceID != "P-3" {
		t.Fatalf("stored contacts %+v", stored)
	}
	if rec, _ := srv.Company("ERP", "1032644", "NL"); rec.Value.Name != "Bakker Bouw B.V." || rec.Value.Budget != propel.No {
		t.Fatalf("company read back %+v", rec)
	}
}

func TestByIDVariants(t *testing.T) {
	srv, c := newFake(t)
	id := srv.AddCompany(propel.Company{ID: 77, Name: "Seeded"})
	rep, err := c.BulkCustomersByID(context.Background(), []propel.Customer{{ID: 5, FirstName: "A"}, {ID: 6, FirstName: "B", Source: "X", SourceID: "x-6"}})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{2, 2, 0, 0})
	rep, err = c.BulkCustomersByID(context.Background(), []propel.Customer{{ID: 5, LastName: "Z"}})
	if err != nil || rep.Outcomes[0].Result.Action != "update" {
		t.Fatalf("%v %+v", err, rep.Outcomes)
	}
	got, _ := srv.CustomerByID(5)
	if d := cmp.Diff(propel.Customer{ID: 5, FirstName: "A", LastName: "Z"}, got.Value); d != "" {
		t.Fatalf("merged customer (-want +got):\n%s", d)
	}
	if _, ok := srv.Customer("X", "x-6", ""); !ok {
		t.Fatal("customer 6 not found by its source key")
	}
	crep, err := c.BulkContactsByID(context.Background(), []propel.Contact{{ID: 9, Parent: &propel.Parent{ID: id}}})
	if err != nil || crep.Succeeded != 1 {
		t.Fatalf("%v %+v", err, crep)
	}
	if _, ok := srv.ContactByID(9); !ok {
		t.Fatal("contact 9 not stored")
	}
	corep, err := c.BulkCompaniesByIDSeq(context.Background(), slices.Values([]propel.Company{{ID: 77, Notes: "n"}}))
	if err != nil || corep.Outcomes[0].Result.Action != "update" {
		t.Fatalf("%v %+v", err, corep.Outcomes)
	}
}

func TestValidationFailsBeforeSending(t *testing.T) {
	srv, c := newFake(t)
	in := customers(4)
	in[1].Email = "nope"
	in[2].SSN = "999-88-7777"
	in[2].Gender = "X"
	in[3].Addresses = []propel.Address{{Type: propel.AddressInvoice, Street: "s", City: "c", Country: "nl"}}
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	checkReport(t, rep, counts{4, 1, 3, 0})
	checkLandedOnce(t, srv, in, rep)
	if !errors.Is(err, propel.ErrInvalidRecord) || strings.Contains(err.Error(), "999-88-7777") {
		t.Fatalf("err %v", err)
	}
	if rep.Requests != 1 {
		t.Fatalf("requests %d", rep.Requests)
	}
}

func TestDuplicateKeysGoInSeparateRequests(t *testing.T) {
	srv, c := newFake(t, propel.WithConcurrency(1))
	in := []propel.Customer{
		{Source: "S", SourceID: "1", Language: "NL", FirstName: "old"},
		{Source: "S", SourceID: "1", Language: "EN", FirstName: "english"},
		{Source: "S", SourceID: "1", Language: "NL", FirstName: "new"},
	}
	rep, err := c.BulkCustomersBySourceID(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, counts{3, 3, 0, 0})
	if rep.Requests != 2 {
		t.Fatalf("requests %d, want 2", rep.Requests)
	}
	nl, _ := srv.Customer("S", "1", "NL")
	if nl.Value.FirstName != "new" || nl.Creates != 1 || nl.Updates != 1 {
		t.Fatalf("%+v", nl)
	}
	if rep.Outcomes[0].Result.ID == rep.Outcomes[1].Result.ID {
		t.Fatal("two languages matched to one id")
	}
}

func TestCancelledContextAccountsForEveryRecord(t *testing.T) {
	srv, c := newFake(t, propel.WithBatchSize(10), propel.WithConcurrency(1))
	srv.SetSlowDelay(50 * time.Millisecond)
	srv.FailNext(100, propeltest.FaultSlow)
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	rep, err := c.BulkCustomersBySourceID(ctx, customers(100))
	if err == nil || !rep.Balanced() || rep.Total != 100 || rep.NotAttempted == 0 {
		t.Fatalf("rep %+v err %v", rep, err)
	}
	if rep.Succeeded+rep.Failed+rep.NotAttempted != 100 {
		t.Fatalf("unbalanced %+v", rep)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
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
		{"batch size huge", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithBatchSize(propel.MaxBatchSize + 1)}},
		{"concurrency 0", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithConcurrency(0)}},
		{"concurrency huge", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithConcurrency(257)}},
		{"negative retry", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: -1})}},
		{"nil http client", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithHTTPClient(nil)}},
		{"bad keep", []propel.Option{propel.WithClientCredentials("a", "b"), propel.WithKeep(9)}},
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
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprint("legacy=", legacy), func(t *testing.T) {
			srv := propeltest.NewServer()
			defer srv.Close()
			srv.SetLegacyTokens(legacy)
			cc := clientcredentials.Config{ClientID: propeltest.ClientID, ClientSecret: propeltest.ClientSecret,
				TokenURL: srv.URL + "/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
			ctx := context.Background()
			fresh := propel.TokenSourceFunc(func() (*oauth2.Token, error) { return cc.Token(ctx) })
			c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithTokenSource(fresh), propel.WithRetryPolicy(fastRetry))
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(1, propeltest.FaultExpireToken)
			in := customers(10)
			rep, err := c.BulkCustomersBySourceID(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, counts{10, 10, 0, 0})
			checkLandedOnce(t, srv, in, rep)
			if srv.TokenRequests() != 2 {
				t.Fatalf("token requests %d, want 2", srv.TokenRequests())
			}

			// a caching source cannot replace a refused token: the run stops
			caching, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithTokenSource(cc.TokenSource(ctx)), propel.WithRetryPolicy(fastRetry))
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(1, propeltest.FaultExpireToken)
			rep, err = caching.BulkCustomersBySourceID(ctx, in)
			checkReport(t, rep, counts{10, 0, 0, 10})
			if !errors.Is(err, propel.ErrUnauthorized) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestDirectives(t *testing.T) {
	srv, c := newFake(t)
	in := customers(3)
	if _, err := c.BulkCustomersBySourceID(context.Background(), in[:2]); err != nil {
		t.Fatal(err)
	}
	d, err := propel.New(append(srv.ClientOptions(), propel.WithRetryPolicy(fastRetry),
		propel.WithDirectives(propel.SkipIfNotEmpty("email"), propel.SkipCreate()))...)
	if err != nil {
		t.Fatal(err)
	}
	changed := slices.Clone(in)
	for i := range changed {
		changed[i].Email = fmt.Sprintf("new%d@example.com", i)
		changed[i].FirstName = "Changed"
	}
	rep, err := d.BulkCustomersBySourceID(context.Background(), changed)
	checkReport(t, rep, counts{3, 2, 1, 0})
	if !errors.Is(err, propel.ErrItemFailed) || rep.Outcomes[2].Status != batch.Failed {
		t.Fatalf("skipCreate: record 2 %s, err %v", rep.Outcomes[2].Status, err)
	}
	for i := range 2 {
		rec, _ := srv.Customer(in[i].Source, in[i].SourceID, in[i].Language)
		if rec.Value.Email != in[i].Email || rec.Value.FirstName != "Changed" {
			t.Fatalf("record %d after skipIfNotEmpty(email): %+v", i, rec.Value)
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
	var outcomes, progress atomic.Int32
	lim := &countingLimiter{}
	srv, c := newFake(t, propel.WithBatchSize(10), propel.WithKeep(batch.KeepFailures), propel.WithLimiter(lim),
		propel.WithOutcomeHook(func(int, string, batch.Status, error) { outcomes.Add(1) }),
		propel.WithProgress(func(batch.Progress) { progress.Add(1) }))
	in := customers(35)
	in[20].Gender = "?"
	rep, err := c.BulkCustomersBySourceIDSeq(context.Background(), slices.Values(in))
	checkReport(t, rep, counts{35, 34, 1, 0})
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
