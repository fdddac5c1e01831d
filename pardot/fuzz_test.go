package pardot

import (
	"errors"
	"testing"
)

// FuzzDecodeJSON: the JSON response decoder and the matcher never panic.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"@attributes":{"stat":"ok","version":1},"errors":{"0":"Invalid prospect email address","3":"Invalid prospect ID"}}`,
		`{"@attributes": {"stat": "fail", "version": 1, "err_code": 66}, "err": "You have exceeded your concurrent request limit.  Please wait, before trying again"}`,
		`{"@attributes":{"stat":"ok"},"errors":[]}`,
		`{"@attributes":{"stat":"ok"},"errors":{"a@x.io":{"code":62,"message":"m"},"1":["x","y"]}}`,
		`{"@attributes":{"stat":"ok","version":1},"api_key":"k"}`,
		`{"@attributes":{"stat":"ok","version":1},"errors":["Invalid prospect email address",{"code":62}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fuzzOne(t, "{"+body)
		fuzzOne(t, body)
	})
}

// FuzzDecodeXML: the XML response decoder and the matcher never panic.
func FuzzDecodeXML(f *testing.F) {
	for _, s := range []string{
		`<rsp stat="fail" version="1.0"><err code="66">You have exceeded your concurrent request limit.  Please wait, before trying again</err></rsp>`,
		`<rsp stat="ok" version="1.0"><errors><prospect identifier="some@email.com">Invalid prospect email address</prospect></errors></rsp>`,
		`<rsp stat="ok"><errors><prospect index="1" code="62">Conflicting Update</prospect></errors></rsp>`,
		`<rsp stat="fail" version="1.0"><err code="10000" param="email">x</err></rsp>`,
		`<rsp stat="ok" version="1.0"><api_key>k</api_key><version>4</version></rsp>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fuzzOne(t, "<"+body)
		fuzzOne(t, body)
	})
}

func fuzzOne(t *testing.T, body string) {
	r, err := decodeResponse([]byte(body))
	if err != nil {
		if !errors.Is(err, errMalformed) {
			t.Fatalf("error %v does not wrap ErrMalformedResponse", err)
		}
		return
	}
	if r.Failed && len(r.Errs) == 0 {
		t.Fatal("failure without errors")
	}
	chunk := []Prospect{{ID: 1, Email: "a@x.io"}, {Email: "some@email.com"}, {FID: "f"}}
	for _, v := range []int{3, 4} {
		res, err := matchResults(v, opUpsert, chunk, r.Items, 200, nil)
		if err == nil && len(res) != len(chunk) {
			t.Fatalf("%d results", len(res))
		}
	}
}
