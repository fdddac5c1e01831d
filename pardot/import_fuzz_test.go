package pardot

import (
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// FuzzImportAnswers feeds the import path's decoders (the errors file and
// the import's state) arbitrary bodies: an error, never a panic, and no
// row placed twice or outside the import.
func FuzzImportAnswers(f *testing.F) {
	f.Add([]byte("matchEmail,email,error\r\n,a@example.com,Invalid email address\r\n"), []byte(`{"id":7,"status":"Complete","errorCount":1}`))
	f.Add([]byte("email,Error\r\nB@EXAMPLE.COM,\"too, long\"\r\n\"unterminated"), []byte(`{"id":-1}`))
	f.Add([]byte(""), []byte(`[`))
	f.Fuzz(func(t *testing.T, errorsFile, state []byte) {
		c := &Client{secrets: httpx.NewSecrets()}
		r := &importRun{c: c, op: opUpsert, errs: map[int]error{}, index: map[string]int32{}}
		for i, key := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			r.keys = append(r.keys, key)
			r.status = append(r.status, pending)
			r.index[key] = int32(i)
		}
		r.status[2] = batch.Failed // settled before: never placed again
		r.cur = &openImport{layout: importLayout{match: matchEmail}, first: 1, rows: 1}
		placed, _ := r.placeErrors(errorsFile)
		if placed > 1 || r.status[0] != pending || r.status[2] != batch.Failed {
			t.Fatalf("placed %d, statuses %v", placed, r.status)
		}
		if st, err := r.decodeState("import status", state); err == nil && st.ID <= 0 {
			t.Fatalf("state %+v accepted without an id", st)
		}
	})
}
