package batch

import (
	"context"
	"errors"
	"testing"
)

func TestSmoke(t *testing.T) {
	in := make([]int, 250)
	for i := range in {
		in[i] = i
	}
	op := Op[int, int]{
		Name: "smoke", MaxItems: 100,
		Send: func(ctx context.Context, chunk []int) ([]Result[int], error) {
			out := make([]Result[int], len(chunk))
			for i, v := range chunk {
				out[i].Value = v * 2
				if v%50 == 7 {
					out[i].Err = errors.New("bad")
				}
			}
			return out, nil
		},
	}
	rep := RunSlice(context.Background(), op, Config{Concurrency: 3}, in)
	checkReport(t, rep, 250)
	if rep.Requests != 3 || rep.Failed != 5 {
		t.Fatalf("requests %d failed %d", rep.Requests, rep.Failed)
	}
	t.Log(rep.Err())
}
