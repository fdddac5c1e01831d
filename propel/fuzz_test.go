package propel

import (
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

func FuzzDecodeBulk(f *testing.F) {
	f.Add(testkit.Testdata(f, "seed_200.json"))
	f.Add([]byte(`{"data":[{"action":"create","id":25495,"key":"C-1002","lookupKey":"sourceId","success":true}],"messages":["Completed"],"total":2}`))
	f.Add([]byte(`{"data":[{"key":"C-9","success":false,"error":{"code":"50007","messages":["x"]}}]}`))
	f.Add([]byte(`{"data":[{"action":"upd`))
	// the bulk addresses answer (rest/bulk-customer-addresses): key is the code, a string
	f.Add([]byte(`{"data":[{"action":"update","id":106097,"key":"11234","lookupKey":"code","success":true},{"action":"create","id":106104,"key":"11235","lookupKey":"code","success":true}],"messages":["Completed"],"total":2}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		br, err := decodeBulk(body)
		if err == nil && br == nil {
			t.Fatal("nil response without error")
		}
		if err == nil {
			// matching against a chunk must not panic either
			chunk := []Customer{{SourceID: "3002196"}, {SourceID: "C-1002"}, {SourceID: "C-9"}}
			res := match("op", chunk, func(c Customer) string { return c.SourceID }, br, 200, "r", &scrubber{ssns: []string{"9"}})
			if len(res) != len(chunk) {
				t.Fatalf("%d results for %d records", len(res), len(chunk))
			}
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	f.Add(400, testkit.Testdata(f, "seed_400.json"))
	f.Add(401, []byte(`{"error":"invalid_client","error_description":"x"}`))
	f.Add(400, []byte(`{"error":{"code":"10007","messages":"#/customers/2: extraneous key [x] is not permitted"}}`))
	f.Add(502, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := respErr(status, body, "")
		(&scrubber{ssns: []string{"1", "123-45-6789"}}).scrubError(e)
		_ = e.Error()
		_ = splitNamed(e, "customers", 5)
	})
}

func FuzzDecodeToken(f *testing.F) {
	f.Add(testkit.Testdata(f, "token_new.json"))
	f.Add(testkit.Testdata(f, "token_legacy.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, _, err := decodeToken(body, time.Now())
		if err == nil && tok == "" {
			t.Fatal("empty token without error")
		}
	})
}
