package httpx

import (
	"context"
	"net/http"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
)

// TestTransportRetriesReachTheReport: retries httpx makes on its own are
// counted in the engine's report.
func TestTransportRetriesReachTheReport(t *testing.T) {
	srv, count := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n < 2 {
			w.WriteHeader(503)
		}
	})
	c := fastClient(t, Config{})
	op := batch.Op[int, int]{Name: "post", MaxItems: 10, Send: func(ctx context.Context, chunk []int) ([]batch.Result[int], error) {
		if _, err := c.Do(ctx, &Request{Method: "POST", URL: srv.URL, Body: []byte("x")}); err != nil {
			return nil, err
		}
		return make([]batch.Result[int], len(chunk)), nil
	}}
	rep := batch.RunSlice(context.Background(), op, batch.Config{}, []int{1, 2, 3})
	if rep.Succeeded != 3 || rep.Requests != 3 || rep.Retries != 2 || count.Load() != 3 {
		t.Errorf("succeeded %d requests %d retries %d (server saw %d); want 3, 3, 2", rep.Succeeded, rep.Requests, rep.Retries, count.Load())
	}
}
