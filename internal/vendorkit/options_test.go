package vendorkit

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

type testConfig struct{ Common }

func TestApplyRefusesANilOption(t *testing.T) {
	cfg := &testConfig{}
	ok := func(c *testConfig) error { return c.SetEngine(batch.Config{Concurrency: 2}) }
	if err := Apply("v", cfg, []func(*testConfig) error{ok, nil}); err == nil || !strings.Contains(err.Error(), "option 1 is nil") {
		t.Errorf("err = %v", err)
	}
	if cfg.Engine.Concurrency != 2 {
		t.Error("options before the nil one were not applied")
	}
}

func TestSettersRefuseNilAndOutOfRange(t *testing.T) {
	c := &Common{Vendor: "v", MaxBatchSize: 100}
	bad := map[string]error{
		"nil client":      c.SetHTTPClient(nil),
		"concurrency 257": c.SetEngine(batch.Config{Concurrency: 257}),
		"batch 0":         c.SetBatchSize(0),
		"batch 101":       c.SetBatchSize(101),
		"timeout 0":       c.SetTimeout(0, 0),
		"timeout < floor": c.SetTimeout(time.Second, 61*time.Second),
		"relative URL":    c.SetBaseURL("/api"),
		"URL with query":  c.SetBaseURL("https://h/x?api_key=k"),
		"URL with user":   c.SetBaseURL("https://u:p@h/x"),
		"negative retry":  c.SetEngine(batch.Config{Retry: batch.RetryPolicy{MaxAttempts: -1}}),
		"unknown keep":    c.SetEngine(batch.Config{Keep: 9}),
	}
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), "v: With") {
			t.Errorf("%s: %q does not name the vendor and option", name, err)
		}
	}
	if err := c.SetBaseURL("https://api.example.com/v2/"); err != nil || c.BaseURL != "https://api.example.com/v2" {
		t.Errorf("base URL: %q %v", c.BaseURL, err)
	}
	if err := c.SetHTTPClient(http.DefaultClient); err != nil {
		t.Error(err)
	}
}

func TestRunTakesANilInput(t *testing.T) {
	op := batch.Op[int, int]{Name: "n", MaxItems: 2, Send: func(ctx context.Context, c []int) ([]batch.Result[int], error) {
		return make([]batch.Result[int], len(c)), nil
	}}
	rep, err := Run(context.Background(), op, batch.Config{}, nil)
	if err != nil || rep.Total != 0 {
		t.Errorf("nil input: %+v %v", rep, err)
	}
	rep, err = Run(context.Background(), op, batch.Config{}, slices.Values([]int{1, 2, 3}))
	if err != nil || rep.Succeeded != 3 {
		t.Errorf("three records: %+v %v", rep, err)
	}
}

func TestSetEngineAddsUp(t *testing.T) {
	c := &Common{Vendor: "v", Engine: batch.Config{Concurrency: 5}}
	budget := batch.NewRetryBudget(10, 0.1)
	policy := batch.RetryPolicy{MaxAttempts: 3}
	if err := c.SetEngine(batch.Config{Retry: policy}); err != nil {
		t.Fatal(err)
	}
	sent := 0
	if err := c.SetEngine(batch.Config{Keep: batch.KeepNone, RetryBudget: budget, OnSend: func([]int) { sent++ }}); err != nil {
		t.Fatal(err)
	}
	if c.Engine.OnSend == nil {
		t.Fatal("OnSend was dropped")
	}
	if c.Engine.Concurrency != 5 || c.Engine.Retry != policy || c.Engine.Keep != batch.KeepNone || c.Engine.RetryBudget != budget {
		t.Errorf("engine = %+v; want the vendor's concurrency kept and both options applied", c.Engine)
	}
	if err := c.SetEngine(batch.Config{Concurrency: MaxConcurrency + 1}); err == nil {
		t.Error("an out-of-range concurrency was accepted")
	}
}
