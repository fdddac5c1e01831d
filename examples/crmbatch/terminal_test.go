//go:build linux || darwin

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"

	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// ansi matches the escape sequences the bar writes.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// screenLines splits what was written to a terminal into the lines it
// drew: each carriage return or newline starts a new one.
func screenLines(out []byte) []string {
	text := ansi.ReplaceAllString(string(out), "\r")
	return strings.FieldsFunc(text, func(r rune) bool { return r == '\r' || r == '\n' })
}

// runInTerminal runs the command as a child whose output is an 80-column
// pseudo-terminal and returns what it drew. signal, when set, is called
// with the process once the output holds `after`.
func runInTerminal(t *testing.T, args []string, after string, signal func(*os.Process)) (int, []byte) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CRMBATCH_TEST_MAIN=1", "HUBSPOT_TOKEN="+hubspottest.DefaultToken)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var out bytes.Buffer
	buf := make([]byte, 4096)
	signalled := signal == nil
	for {
		n, err := tty.Read(buf)
		out.Write(buf[:n])
		if !signalled && strings.Contains(out.String(), after) {
			signalled = true
			signal(cmd.Process)
		}
		if err != nil { // EIO once the child has exited and closed its side
			if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.EIO) {
				t.Fatal(err)
			}
			break
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.Bytes()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.Bytes()
}

// TestProgressBarFitsTheTerminal: on an 80-column terminal the bar is
// redrawn in place and never wider than the terminal, measures the
// input's bytes with rate and time left, and shows "stopping" after
// Ctrl-C.
func TestProgressBarFitsTheTerminal(t *testing.T) {
	in := contactsFile(t, 3000)
	g := newGatedFake(t, 3)
	args := []string{"-base-url", g.srv.URL, "-vendor", "hubspot", "-op", "create", "-in", in, "-concurrency", "2", "-grace", "100ms"}
	code, out := runInTerminal(t, args, "300 ok", func(p *os.Process) {
		g.waitRequests(t, 5)
		p.Signal(syscall.SIGINT)
	})
	if code != exitInterrupted {
		t.Fatalf("exit %d:\n%q", code, out)
	}
	lines := screenLines(out)
	var bars []string
	for _, l := range lines {
		if strings.Contains(l, "%|") || strings.Contains(l, "% |") {
			bars = append(bars, l)
		}
	}
	if len(bars) < 2 {
		t.Fatalf("no bar drawn:\n%q", out)
	}
	for _, l := range bars {
		if w := utf8.RuneCountInString(l); w > 80 {
			t.Errorf("a %d-column line on an 80-column terminal: %q", w, l)
		}
	}
	t.Logf("bars drawn:\n%s", strings.Join(bars, "\n"))
	last := bars[len(bars)-1]
	for _, want := range []string{"stopping", "/122 kB", "kB/s"} {
		if !strings.Contains(last, want) {
			t.Errorf("the last bar lacks %q: %q", want, last)
		}
	}
	// Rate and time left: "[elapsed:left]" once something was read.
	if !regexp.MustCompile(`\[\d+[smh]?\d*[smh]?:\d+`).MatchString(strings.Join(bars, "\n")) {
		t.Errorf("no [elapsed:left] in the bars:\n%s", strings.Join(bars, "\n"))
	}
}

// TestPlainProgressLines: when stderr is not a terminal, progress comes
// as plain lines, one per -progress-every, with no carriage returns.
func TestPlainProgressLines(t *testing.T) {
	in := contactsFile(t, 3000)
	g := newGatedFake(t, 3)
	c := startChild(t, g.srv.URL, "-vendor", "hubspot", "-op", "create", "-in", in, "-concurrency", "2",
		"-grace", "100ms", "-progress-every", "50ms")
	g.waitRequests(t, 5)
	progressLine := c.errOut.watch("progress: ")
	select {
	case <-progressLine:
	case <-time.After(2 * time.Minute):
		t.Fatalf("no progress line: %s", c.errOut.String())
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	c.wait(t)
	errOut := c.errOut.String()
	if strings.Contains(errOut, "\r") {
		t.Errorf("carriage returns in plain output: %q", errOut)
	}
	for _, want := range []string{"progress: ", " read of ", "300 ok", "stopping (finishing the requests in flight)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("plain progress lacks %q:\n%s", want, errOut)
		}
	}
}
