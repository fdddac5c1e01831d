package pardot_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// bigImport runs TestImportBig at the size: 200,000 prospects, 1,000
// of them invalid (go test ./pardot -run TestImportBig -pardot.bigimport).
var bigImport = flag.Bool("pardot.bigimport", false, "run TestImportBig with 200,000 prospects")

// bigInput yields n prospects, generated as they are read; every
// (n/invalid)-th has a company over 255 characters, which the server
// refuses row by row.
func bigInput(n, invalid int) (iter.Seq[pardot.Prospect], func(i int) bool) {
	every := n / invalid
	bad := func(i int) bool { return i%every == every/2 }
	long := strings.Repeat("x", 300)
	return func(yield func(pardot.Prospect) bool) {
		for i := range n {
			p := pardot.Prospect{Email: fmt.Sprintf("p%07d@example.com", i), FirstName: "First", LastName: "Last",
				Company: "Acme", City: "Lyon", JobTitle: "Engineer"}
			if bad(i) {
				p.Company = long
			}
			if !yield(p) {
				return
			}
		}
	}, bad
}

// TestImportBig is the test for Pardot: an upsert of 200,000
// prospects through the import path uses fewer than 20 requests, keeps the
// heap under 64 MiB, and fails each of 1,000 invalid rows at its input
// index with the server's message. By default it runs at 2,000 prospects;
// -pardot.bigimport runs the full size.
func TestImportBig(t *testing.T) {
	n, invalid := 2_000, 10
	if *bigImport {
		n, invalid = 200_000, 1_000
	}
	srv := pardottest.NewServer()
	defer srv.Close()
	srv.SetCountOnly(true)
	c := newClient(t, srv, oauth(), pardot.WithImportThreshold(1000), pardot.WithImportWaitForTest((&waits{}).wait),
		withEngine(batch.Config{Keep: batch.KeepFailures}))
	input, bad := bigInput(n, invalid)

	runtime.GC()
	stop := testkit.HeapPeak(2 * time.Millisecond)
	rep, err := c.Prospects().Upsert(context.Background(), input)
	peak := stop()

	t.Logf("%d prospects: %d requests, peak HeapInuse %.1f MiB, %d failed, %d succeeded, elapsed %v",
		n, rep.Requests, float64(peak)/(1<<20), rep.Failed, rep.Succeeded, rep.Elapsed)
	checkRun(t, rep, err, counts(n, n-invalid, invalid, 0))
	if rep.Requests >= 20 {
		t.Errorf("%d requests, want fewer than 20", rep.Requests)
	}
	if peak >= 64<<20 {
		t.Errorf("peak HeapInuse %d bytes, want under 64 MiB", peak)
	}
	placed := 0
	want := fmt.Sprintf(pardottest.MsgImportTooLong, "company")
	for _, o := range rep.Outcomes {
		var e *pardot.Error
		if !bad(o.Index) || o.Status != batch.Failed || !errors.As(o.Err, &e) || e.Message != want {
			t.Fatalf("outcome %+v: want only the invalid rows, failed with %q", o, want)
		}
		placed++
	}
	if placed != invalid || srv.Stats().Created != n-invalid {
		t.Errorf("%d invalid rows placed, %d created; want %d and %d", placed, srv.Stats().Created, invalid, n-invalid)
	}
}
