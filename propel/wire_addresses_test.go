package propel

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/h2non/gock.v1"
)

// TestGoldenAddressRequests: the bulk addresses endpoints' wire shape, as
// Propeller's reference writes it (rest/bulk-customer-addresses,
// rest/bulk-company-addresses): POST /{customers|companies}/{lookupKey}/
// {lookupValue}/addresses/bulk, body {"addresses":[…]} with no directives
// (even when the client has some), the source as a query parameter of a
// sourceId lookup; the answer's entries (lookupKey "code", key the code as
// a string) are matched to the addresses by code, not position.
func TestGoldenAddressRequests(t *testing.T) {
	ctx := context.Background()
	home := Address{Type: AddressDelivery, Code: "11234", Company: "Propel", FirstName: "Miles", LastName: "McCoy",
		Street: "Noordpad", Number: "34", NumberExtension: "A", PostalCode: "6822 DE", City: "Arnhem", Country: "NL",
		Phone: "0032445888", Mobile: "0038975648", Email: "miles@propel.us", URL: "www.propel.us", Notes: "Address notes",
		ICP: No, IsDefault: Yes}
	office := Address{Type: AddressInvoice, Code: "11235", Street: "Keizersgracht", Number: "193", City: "Amsterdam", Country: "NL"}
	// entries in the opposite order to the request: matched by code
	reply := `{"data":[{"action":"create","id":106104,"key":"11235","lookupKey":"code","success":true},` +
		`{"action":"update","id":106097,"key":"11234","lookupKey":"code","success":true}],"messages":["Completed"],"total":2}`
	tests := []struct {
		name, file, path string
		params           map[string]string
		run              func(c *Client) (*batch.Report[Result], error)
	}{
		{"customer by sourceId", "req_customer_addresses.json", "/customers/sourceId/C%2F1001/addresses/bulk", map[string]string{"source": "^MY CRM$"},
			func(c *Client) (*batch.Report[Result], error) {
				return c.Customers().Addresses(BySourceID("MY CRM", "C/1001")).Upsert(ctx, slices.Values([]Address{home, office}))
			}},
		{"company by id", "req_company_addresses.json", "/companies/id/77/addresses/bulk", nil,
			func(c *Client) (*batch.Report[Result], error) {
				return c.Companies().Addresses(ByID(77)).Upsert(ctx, slices.Values([]Address{home, office}))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer gock.Off()
			c := gockClient(t, WithDirectives(SkipCreate()))
			var got []byte
			var rawPath, rawQuery string
			capture := func(req *http.Request, _ *gock.Request) (bool, error) {
				b, err := testkit.PeekBody(req)
				got, rawPath, rawQuery = b, req.URL.EscapedPath(), req.URL.RawQuery
				return true, err
			}
			mockToken("token_new.json")
			m := gock.New(gockBase).Post("/").
				MatchHeader("Authorization", "^Bearer tok-new-1$").
				MatchHeader("Content-Type", "^application/json$").
				MatchHeader("Accept", "^application/json$")
			for k, v := range tt.params {
				m.MatchParam(k, v)
			}
			m.AddMatcher(capture).Reply(200).SetHeader("X-Request-Id", "rid-1").BodyString(reply)
			rep, err := tt.run(c)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if rawPath != "/v2"+tt.path {
				t.Errorf("path %s, want /v2%s", rawPath, tt.path)
			}
			if len(tt.params) == 0 && rawQuery != "" {
				t.Errorf("query %q, want none", rawQuery)
			}
			testkit.Golden(t, tt.file, append(got, '\n'))
			if !rep.Balanced() || rep.Succeeded != 2 || rep.Requests != 1 || !gock.IsDone() {
				t.Fatalf("report %+v, gock done %v", rep, gock.IsDone())
			}
			want := []Result{
				{Action: "update", ID: 106097, Key: "11234", LookupKey: "code", Success: true},
				{Action: "create", ID: 106104, Key: "11235", LookupKey: "code", Success: true},
			}
			for i, o := range rep.Outcomes {
				if d := cmp.Diff(want[o.Index], o.Result); d != "" {
					t.Errorf("outcome %d (-want +got):\n%s", i, d)
				}
			}
		})
	}
}
