package pardot

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// FuzzDecodeBatchOK: every answer the reflection-free reader accepts,
// decodeJSON decodes the same.
func FuzzDecodeBatchOK(f *testing.F) {
	for _, s := range []string{
		`{"@attributes":{"stat":"ok","version":1}}`,
		`{"@attributes":{"stat":"ok","version":1}}` + "\n",
		`{"@attributes":{"stat":"ok","version":1},"errors":{}}`,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"p1@example.com":"Invalid prospect email address"}}`,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"3":"Invalid prospect ID","7":"Conflicting Update"}}`,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"a":"x","a":"y"}}`,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"a\u00e9":"x"}}`,
		`{"@attributes":{"stat":"ok","version":12},"errors":["x"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		testkit.AgreesWith(t, []byte(body), decodeBatchOK, decodeJSON)
	})
}

// TestDecodeBatchOKTakesTheCommonAnswers: the answers the fake and Pardot
// give to a batch take the reflection-free path; others do not.
func TestDecodeBatchOKTakesTheCommonAnswers(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"@attributes":{"stat":"ok","version":1}}`: true,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"p1@example.com":"Invalid prospect email address","p2@example.com":"Conflicting Update"}}`: true,
		`{"@attributes":{"stat":"ok","version":1},"errors":["Invalid prospect email address"]}`:                                                        false,
		`{"@attributes":{"stat":"fail","version":1,"err_code":66},"err":"x"}`:                                                                          false,
		`{"@attributes":{"stat":"ok","version":1},"errors":{"a":"say \"hi\""}}`:                                                                        false,
		`{"@attributes":{"stat":"ok","version":1}}x`:                                                                                                   false,
	} {
		if _, ok := decodeBatchOK([]byte(body)); ok != want {
			t.Errorf("%s: taken %v, want %v", body, ok, want)
		}
	}
	r, _ := decodeBatchOK([]byte(`{"@attributes":{"stat":"ok","version":1},"errors":{"p1@example.com":"Conflicting Update"}}`))
	want := []itemError{{Key: "p1@example.com", Code: CodeConflictingUpdate, Message: "Conflicting Update"}}
	if d := cmp.Diff(want, r.Items); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
}

// TestDecodeBatchOKLeavesLongAnswersToDecodeJSON: an errors map longer
// than a batch (a hostile or broken server) is not the common answer, so
// the reflection-free reader, whose repeated-key check is quadratic, gives
// it to decodeJSON, which reads every member once; 50 members still take
// the fast path.
func TestDecodeBatchOKLeavesLongAnswersToDecodeJSON(t *testing.T) {
	t.Parallel()
	body := func(n int) []byte {
		b := []byte(`{"@attributes":{"stat":"ok","version":1},"errors":{`)
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `"%d":"x"`, i)
		}
		return append(b, "}}"...)
	}
	if _, ok := decodeBatchOK(body(MaxBatchSize)); !ok {
		t.Errorf("%d errors: not read by the fast path", MaxBatchSize)
	}
	if _, ok := decodeBatchOK(body(MaxBatchSize + 1)); ok {
		t.Errorf("%d errors: read by the fast path", MaxBatchSize+1)
	}
	r, err := decodeResponse(body(20_000))
	if err != nil || len(r.Items) != 20_000 {
		t.Fatalf("20,000 errors: %v, %d items", err, len(r.Items))
	}
}
