package pardot

import (
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecodeResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		want *response
	}{
		{"json ok", `{"@attributes":{"stat":"ok","version":1}}`, &response{}},
		{"json ok empty errors array", `{"@attributes":{"stat":"ok","version":1},"errors":[]}`, &response{}},
		{"json ok empty errors object", ` {"@attributes":{"stat":"ok","version":"1.0"},"errors":{}}`, &response{}},
		{"json per-prospect errors", `{"@attributes":{"stat":"ok","version":1},"errors":{"3":"Invalid prospect ID","0":"Invalid prospect email address"}}`,
			&response{Items: []itemError{{Key: "3", Code: 3, Message: "Invalid prospect ID"}, {Key: "0", Code: 4, Message: "Invalid prospect email address"}}}},
		{"json errors as a PHP list (keys 0..n-1)", `{"@attributes":{"stat":"ok","version":1},"errors":["Invalid prospect email address",{"code":62,"message":"Conflicting Update"}]}`,
			&response{Items: []itemError{{Key: "0", Code: 4, Message: "Invalid prospect email address"}, {Key: "1", Code: 62, Message: "Conflicting Update"}}}},
		{"json errors without the attributes node (older answers)", `{"errors":{"2":"Invalid prospect ID"}}`,
			&response{Items: []itemError{{Key: "2", Code: 3, Message: "Invalid prospect ID"}}}},
		{"json errors null", `{"@attributes":{"stat":"ok","version":1},"errors":null}`, &response{}},
		{"json error objects and lists", `{"@attributes":{"stat":"ok"},"errors":{"a@x.io":{"code":"62","message":"Conflicting Update"},"b@x.io":["Email address is already in use","second"]}}`,
			&response{Items: []itemError{{Key: "a@x.io", Code: 62, Message: "Conflicting Update"}, {Key: "b@x.io", Code: 54, Message: "Email address is already in use; second"}}}},
		{"json fail (vendors.md)", `{"@attributes": {"stat": "fail", "version": 1, "err_code": 66}, "err": "You have exceeded your concurrent request limit.  Please wait, before trying again"}`,
			&response{Failed: true, Errs: []itemError{{Code: 66, Message: "You have exceeded your concurrent request limit.  Please wait, before trying again"}}}},
		{"json fail without code", `{"@attributes":{"stat":"fail"},"err":"Invalid API key or user key"}`,
			&response{Failed: true, Errs: []itemError{{Code: 1, Message: "Invalid API key or user key"}}}},
		{"json login", `{"@attributes":{"stat":"ok","version":1},"api_key":"abc123","version":4}`, &response{APIKey: "abc123", Version: "4"}},
		{"xml fail (docs)", `<rsp stat="fail" version="1.0"><err code="66">You have exceeded your concurrent request limit.  Please wait, before trying again</err></rsp>`,
			&response{Failed: true, Errs: []itemError{{Code: 66, Message: "You have exceeded your concurrent request limit.  Please wait, before trying again"}}}},
		{"xml fail 10000 params", `<?xml version="1.0" encoding="UTF-8"?>
<rsp stat="fail" version="1.0"><err code="10000" param="email">bad</err><err code="10000" param="zip">worse</err></rsp>`,
			&response{Failed: true, Errs: []itemError{{Code: 10000, Message: "bad", Param: "email"}, {Code: 10000, Message: "worse", Param: "zip"}}}},
		{"xml login", `<rsp stat="ok" version="1.0"><api_key> k1 </api_key><version>4</version></rsp>`, &response{APIKey: "k1", Version: "4"}},
		{"xml per-prospect errors", `<rsp stat="ok" version="1.0"><errors>
<prospect identifier="a@x.io">Invalid prospect email address</prospect>
<prospect index="2" code="62">Conflicting Update</prospect>
<error><identifier>77</identifier><message>Invalid prospect ID</message></error>
<prospect identifier="b@x.io"><err code="9">Prospect with that email already exists</err></prospect>
<prospect index="4"><error>Conflicting Update</error></prospect>
</errors></rsp>`,
			&response{Items: []itemError{{Key: "a@x.io", Code: 4, Message: "Invalid prospect email address"}, {Key: "2", Code: 62, Message: "Conflicting Update"}, {Key: "77", Code: 3, Message: "Invalid prospect ID"},
				{Key: "b@x.io", Code: 9, Message: "Prospect with that email already exists"}, {Key: "4", Code: 62, Message: "Conflicting Update"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeResponse([]byte(tc.body))
			testkit.CheckResult(t, tc.want, got, err, cmpopts.EquateEmpty())
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"", "   ", "garbage", "<html><body>Service unavailable", `{"foo":1}`, `{"@attributes":{"stat":"weird"}}`,
		`<rsp version="1.0"></rsp>`, `<rsp stat="ok"><errors><prospect>no key</prospect></errors></rsp>`,
		`{"@attributes":{"stat":"ok"},"errors":{"0":{"code":"x"}}}`, `{"@attributes":{"stat":"ok"},"errors":"nope"}`,
		`<other stat="ok"/>`, `{"@attributes":{"stat":"ok"}`,
	} {
		if _, err := decodeResponse([]byte(body)); !errors.Is(err, errMalformed) {
			t.Errorf("%q: err = %v, want errMalformed", body, err)
		}
	}
}

func TestMatchResults(t *testing.T) {
	t.Parallel()
	chunk := []Prospect{
		{ID: 12, Email: "a@example.com"},
		{Email: "B@Example.com"},
		{FID: "00Q000000000001AAA", Email: "c@example.com"},
	}
	type rec struct {
		Index int
		Code  Code
		Key   string
	}
	for _, tc := range []struct {
		name    string
		version int
		items   []itemError
		want    []rec
		unmatch bool
	}{
		{"v4 by index", 4, []itemError{{Key: "0", Code: 3, Message: "x"}, {Key: "2", Code: 77, Message: "y"}}, []rec{{0, 3, "0"}, {2, 77, "2"}}, false},
		{"v4 by identifier", 4, []itemError{{Key: "b@example.com", Code: 4, Message: "x"}, {Key: "00Q000000000001AAA", Code: 77, Message: "y"}}, []rec{{1, 4, "b@example.com"}, {2, 77, "00Q000000000001AAA"}}, false},
		{"v3 by identifier, email case-insensitive", 3, []itemError{{Key: "12", Code: 3, Message: "x"}, {Key: "b@example.com", Code: 4, Message: "y"}}, []rec{{0, 3, "12"}, {1, 4, "b@example.com"}}, false},
		{"v3 falls back to index", 3, []itemError{{Key: "2", Code: 9, Message: "x"}}, []rec{{2, 9, "2"}}, false},
		{"v3 identifier wins over index", 3, []itemError{{Key: "12", Code: 3, Message: "x"}}, []rec{{0, 3, "12"}}, false},
		{"unknown key", 4, []itemError{{Key: "0", Code: 3, Message: "x"}, {Key: "zz@example.com", Code: 4, Message: "y"}}, nil, true},
		{"index out of range", 4, []itemError{{Key: "3", Code: 3, Message: "x"}}, nil, true},
		{"leading zero is not an index", 4, []itemError{{Key: "01", Code: 3, Message: "x"}}, nil, true},
		{"negative", 3, []itemError{{Key: "-1", Code: 3, Message: "x"}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := matchResults(tc.version, opUpsert, chunk, tc.items, 200, nil)
			if tc.unmatch {
				if !errors.Is(err, batch.ErrOutcomeUnknown) || batch.IsRetryable(err) || res != nil {
					t.Fatalf("err = %v, want an unknown outcome, not retried, and no results", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(chunk) {
				t.Fatalf("%d results for %d records", len(res), len(chunk))
			}
			var got []rec
			for i, r := range res {
				if r.Err != nil {
					var pe *Error
					if !errors.As(r.Err, &pe) {
						t.Fatalf("result %d: %T", i, r.Err)
					}
					got = append(got, rec{i, pe.Code, pe.Key})
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCodeTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code        Code
		retry, stop bool
		sentinel    error
		attempts    int
	}{
		{CodeInvalidAPIKey, false, true, batch.ErrUnauthorized, 0},
		{CodeInvalidAccessToken, false, true, batch.ErrUnauthorized, 0},
		{CodeInvalidProspectID, false, false, batch.ErrNotFound, 0},
		{CodeEmailExists, false, false, batch.ErrDuplicate, 0},
		{CodeConflictingUpdate, true, false, batch.ErrUnavailable, 0},
		{CodeConcurrencyLimit, true, false, batch.ErrRateLimited, 0},
		{CodeUnableToSave, true, false, batch.ErrUnavailable, 2},
		{121, true, false, batch.ErrUnavailable, 3},
		{CodeBatchTooLarge, false, false, batch.ErrInvalid, 0},
		{CodeMustUseVersion4, false, true, nil, 0},
		{90, false, true, nil, 0},
		{CodeDailyLimit, false, true, batch.ErrQuotaExceeded, 0},
		{CodeLoginFailed, false, true, batch.ErrUnauthorized, 0},
		{CodeProspectArchived, false, false, nil, 0},
		{999, false, false, nil, 0}, // not in the table: HTTP 200's class
	} {
		e := codeError("batchUpsert", 200, tc.code, "m", "", "")
		all := []error{batch.ErrUnauthorized, batch.ErrNotFound, batch.ErrDuplicate, batch.ErrUnavailable, batch.ErrRateLimited,
			batch.ErrInvalid, batch.ErrQuotaExceeded, batch.ErrOutcomeUnknown, batch.ErrMalformedResponse}
		for _, s := range all {
			if errors.Is(e, s) != (s == tc.sentinel) {
				t.Errorf("code %d: errors.Is(%v) = %v", tc.code, s, !(s == tc.sentinel))
			}
		}
		got := []any{batch.IsRetryable(e), batch.StopsRun(e), batch.MaxAttemptsOf(e)}
		want := []any{tc.retry, tc.stop, tc.attempts}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("code %d retry/stop/attempts (-want +got):\n%s", tc.code, d)
		}
	}
}
