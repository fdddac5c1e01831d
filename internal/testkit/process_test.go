package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
)

// TestFakeProcessServesFromAnotherProcess starts a server through
// FakeProcess and checks that it answers from a process other than the
// test's own.
func TestFakeProcessServesFromAnotherProcess(t *testing.T) {
	url := FakeProcess(t, func() string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strconv.Itoa(os.Getpid()))
		}))
		return srv.URL
	})
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(body))
	if err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	if pid == os.Getpid() {
		t.Fatalf("the fake answered from the test's own process %d", pid)
	}
}

// TestChildArgsSelectOneTest checks the child runs only the caller's test.
func TestChildArgsSelectOneTest(t *testing.T) {
	t.Run("a.b(c)", func(t *testing.T) {
		got := childArgs(t)
		want := `-test.run=^TestChildArgsSelectOneTest$/^a\.b\(c\)$`
		if len(got) != 1 || got[0] != want {
			t.Fatalf("childArgs = %q, want [%q]", got, want)
		}
	})
}
