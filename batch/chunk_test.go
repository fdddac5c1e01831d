package batch

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChunking(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		maxItems  int
		maxBytes  int
		sizes     map[int]int // id → size; default 10
		wantSends []int
		wantFail  []int // ids failed as too large
	}{
		{name: "no records", n: 0, maxItems: 100, wantSends: nil},
		{name: "one record", n: 1, maxItems: 100, wantSends: []int{1}},
		{name: "exactly N", n: 100, maxItems: 100, wantSends: []int{100}},
		{name: "N+1", n: 101, maxItems: 100, wantSends: []int{100, 1}},
		{name: "250 by 100", n: 250, maxItems: 100, wantSends: []int{100, 100, 50}},
		{name: "zero max items means one", n: 3, maxItems: 0, wantSends: []int{1, 1, 1}},
		{name: "byte limit cuts before item limit", n: 10, maxItems: 100, maxBytes: 35, wantSends: []int{3, 3, 3, 1}},
		{name: "byte limit exactly filled", n: 4, maxItems: 100, maxBytes: 20, wantSends: []int{2, 2}},
		{name: "item limit cuts before byte limit", n: 5, maxItems: 2, maxBytes: 1000, wantSends: []int{2, 2, 1}},
		{
			name: "one oversized record fails alone", n: 5, maxItems: 100, maxBytes: 30,
			sizes: map[int]int{2: 31}, wantSends: []int{3, 1}, wantFail: []int{2},
		},
		{
			name: "a record of exactly the limit goes alone", n: 3, maxItems: 100, maxBytes: 30,
			sizes: map[int]int{1: 30}, wantSends: []int{1, 1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSender(nil)
			op := testOp(f, tt.maxItems)
			op.MaxBytes = tt.maxBytes
			op.Size = func(r rec) int { return r.size }
			in := records(tt.n)
			for id, s := range tt.sizes {
				in[id].size = s
			}
			rep := RunSlice(context.Background(), op, Config{}, in)
			checkReport(t, rep, tt.n)
			if diff := cmp.Diff(tt.wantSends, f.sendSizes()); diff != "" {
				t.Errorf("request sizes (-want +got):\n%s", diff)
			}
			var failed []int
			for _, o := range rep.Outcomes {
				if o.Status == Failed {
					failed = append(failed, o.Index)
					var tl *TooLargeError
					if !errors.As(o.Err, &tl) || tl.Limit != tt.maxBytes {
						t.Errorf("record %d: err = %v, want *TooLargeError", o.Index, o.Err)
					}
				}
			}
			if diff := cmp.Diff(tt.wantFail, failed); diff != "" {
				t.Errorf("failed records (-want +got):\n%s", diff)
			}
			if err := landedOnce(f, rep); err != nil {
				t.Error(err)
			}
			if rep.Requests != len(tt.wantSends) {
				t.Errorf("Requests = %d, want %d", rep.Requests, len(tt.wantSends))
			}
		})
	}
}

func TestUniqueKeysNeverShareARequest(t *testing.T) {
	f := newFakeSender(nil)
	op := testOp(f, 10)
	op.Key = func(r rec) string { return fmt.Sprint(r.id % 4) } // keys repeat every 4 records
	op.UniqueKeys = true
	rep := RunSlice(context.Background(), op, Config{}, records(10))
	checkReport(t, rep, 10)
	if diff := cmp.Diff([]int{4, 4, 2}, f.sendSizes()); diff != "" {
		t.Errorf("request sizes (-want +got):\n%s", diff)
	}
	for _, ids := range f.sends {
		seen := map[int]bool{}
		for _, id := range ids {
			if seen[id%4] {
				t.Errorf("key %d twice in one request %v", id%4, ids)
			}
			seen[id%4] = true
		}
	}
}

func TestValidateFailsWithoutSending(t *testing.T) {
	f := newFakeSender(nil)
	op := testOp(f, 100)
	bad := errors.New("odd ids are invalid")
	op.Validate = func(r rec) error {
		if r.id%2 == 1 {
			return bad
		}
		return nil
	}
	rep := RunSlice(context.Background(), op, Config{}, records(7))
	checkReport(t, rep, 7)
	if rep.Succeeded != 4 || rep.Failed != 3 {
		t.Fatalf("succeeded %d failed %d, want 4 and 3", rep.Succeeded, rep.Failed)
	}
	for _, o := range rep.Outcomes {
		if o.Status == Failed && (!errors.Is(o.Err, bad) || o.Attempts != 0) {
			t.Errorf("record %d: err %v attempts %d", o.Index, o.Err, o.Attempts)
		}
	}
	if diff := cmp.Diff([][]int{{0, 2, 4, 6}}, f.sends); diff != "" {
		t.Errorf("sends (-want +got):\n%s", diff)
	}
	if err := landedOnce(f, rep); err != nil {
		t.Error(err)
	}
}
