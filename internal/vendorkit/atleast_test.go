package vendorkit

import (
	"iter"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// counted yields 0..n-1 and counts the values pulled from it.
func counted(n int, pulled *int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			*pulled++
			if !yield(i) {
				return
			}
		}
	}
}

func TestAtLeast(t *testing.T) {
	for _, tc := range []struct {
		name     string
		size, n  int
		wantOK   bool
		wantRead int // values pulled before all is ranged
	}{
		{"fewer", 3, 5, false, 3},
		{"exactly", 5, 5, true, 5},
		{"more", 9, 5, true, 5},
		{"empty", 0, 1, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pulled int
			all, ok, stop := AtLeast(counted(tc.size, &pulled), tc.n)
			defer stop()
			if ok != tc.wantOK || pulled != tc.wantRead {
				t.Fatalf("ok %v after %d pulled, want %v after %d", ok, pulled, tc.wantOK, tc.wantRead)
			}
			want := make([]int, tc.size)
			for i := range want {
				want[i] = i
			}
			if diff := cmp.Diff(want, slices.Collect(all), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("all (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAtLeastStopEndsAnUnreadInput(t *testing.T) {
	var pulled int
	_, ok, stop := AtLeast(counted(100, &pulled), 10)
	stop()
	if !ok || pulled != 10 {
		t.Fatalf("ok %v, %d pulled; want true, 10", ok, pulled)
	}
}
