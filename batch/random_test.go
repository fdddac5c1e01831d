package batch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// errReject is a whole-chunk refusal the random runs isolate.
var errReject = errors.New("reject whole")

// ambiguous is a send that may have written its chunk.
type ambiguous struct{}

func (ambiguous) Error() string   { return "ambiguous" }
func (ambiguous) Is(t error) bool { return t == ErrOutcomeUnknown }

// TestRandomRunsBalance runs many small random runs (concurrency, Keep,
// slice or stream, unique keys, byte limits, validation, cancellation,
// StopRun, whole-chunk and per-record retryable failures, isolation,
// ambiguous failures) and checks the invariants on each: the report
// balances, every record has one outcome at its index, a success landed
// exactly once and a failure never, a record whose send may have written
// it matches ErrOutcomeUnknown, is never sent again and is never reported
// not attempted, and OnOutcome sees each record once. (It found a race in
// drain that could end a run with a queued retry never accounted.)
func TestRandomRunsBalance(t *testing.T) {
	seeds := uint64(2000)
	if testing.Short() {
		seeds = 200
	}
	for seed := uint64(0); seed < seeds; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		n := r.IntN(300)
		conc := 1 + r.IntN(4)
		keep := Keep(r.IntN(3))
		stream := r.IntN(2) == 0
		unique := r.IntN(3) == 0
		bytes := r.IntN(3) == 0
		validate := r.IntN(3) == 0
		cancelAt := -1
		if r.IntN(3) == 0 {
			cancelAt = r.IntN(30)
		}
		stopAt := -1
		if r.IntN(4) == 0 {
			stopAt = r.IntN(30)
		}
		name := fmt.Sprintf("seed%d n%d c%d keep%d stream%v u%v b%v v%v cancel%d stop%d", seed, n, conc, keep, stream, unique, bytes, validate, cancelAt, stopAt)
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		landed := map[int]int{}
		ambig := map[int]bool{}
		sentAfterAmbig := 0
		calls := 0
		seedR := rand.New(rand.NewPCG(seed, 9))
		op := Op[rec, int]{Name: "x", MaxItems: 1 + r.IntN(10), UniqueKeys: unique,
			Key:     func(v rec) string { return fmt.Sprint(v.id % 37) },
			Isolate: func(err error) bool { return errors.Is(err, errReject) },
			Send: func(c context.Context, ch []rec) ([]Result[int], error) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				for _, v := range ch {
					if ambig[v.id] {
						sentAfterAmbig++
					}
				}
				if calls == cancelAt {
					cancel()
				}
				if calls == stopAt {
					return nil, quota{}
				}
				switch seedR.IntN(10) {
				case 0:
					return nil, &temporary{}
				case 1:
					if len(ch) > 1 {
						return nil, errReject
					}
				case 2:
					for _, v := range ch {
						ambig[v.id] = true
					}
					return nil, ambiguous{}
				}
				out := make([]Result[int], len(ch))
				for i, v := range ch {
					switch seedR.IntN(8) {
					case 0:
						out[i].Err = &temporary{}
					case 1:
						out[i].Err = errors.New("bad record")
					default:
						out[i].Value = v.id * 10
						landed[v.id]++
					}
				}
				return out, nil
			}}
		if bytes {
			op.MaxBytes = 35
			op.Size = func(v rec) int { return 5 + v.id%40 }
		}
		if validate {
			op.Validate = func(v rec) error {
				if v.id%13 == 5 {
					return errors.New("invalid")
				}
				return nil
			}
		}
		seen := map[int]int{}
		var smu sync.Mutex
		cfg := Config{Concurrency: conc, Keep: keep, Retry: fastRetry(1 + r.IntN(4)),
			OnOutcome: func(i int, k string, s Status, err error) {
				smu.Lock()
				seen[i]++
				smu.Unlock()
			}}
		if r.IntN(2) == 0 {
			cfg.OnOutcome = nil
		}
		in := records(n)
		var rep *Report[int]
		done := make(chan struct{})
		go func() {
			defer close(done)
			if stream {
				rep = Run(ctx, op, cfg, func(y func(rec) bool) {
					for _, v := range in {
						if !y(v) {
							return
						}
					}
				})
			} else {
				rep = RunSlice(ctx, op, cfg, in)
			}
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: hung", name)
		}
		cancel()
		if !rep.Balanced() {
			t.Errorf("%s: unbalanced %+v", name, rep)
		}
		if !rep.InputIncomplete && rep.Total != n {
			t.Errorf("%s: total %d", name, rep.Total)
		}
		if sentAfterAmbig > 0 {
			t.Errorf("%s: %d sends after an ambiguous failure", name, sentAfterAmbig)
		}
		if cfg.OnOutcome != nil {
			if len(seen) != rep.Total {
				t.Errorf("%s: OnOutcome saw %d of %d", name, len(seen), rep.Total)
			}
			for i, c := range seen {
				if c != 1 {
					t.Errorf("%s: OnOutcome %d times for %d", name, c, i)
				}
			}
		}
		if keep == KeepAll {
			if len(rep.Outcomes) != rep.Total {
				t.Errorf("%s: %d outcomes", name, len(rep.Outcomes))
				continue
			}
			for i, o := range rep.Outcomes {
				if o.Index != i || o.Status == 0 {
					t.Errorf("%s: outcome %d %+v", name, i, o)
					break
				}
				if o.Status == Succeeded && landed[i] != 1 {
					t.Errorf("%s: %d succeeded, landed %d", name, i, landed[i])
				}
				if o.Status != Succeeded && landed[i] != 0 {
					t.Errorf("%s: %d %v but landed %d (%v)", name, i, o.Status, landed[i], o.Err)
				}
				if ambig[i] && !errors.Is(o.Err, ErrOutcomeUnknown) {
					t.Errorf("%s: %d ambiguous but %v %v", name, i, o.Status, o.Err)
				}
				if o.Status == NotAttempted && errors.Is(o.Err, ErrOutcomeUnknown) {
					t.Errorf("%s: %d not attempted, yet it may have been written: %v", name, i, o.Err)
				}
			}
		}
		for id, c := range landed {
			if c > 1 {
				t.Errorf("%s: %d landed %d times", name, id, c)
			}
		}
	}
}
