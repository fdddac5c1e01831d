package hubspot

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// answerFiles are the recorded batch answers of testdata.
var answerFiles = []string{"seed_update_response_canceled.json", "create_response_201.json", "update_response_207.json",
	"upsert_response_200.json", "read_response_207.json"}

// sameAsJSON fails t unless decodeCommon, when it takes data, gives what
// encoding/json gives; it reports whether decodeCommon took it.
func sameAsJSON(t *testing.T, data []byte) bool {
	t.Helper()
	return testkit.AgreesWith(t, data, decodeCommonAll, decodeWithJSON)
}

// decodeCommonAll is decodeCommon keeping every property.
func decodeCommonAll(data []byte) (*batchResponse, bool) { return decodeCommon(data, 2, nil) }

// TestDecodeCommonMatchesEncodingJSON: the hand-written decoder takes the
// recorded answers and odd but valid ones, and gives encoding/json's
// result; what it declines (keys in another case or given twice, a
// property holding an object, malformed text) is left to encoding/json.
func TestDecodeCommonMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, name := range answerFiles {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsJSON(t, data) {
			t.Errorf("%s: not decoded by hand", name)
		}
	}
	taken := []string{
		`{}`,
		` { "status" : null , "results" : null , "numErrors" : null } `,
		`{"results":[]}`,
		`{"status":"COMPLETE","results":[{"id":"1","properties":{},"archived":true,"new":true,"archivedAt":"2024-05-01T00:00:00Z","url":"u"}]}`,
		`{"results":[{"id":"\u0031\"\\","properties":{"k\u00e9":"Zo\u00eb \ud83d\ude00","a":"b","a":"c"},"objectWriteTraceId":"t\/1"}]}`,
		"{\"results\":[{\"id\":\"Zoë\",\"properties\":{\"bad\":\"\xff\xfe\"},\"createdAt\":null,\"updatedAt\":\"2024-05-01T00:00:00.123+02:00\"}]}",
		`{"results":[{"id":"1","properties":{"n":-1.5e3,"t":true,"f":false,"z":null,"s":"x"}}]}`,
		`{"results":[{"id":"1","extra":{"nested":[1,2.5e3,{"x":"}]"}],"t":true},"more":-0}],"other":[[]],"numErrors":-3}`,
		`{"links":{"a":"b","c":1},"errors":[{"status":"error","category":"VALIDATION_ERROR","context":{"ids":["1"]}}],"numErrors":1}`,
		`{"results":[{"id":"1","propertiesWithHistory":{"a":[{"value":"7","timestamp":"2022-11-07T21:54:03.930Z","sourceType":"API"}]}}]}`,
	}
	for _, body := range taken {
		if !sameAsJSON(t, []byte(body)) {
			t.Errorf("%s: not decoded by hand", body)
		}
	}
	declined := []string{
		`null`, `[]`, `{"results":[null]}`, `{"results":[{"id":"1","properties":{"n":{}}}]}`,
		`{"results":[{"id":"1","properties":{"n":[]}}]}`, `{"results":[{"id":"1","properties":{"n":nul}}]}`, `{"Status":"COMPLETE"}`, `{"results":[{"ID":"1"}]}`,
		`{"status":"a","status":"b"}`, `{"results":[{"id":"1","id":"2"}]}`, `{"numErrors":1.0}`, `{"numErrors":01}`,
		`{"numErrors":99999999999999999999}`, `{"status":"COMPLETE"} x`, `{"status":"COMPLETE"`, `{"x":[1,}`,
		`{"x":tru}`, `{"results":[{"id":1}]}`, `{"status":"a\u00"}`, "{\"status\":\"a\tb\"}", `{"results":[{"createdAt":"yesterday"}]}`,
	}
	for _, body := range declined {
		if sameAsJSON(t, []byte(body)) {
			t.Errorf("%s: decoded by hand, want it left to encoding/json", body)
		}
	}
}

// FuzzDecodeCommon: whatever the bytes, the hand-written decoder either
// declines them or gives exactly what encoding/json gives.
func FuzzDecodeCommon(f *testing.F) {
	for _, name := range answerFiles {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"results":[{"id":"1","extra":{"nested":[1,2.5e3,{"x":"}]"}],"t":true}}],"links":{"a":"b"}}`))
	f.Add([]byte(`{"results":[{"id":"\u0031","properties":{"k\u00e9":"Zo\u00eb","a":"b","a":"c"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsJSON(t, data)
	})
}

// TestDecodeCommonKeepsOnlyWantedProperties: with a filter, only the
// property values it accepts are kept (the others still checked), and a
// result keeping none has nil Properties.
func TestDecodeCommonKeepsOnlyWantedProperties(t *testing.T) {
	t.Parallel()
	body := `{"status":"COMPLETE","results":[{"id":"1","properties":{"email":"a@b.c","n":7,"x":"y"}},{"id":"2","properties":{"x":"z"}}]}`
	got, ok := decodeCommon([]byte(body), 2, func(name string) bool { return name == "email" })
	if !ok {
		t.Fatal("declined")
	}
	want := []Result{{ID: "1", Properties: Properties{"email": "a@b.c"}}, {ID: "2"}}
	if diff := cmp.Diff(want, got.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if _, ok := decodeCommon([]byte(`{"results":[{"properties":{"x":{}}}]}`), 1, func(string) bool { return false }); ok {
		t.Error("a property holding an object was taken although not kept")
	}
}

// TestKeepNoneStillSettlesEveryRecord: under batch.KeepNone, where no
// result is kept, creates and upserts by email (matched by the one
// property still decoded) all succeed against the fake.
func TestKeepNoneStillSettlesEveryRecord(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	c, err := New(WithBaseURL(srv.BaseURL()), WithToken(hubspottest.DefaultToken), WithEngine(batch.Config{Keep: batch.KeepNone}))
	if err != nil {
		t.Fatal(err)
	}
	in := e2eInputs(opCreate)[:250]
	creates := make([]CreateInput, len(in))
	for i := range in {
		creates[i] = CreateInput{Properties: in[i].Properties}
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values(creates))
	if err != nil || rep.Succeeded != len(in) || len(rep.Outcomes) != 0 {
		t.Fatalf("create: %v, %d succeeded, %d outcomes kept", err, rep.Succeeded, len(rep.Outcomes))
	}
	ups := e2eInputs(opUpsert)[:250]
	rep, err = c.Objects("contacts").Upsert(context.Background(), slices.Values(ups))
	if err != nil || rep.Succeeded != len(ups) {
		t.Fatalf("upsert: %v, %d succeeded", err, rep.Succeeded)
	}
	if got := srv.Count("contacts"); got != len(in) {
		t.Fatalf("%d contacts stored, want %d (upserts found them by email)", got, len(in))
	}
}
