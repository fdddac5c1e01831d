package testkit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
)

func TestPlainDo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			http.Error(w, "busy now", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("made"))
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ok", nil)
	status, body, err := PlainDo(srv.Client(), req)
	if err != nil || status != http.StatusCreated || string(body) != "made" {
		t.Errorf("2xx: status %d, body %q, err %v; want 201, \"made\", nil", status, body, err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/busy", nil)
	if status, _, err := PlainDo(srv.Client(), req); err == nil || status != http.StatusServiceUnavailable {
		t.Errorf("503: status %d, err %v; want 503 and an error", status, err)
	}
	req, _ = http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	if _, _, err := PlainDo(srv.Client(), req); err == nil {
		t.Error("a refused connection gave no error")
	}
}

func TestPlainChunksSendsEachChunkOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	sent := make([]int, 23)
	err := PlainChunks(len(sent), 5, 3, func(from, to int) error {
		mu.Lock()
		defer mu.Unlock()
		if to-from > 5 || (to-from < 5 && to != len(sent)) {
			t.Errorf("chunk [%d, %d)", from, to)
		}
		for i := from; i < to; i++ {
			sent[i]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range sent {
		if n != 1 {
			t.Errorf("record %d sent %d times", i, n)
		}
	}
	boom := errors.New("boom")
	err = PlainChunks(23, 5, 3, func(from, _ int) error {
		if from == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("err %v, want the failing chunk's", err)
	}
}

func TestCountsError(t *testing.T) {
	t.Parallel()
	all := &batch.Report[int]{Total: 3, Succeeded: 3}
	some := &batch.Report[int]{Total: 3, Succeeded: 2, Failed: 1}
	unbalanced := &batch.Report[int]{Total: 3, Succeeded: 1}
	runErr := errors.New("run failed")
	for _, tc := range []struct {
		name string
		rep  *batch.Report[int]
		err  error
		want Counts
		ok   bool
	}{
		{"all succeeded", all, nil, Counts{Total: 3, Succeeded: 3}, true},
		{"failures wanted, run error", some, runErr, Counts{Total: 3, Succeeded: 2, Failed: 1}, true},
		{"other counts", some, runErr, Counts{Total: 3, Succeeded: 3}, false},
		{"all succeeded but an error", all, runErr, Counts{Total: 3, Succeeded: 3}, false},
		{"no report", nil, runErr, Counts{}, false},
		{"unbalanced", unbalanced, nil, Counts{Total: 3, Succeeded: 1}, false},
	} {
		if got := CountsError(tc.rep, tc.err, tc.want); (got == nil) != tc.ok {
			t.Errorf("%s: %v, want ok %v", tc.name, got, tc.ok)
		}
	}
	runCases(t, []checkCase{
		{"CheckCounts: the counts", func(tb testing.TB) { CheckCounts(tb, some, Counts{Total: 3, Succeeded: 2, Failed: 1}) }, false},
		{"CheckCounts: other counts", func(tb testing.TB) { CheckCounts(tb, some, Counts{Total: 3, Succeeded: 3}) }, true},
		{"CheckCounts: unbalanced", func(tb testing.TB) { CheckCounts(tb, unbalanced, Counts{Total: 3, Succeeded: 1}) }, true},
	})
}
