package noojee

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

func TestDecodeReplies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want []reply
		err  bool
	}{
		{`{"code":109,"message":"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}`, []reply{{Code: 109, Message: "TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}}, false},
		{`{"CODE":"104","MESSAGE":"DNC"}`, []reply{{Code: 104, Message: "DNC"}}, false},
		{`{"resultCode":"DUPLICATE"}`, []reply{{Code: 105}}, false},
		{`{"message":"OK","leadId":77}`, []reply{{Code: 0, Message: "OK", LeadID: "77"}}, false},
		{` 0 `, []reply{{Code: 0}}, false},
		{`"110"`, []reply{{Code: 110}}, false},
		{`"DNC"`, []reply{{Code: 104}}, false},
		{`OK`, []reply{{Code: 0}}, false},
		{"109 TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS", []reply{{Code: 109, Message: "TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}}, false},
		{"dnc: on the list", []reply{{Code: 104, Message: "on the list"}}, false},
		{`[{"code":0,"njExternalLeadId":"a"},{"code":112,"njExternalLeadId":"b"}]`, []reply{{Code: 0, ExternalID: "a"}, {Code: 112, ExternalID: "b"}}, false},
		{`{"code":109.0}`, []reply{{Code: 109}}, false},
		{``, nil, true},
		{`{}`, nil, true},
		{`{"code":null}`, nil, true},
		{`{"code":""}`, nil, true},
		{`{"code":true}`, nil, true},
		{`{"code":"NOPE"}`, nil, true},
		{`{"code":-5}`, nil, true},
		{`{"code":1e300}`, nil, true},
		{`[]`, nil, true},
		{`[[0]]`, nil, true},
		{`{"code":0`, nil, true},
		{`<html><body>Proxy Error</body></html>`, nil, true},
		{`Internal Server Error`, nil, true},
	}
	for _, tc := range cases {
		got, err := decodeReplies([]byte(tc.body))
		if tc.err {
			if err == nil || !errors.Is(err, batch.ErrMalformedResponse) {
				t.Errorf("%q: got %+v, %v; want batch.ErrMalformedResponse", tc.body, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.body, err)
			continue
		}
		if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(reply{})); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.body, d)
		}
	}
}

// FuzzDecodeReplies: the decoder never panics, and a success is a code it
// can name or a sane number.
func FuzzDecodeReplies(f *testing.F) {
	for _, s := range []string{
		`{"code":0,"message":"OK"}`, `{"code":109,"message":"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS"}`,
		`{"Code":"104","Message":"DNC"}`, `110`, `"DUPLICATE_EXTERNAL_ID"`, `INVALID_CALLBACK_DATE_FORMAT`,
		`103 EXCEPTION`, `[{"code":0},{"code":105}]`, ``, `{`, `<html>`, `{"code":{"x":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := decodeReplies(body)
		if err != nil {
			if !errors.Is(err, batch.ErrMalformedResponse) {
				t.Fatalf("error does not wrap batch.ErrMalformedResponse: %v", err)
			}
			return
		}
		if len(rs) == 0 {
			t.Fatal("no reply and no error")
		}
		for _, r := range rs {
			if r.Code < 0 {
				t.Fatalf("negative code %d", r.Code)
			}
		}
	})
}

// FuzzAnswer: whatever the status and body, turning a response into
// results never panics, gives one result per lead or an error, and never
// lets the apiKey through.
func FuzzAnswer(f *testing.F) {
	const key = "fuzz-api-key-0123456789"
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"code":0,"message":"OK"}`}, {400, `{"code":104,"njExternalLeadId":"b"}`},
		{200, `[{"njExternalLeadId":"c","code":104},{"njExternalLeadId":"a","code":0},{"njExternalLeadId":"b","code":"109"}]`},
		{200, `[{"code":0},{"code":0}]`}, {401, "bad key " + key}, {500, `103 EXCEPTION`}, {503, ""},
		{200, `[{"njExternalLeadId":"` + key + `","code":0},{"njExternalLeadId":"` + key + `","code":0},{"code":0}]`},
		{200, `{"code":0,"message":"Imported 2 Updated 0 Rejected 1 leads.\n\nErrors (If any):\n njExternalLeadId,FirstPhone,Error Reason,\nb,0383218199,DNC,\n"}`},
		{200, `{"code":0,"message":"Imported 2 Updated 0 Rejected 1 leads.\nErrors (If any):\nnjExternalLeadId,Error Reason,\nb,` + key + `,\n"}`},
		{200, `{"code":0,"message":"Imported 9 Updated 0 Rejected 0 leads."}`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	c, err := New(WithHost("pbx.example.com"), WithAPIKey(key))
	if err != nil {
		f.Fatal(err)
	}
	cp := c.Campaign(Target{TemplateID: "1", CampaignID: "2", AllocationID: "3"})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		chunk := []*job{{lead: Lead{ExternalID: "a"}}, {lead: Lead{ExternalID: "b"}}, {lead: Lead{ExternalID: "c"}}}
		res, err := cp.answer(opInsertLeadsFast, &httpx.Response{StatusCode: status, Header: http.Header{}, Body: body}, chunk)
		if err == nil && len(res) != len(chunk) {
			t.Fatalf("%d results for %d leads", len(res), len(chunk))
		}
		texts := []string{}
		if err != nil {
			texts = append(texts, err.Error())
		}
		for _, r := range res {
			if r.Err != nil {
				texts = append(texts, r.Err.Error())
			}
		}
		for _, s := range texts {
			if bytes.Contains(body, []byte(key)) && bytes.Contains([]byte(s), []byte(key)) {
				t.Fatalf("the apiKey leaks: %s", s)
			}
		}
	})
}
