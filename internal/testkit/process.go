package testkit

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeProcessEnv names the environment variable that tells a test binary
// it was started by FakeProcess to serve a fake, not to run tests.
const fakeProcessEnv = "CRMBATCH_FAKE_PROCESS"

// fakeURLPrefix starts the one line the child writes to hand over its URL.
const fakeURLPrefix = "CRMBATCH_FAKE_URL="

// FakeProcess runs a fake server in a process of its own and returns the
// URL start returned there, so a benchmark counts only the client's time
// and allocations, not the fake's.
//
// The test binary starts itself again for the same test or benchmark;
// in that child FakeProcess calls start, prints the URL and serves until
// the parent ends (it never returns there). In the parent it returns the
// child's URL and stops the child when tb ends. start must build
// everything the fake needs (its data included) from nothing: the two
// processes share no memory.
func FakeProcess(tb testing.TB, start func() string) string {
	tb.Helper()
	if os.Getenv(fakeProcessEnv) == tb.Name() {
		fmt.Printf("\n%s%s\n", fakeURLPrefix, start())
		_, _ = io.Copy(io.Discard, os.Stdin) // serve until the parent closes stdin
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], childArgs(tb)...)
	cmd.Env = append(os.Environ(), fakeProcessEnv+"="+tb.Name())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	url, err := readFakeURL(stdout)
	if err != nil {
		tb.Fatalf("fake process: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return url
}

// readFakeURL reads the child's output up to the line that carries its URL.
func readFakeURL(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), fakeURLPrefix); ok {
			return url, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", io.ErrUnexpectedEOF
}

// childArgs selects exactly tb's test or benchmark in the child binary.
func childArgs(tb testing.TB) []string {
	parts := strings.Split(tb.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	pattern := strings.Join(parts, "/")
	if _, ok := tb.(*testing.B); ok {
		return []string{"-test.run=^$", "-test.bench=" + pattern, "-test.benchtime=1x"}
	}
	return []string{"-test.run=" + pattern}
}
