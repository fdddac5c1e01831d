//go:build linux

package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// bigMB sizes the input of the long runs; 0 (the default) skips them:
//
//	go test -run Big -v ./examples/crmbatch -args -crmbatch.bigMB=500
var bigMB = flag.Int("crmbatch.bigMB", 0, "size in MB of the generated CSV for the long runs (0 skips them)")

// bigFile writes a CSV of about mb megabytes of HubSpot contacts.
func bigFile(t *testing.T, mb int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("email,firstname,lastname,phone,company,website\n")
	for i := 0; ; i++ {
		fmt.Fprintf(w, "contact%08d@example.com,Contact,Number %d,+1 555 %07d,ACME Corporation %d,https://www.example.com/c/%d\n", i, i, i, i%1000, i)
		if i%10000 == 0 {
			if st, _ := f.Stat(); st.Size() >= int64(mb)<<20 {
				break
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// maxRSS is the child's peak resident memory in bytes (Linux reports
// kilobytes).
func maxRSS(c *exec.Cmd) int64 {
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return -1
}

// TestBigDryRunConstantMemory: a dry run of a -crmbatch.bigMB file stays
// under 100 MB resident, however large the file.
func TestBigDryRunConstantMemory(t *testing.T) {
	if *bigMB == 0 {
		t.Skip("long run: -args -crmbatch.bigMB=500")
	}
	in := bigFile(t, *bigMB)
	c := exec.Command(os.Args[0], "-vendor", "hubspot", "-op", "create", "-in", in, "-dry-run", "-progress-every", "30s")
	c.Env = append(os.Environ(), "CRMBATCH_TEST_MAIN=1")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	rss := maxRSS(c)
	t.Logf("%s\npeak RSS %d MB", out, rss>>20)
	if rss > 100<<20 {
		t.Errorf("peak RSS %d MB, want under 100 MB", rss>>20)
	}
}

// TestBigInterrupt: a SIGINT during a -fake run of a -crmbatch.bigMB file
// returns promptly; the time is logged (the issue asks for 2 s).
func TestBigInterrupt(t *testing.T) {
	if *bigMB == 0 {
		t.Skip("long run: -args -crmbatch.bigMB=500")
	}
	in := bigFile(t, *bigMB)
	c := &child{cmd: exec.Command(os.Args[0], "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")}
	c.cmd.Env = append(os.Environ(), "CRMBATCH_TEST_MAIN=1")
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.errOut
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // let it get going; not a bound on anything
	sent := time.Now()
	c.cmd.Process.Signal(syscall.SIGINT)
	code := c.wait(t)
	took := time.Since(sent)
	t.Logf("exit %d %v after SIGINT, peak RSS %d MB\n%s", code, took.Round(time.Millisecond), maxRSS(c.cmd)>>20, c.out.String())
	if code != exitInterrupted || took > 10*time.Second {
		t.Errorf("exit %d after %v", code, took)
	}
}
