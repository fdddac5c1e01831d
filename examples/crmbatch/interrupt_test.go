//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// interruptingReader serves a CSV file and sends SIGINT to this process
// once `after` bytes have been read, as a user pressing Ctrl-C would.
type interruptingReader struct {
	r     io.Reader
	read  int
	after int
	sent  bool
}

func (ir *interruptingReader) Read(p []byte) (int, error) {
	if len(p) > 512 {
		p = p[:512] // small reads, so the interrupt lands mid-file
	}
	n, err := ir.r.Read(p)
	ir.read += n
	if !ir.sent && ir.read >= ir.after {
		ir.sent = true
		syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		time.Sleep(50 * time.Millisecond) // let the signal arrive
	}
	return n, err
}

// TestCtrlCStopsCleanly: after Ctrl-C no new record is sent, every record
// is accounted for, the rows not sent are in the rejects file as not
// attempted, and the command exits 130.
func TestCtrlCStopsCleanly(t *testing.T) {
	const n = 5000
	var b strings.Builder
	b.WriteString("email,firstname\n")
	for i := range n {
		fmt.Fprintf(&b, "c%05d@example.com,C%d\n", i, i)
	}
	stdin := &interruptingReader{r: strings.NewReader(b.String()), after: 20_000}
	rejects := filepath.Join(t.TempDir(), "r.csv")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-vendor", "hubspot", "-op", "create", "-in", "-", "-fake", "-rejects", rejects},
		stdin, &out, &errOut, func(string) string { return "" })
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitInterrupted, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted: %s", errOut.String())
	}
	var total, ok, failed, notAttempted, bad int
	if _, err := fmt.Sscanf(out.String(), "hubspot create: %d records imported: %d succeeded, %d failed, %d not attempted; %d input",
		&total, &ok, &failed, &notAttempted, &bad); err != nil {
		t.Fatalf("summary %q: %v", out.String(), err)
	}
	if total != n || ok+failed+notAttempted != n || notAttempted == 0 || ok == 0 {
		t.Fatalf("total %d: %d ok, %d failed, %d not attempted", total, ok, failed, notAttempted)
	}
	rej := readCSV(t, rejects)
	if len(rej)-1 != failed+notAttempted {
		t.Errorf("%d rejects for %d failed and %d not attempted", len(rej)-1, failed, notAttempted)
	}
	for _, r := range rej[1:] {
		if r[2] != "not attempted" || r[5] == "" {
			t.Fatalf("reject %v: want a not-attempted row with its data", r)
		}
	}
}
