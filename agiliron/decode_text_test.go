package agiliron

import (
	"encoding/json"
	"testing"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// checkFlexString: flexString reads every JSON value as codec.String does.
func checkFlexString(t *testing.T, doc []byte) {
	var want struct{ V codec.String }
	var got struct{ V flexString }
	werr := json.Unmarshal(doc, &want)
	gerr := json.Unmarshal(doc, &got)
	if (werr == nil) != (gerr == nil) || string(want.V) != string(got.V) {
		t.Fatalf("%s: codec.String %q (%v), flexString %q (%v)", doc, want.V, werr, got.V, gerr)
	}
}

var flexStringSeeds = []string{`"plain"`, `" spaced "`, `"esc\"aped\u00e9"`, "\"bad\xffutf8\"", `12`, `-1.5e3`, `true`, `null`, `{}`, `[1]`, `""`}

func TestFlexStringMatchesCodecString(t *testing.T) {
	for _, v := range flexStringSeeds {
		checkFlexString(t, []byte(`{"V":`+v+`}`))
	}
}

func FuzzFlexString(f *testing.F) {
	for _, v := range flexStringSeeds {
		f.Add([]byte(`{"V":` + v + `}`))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { checkFlexString(t, doc) })
}
