package testkit

import (
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAgreesWith(t *testing.T) {
	t.Parallel()
	ref := func(b []byte) (int, error) { return strconv.Atoi(string(b)) }
	fastOK := func(b []byte) (int, bool) {
		if len(b) != 1 || b[0] < '0' || b[0] > '9' {
			return 0, false
		}
		return int(b[0] - '0'), true
	}
	fastWrong := func(b []byte) (int, bool) { n, ok := fastOK(b); return n + 1, ok }
	fastGreedy := func([]byte) (int, bool) { return 0, true }
	refRefuses := func([]byte) (int, error) { return 0, errors.New("refused") }
	var took bool
	runCases(t, []checkCase{
		{"agrees and took", func(tb testing.TB) { took = AgreesWith(tb, []byte("7"), fastOK, ref) }, false},
		{"declined", func(tb testing.TB) {
			if AgreesWith(tb, []byte("42"), fastOK, refRefuses) {
				tb.Errorf("declined input reported taken")
			}
		}, false},
		{"decodes otherwise", func(tb testing.TB) { AgreesWith(tb, []byte("7"), fastWrong, ref) }, true},
		{"takes what the reference refuses", func(tb testing.TB) { AgreesWith(tb, []byte("x"), fastGreedy, ref) }, true},
	})
	if !took {
		t.Error("an input the fast decoder took was reported declined")
	}
}

func TestCheckResult(t *testing.T) {
	t.Parallel()
	type pair struct{ A, b int }
	runCases(t, []checkCase{
		{"equal, no error", func(tb testing.TB) { CheckResult(tb, []int{1, 2}, []int{1, 2}, nil) }, false},
		{"differs", func(tb testing.TB) { CheckResult(tb, []int{1, 2}, []int{2, 1}, nil) }, true},
		{"equal but an error", func(tb testing.TB) { CheckResult(tb, 1, 1, errors.New("x")) }, true},
		{"options apply", func(tb testing.TB) {
			CheckResult(tb, pair{1, 2}, pair{1, 3}, nil, cmpopts.IgnoreUnexported(pair{}))
		}, false},
	})
}
