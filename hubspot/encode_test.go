package hubspot

import (
	"encoding/json"
	"testing"
)

// marshalled is what encoding/json writes for v, the reference the
// hand-written encoder must match byte for byte.
func marshalled(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// awkward holds strings that json.Marshal escapes: quotes, controls, HTML,
// invalid UTF-8, U+2028, non-ASCII.
var awkward = []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\rbell\a", "<b>&amp;</b>", "bad\xffutf8", "line\u2028sep\u2029", "Zoë Åström 日本"}

// TestAppendInputMatchesEncodingJSON: the hand-written encoding of every
// write input shape is json.Marshal's, byte for byte, and so is the size
// the engine is told.
func TestAppendInputMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	props := Properties{}
	for i, s := range awkward {
		props[s] = awkward[(i+1)%len(awkward)]
	}
	updates := []UpdateInput{
		{},
		{ID: "512", Properties: Properties{}},
		{ID: "a@b.c", IDProperty: "email", Properties: props, ObjectWriteTraceID: "row-1"},
		{ID: awkward[2], IDProperty: awkward[4], ObjectWriteTraceID: awkward[5]},
	}
	creates := []CreateInput{
		{},
		{Properties: props, Associations: []Association{}},
		{Properties: Properties{"email": "ada@example.com"}, ObjectWriteTraceID: awkward[6],
			Associations: []Association{
				{To: AssociationTarget{ID: "101"}, Types: []AssociationType{{AssociationCategory: "HUBSPOT_DEFINED", AssociationTypeID: 279}, {AssociationCategory: awkward[3], AssociationTypeID: -7}}},
				{To: AssociationTarget{ID: awkward[7]}},
				{Types: []AssociationType{}},
			}},
	}
	for _, in := range updates {
		want := marshalled(t, in)
		if got := inputSize(in) - inputOverhead; got != len(want) {
			t.Errorf("inputSize(%+v) = %d, want %d", in, got, len(want))
		}
	}
	for _, in := range creates {
		want := marshalled(t, in)
		if got := inputSize(in) - inputOverhead; got != len(want) {
			t.Errorf("inputSize(%+v) = %d, want %d", in, got, len(want))
		}
	}
	for _, inputs := range [][]UpdateInput{nil, {}, updates} {
		if got, want := string(writeBody(inputs)), marshalled(t, inputsBody[UpdateInput]{inputs}); got != want {
			t.Errorf("update body\n got %s\nwant %s", got, want)
		}
	}
	for _, inputs := range [][]CreateInput{nil, {}, creates} {
		if got, want := string(writeBody(inputs)), marshalled(t, inputsBody[CreateInput]{inputs}); got != want {
			t.Errorf("create body\n got %s\nwant %s", got, want)
		}
	}
}

// FuzzAppendInput: for any strings, the hand-written encoding is
// json.Marshal's.
func FuzzAppendInput(f *testing.F) {
	f.Add("512", "email", "k", "v", "row-1", 279)
	f.Add(awkward[2], awkward[4], awkward[5], awkward[6], awkward[3], -1)
	f.Fuzz(func(t *testing.T, id, idProp, k, v, trace string, typeID int) {
		up := []UpdateInput{{ID: id, IDProperty: idProp, Properties: Properties{k: v, v: k, id: trace}, ObjectWriteTraceID: trace}}
		if got, want := string(writeBody(up)), marshalled(t, inputsBody[UpdateInput]{up}); got != want {
			t.Fatalf("update\n got %s\nwant %s", got, want)
		}
		cr := []CreateInput{{Properties: Properties{k: v}, ObjectWriteTraceID: trace,
			Associations: []Association{{To: AssociationTarget{ID: id}, Types: []AssociationType{{AssociationCategory: idProp, AssociationTypeID: typeID}}}}}}
		if got, want := string(writeBody(cr)), marshalled(t, inputsBody[CreateInput]{cr}); got != want {
			t.Fatalf("create\n got %s\nwant %s", got, want)
		}
	})
}
