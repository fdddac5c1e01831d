package fakekit

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Base is what every vendor fake embeds: the loopback server, the fault
// queue, the clock and the counting-only switch. Safe for concurrent use.
type Base struct {
	*httptest.Server

	mu        sync.Mutex
	faults    map[string][]Fault // by queue name; "" is FailNext's
	rules     FaultRules
	clock     Clock
	countOnly atomic.Bool
}

// NewBase starts a loopback server serving h.
func NewBase(h http.Handler) *Base {
	return &Base{Server: httptest.NewServer(h), clock: SystemClock{}}
}

// BaseURL is the URL a client's WithBaseURL takes to reach this fake. A
// vendor whose API lives under a path overrides it.
func (b *Base) BaseURL() string { return b.URL }

// FailNext makes the next n requests answer with f, in order after the
// faults already queued. It panics when the fake cannot answer f as
// asked (see FaultRules): that is a bug in the test, not a fault.
func (b *Base) FailNext(n int, f Fault) { b.FailNextOn("", n, f) }

// FailNextOn is FailNext for the fake's queue named queue. A fake whose
// tests must fault one kind of request apart from the rest (Agiliron's
// BatchStatus polls, which interleave with its writes as the client
// pleases) takes that kind's faults from a queue of its own; FailNext's
// queue ("") serves every other request. The same rules apply.
func (b *Base) FailNextOn(queue string, n int, f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.rules.check(f); err != nil {
		panic("fakekit: FailNext: " + err.Error())
	}
	if b.faults == nil {
		b.faults = make(map[string][]Fault)
	}
	for range n {
		b.faults[queue] = append(b.faults[queue], f)
	}
}

// ClearFaults drops every queued fault, in every queue.
func (b *Base) ClearFaults() {
	b.mu.Lock()
	b.faults = nil
	b.mu.Unlock()
}

// PendingFaults is how many queued faults (in every queue) no request has
// taken yet.
func (b *Base) PendingFaults() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, q := range b.faults {
		n += len(q)
	}
	return n
}

// TakeFault pops the next fault of FailNext's queue, for the fake's
// handler.
func (b *Base) TakeFault() (Fault, bool) { return b.TakeFaultOn("") }

// TakeFaultOn pops the next fault of the queue named queue.
func (b *Base) TakeFaultOn(queue string) (Fault, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.faults[queue]
	if len(q) == 0 {
		return Fault{}, false
	}
	b.faults[queue] = q[1:]
	return q[0], true
}

// SetClock sets the clock the fake reads for its rate windows, token
// lifetimes and timestamps; nil restores the system clock.
func (b *Base) SetClock(c Clock) {
	if c == nil {
		c = SystemClock{}
	}
	b.mu.Lock()
	b.clock = c
	b.mu.Unlock()
}

// Now is the fake's current time.
func (b *Base) Now() time.Time {
	b.mu.Lock()
	c := b.clock
	b.mu.Unlock()
	return c.Now()
}

// SetCountOnly switches the counting-only store on or off: the fake still
// checks and answers every request as strictly, counts what it would have
// stored, but keeps no record (reading records back then finds nothing).
func (b *Base) SetCountOnly(on bool) { b.countOnly.Store(on) }

// CountOnly reports whether the counting-only store is on.
func (b *Base) CountOnly() bool { return b.countOnly.Load() }

// RetryAfterHeader sets the Retry-After header from d (whole or
// fractional seconds); nothing when d <= 0.
func RetryAfterHeader(w http.ResponseWriter, d time.Duration) {
	if d <= 0 {
		return
	}
	v := strconv.FormatInt(int64(d/time.Second), 10)
	if d%time.Second != 0 {
		v = strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
	}
	w.Header().Set("Retry-After", v)
}

// Set stores v in *field while holding mu: a fake's locked setter in one
// line, e.g. func (s *Server) SetMaxBatch(n int) { fakekit.Set(&s.mu, &s.maxBatch, n) }.
func Set[T any](mu *sync.Mutex, field *T, v T) {
	mu.Lock()
	*field = v
	mu.Unlock()
}
