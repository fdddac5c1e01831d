package hubspot

import (
	"context"
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// importMillion runs TestImportMillion at full size:
//
//	go test ./hubspot -run TestImportMillion -import.million -v
var importMillion = flag.Bool("import.million", false, "run TestImportMillion with 1,000,000 records (default 20,000)")

// TestImportMillion is the measure: a 1,000,000-record contact
// upsert through the import path against the fake (counting only), with
// 1,000 invalid rows seeded in it, in fewer than 20 requests, with the
// heap (client and fake together) under 64 MiB, each invalid row failed
// at its input index with HubSpot's message. Without -import.million it
// runs the same with 20,000 records and 20 invalid rows.
func TestImportMillion(t *testing.T) {
	n, every := 20_000, 1000
	if v := os.Getenv("IMPORT_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if *importMillion {
		n = 1_000_000
	} else if testing.Short() {
		t.Skip("short")
	}
	bad := seeded(n, every/2, every)
	srv := newFake(t)
	srv.SetCountOnly(true)
	c := importClient(t, srv, ImportConfig{PollInterval: 2 * time.Second}, WithEngine(batch.Config{Keep: batch.KeepFailures, Retry: fastRetry}))
	runtime.GC()
	stop := testkit.HeapPeak(5 * time.Millisecond)
	start := time.Now()
	rep, err := c.Objects("contacts").ImportUpsert(context.Background(), people(n, bad))
	elapsed := time.Since(start)
	peak := stop()
	if err == nil {
		t.Fatal("no error for the invalid rows")
	}
	checkImportReport(t, rep, n, bad)
	if len(rep.Outcomes) != len(bad) {
		t.Fatalf("%d outcomes kept, want the %d failures", len(rep.Outcomes), len(bad))
	}
	st := srv.Stats()
	t.Logf("%d records, %d invalid: %d requests (fake saw %d: %v), peak HeapInuse %.1f MiB, %v",
		n, len(bad), rep.Requests, st.Requests, st.ByOp, float64(peak)/(1<<20), elapsed.Round(time.Millisecond))
	if rep.Requests >= 20 || st.Requests >= 20 {
		t.Errorf("%d requests, want fewer than 20", rep.Requests)
	}
	if peak >= 64<<20 {
		t.Errorf("peak HeapInuse %d bytes, want under 64 MiB", peak)
	}
	if st.Written != n-len(bad) {
		t.Errorf("fake wrote %d, want %d", st.Written, n-len(bad))
	}
}
