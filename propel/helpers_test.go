package propel_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
	"github.com/google/go-cmp/cmp"
)

var fastRetry = batch.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}

// badGateway is a 502 with an HTML body, as a proxy answers.
var badGateway = fakekit.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}

// fakeOptions are the options that point a client at srv: its BaseURL and
// its credentials, the one-line setup the README shows.
func fakeOptions(srv *propeltest.Server) []propel.Option {
	return []propel.Option{propel.WithBaseURL(srv.BaseURL()), propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret)}
}

// newFake starts a fake and a client pointed at it, retrying fast.
func newFake(t testing.TB, opts ...propel.Option) (*propeltest.Server, *propel.Client) {
	t.Helper()
	srv := propeltest.NewServer()
	t.Cleanup(srv.Close)
	all := append(fakeOptions(srv), propel.WithEngine(batch.Config{Retry: fastRetry}))
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

// decoded reads a stored record back as T.
func decoded[T any](t testing.TB, rec propeltest.Record) T {
	t.Helper()
	var v T
	if err := rec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
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
		if d := cmp.Diff(want, decoded[propel.Customer](t, rec)); d != "" {
			t.Errorf("record %d stored (-want +got):\n%s", o.Index, d)
		}
	}
	if len(stored) != succeeded {
		t.Errorf("%d customers stored, %d succeeded", len(stored), succeeded)
	}
}
