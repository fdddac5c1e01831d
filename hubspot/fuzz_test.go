package hubspot

import (
	"os"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// FuzzDecode feeds arbitrary bytes to the batch-answer and error decoders
// and to the matcher: they may fail, never panic, and always settle every
// record.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"seed_update_response_canceled.json", "create_response_201.json", "update_response_207.json",
		"upsert_response_200.json", "read_response_207.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c","policyName":"TEN_SECONDLY_ROLLING"}`))
	f.Add([]byte(`{"status":"COMPLETE","results":[{"id":"1","properties":{"a":null,"b":1,"c":true}}],"errors":[{"context":{"ids":[1,{"x":2}]},"subCategory":[1]}]}`))
	f.Add([]byte(`{"results":null,"errors":[null],"links":[]}`))
	f.Add([]byte(`{"status":"COMPLETE","results":[{"id":"1","propertiesWithHistory":{"a":[{"value":7,"timestamp":"2022-11-07T21:54:03.930Z","sourceType":"API","updatedByUserId":1}],"b":null}}]}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, HTTPStatus: 400}}
		decodeErrorBody(e, data, func(s string) string { return s })
		_ = e.Error()
		br, err := decodeBatchResponse(data)
		if err != nil {
			return
		}
		for _, kind := range []opKind{opCreate, opUpdate, opRead, opArchive} {
			x := newChunkIndex(3, kind != opRead && kind != opArchive)
			for i, id := range []string{"1", "512", "ada@example.com"} {
				if x.trace != nil {
					x.addTrace("t"+id, i)
				}
				prop := ""
				if i == 2 {
					prop = "email"
				}
				x.addID(id, prop, i)
			}
			res := make([]batch.Result[Result], 3)
			x.apply(kind, "contacts batch/x", 207, br, res, func(s string) string { return s })
			for i, s := range x.state {
				if s == stateOpen {
					t.Fatalf("record %d left unsettled", i)
				}
				if s == stateResult && res[i].Err != nil && br.Status != statusCanceled {
					t.Fatalf("record %d has a result and an error", i)
				}
				if kind != opArchive && s != stateResult && res[i].Err == nil {
					t.Fatalf("record %d settled without a result or an error", i)
				}
			}
		}
	})
}
