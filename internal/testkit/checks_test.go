package testkit

import (
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// recorder is a testing.TB that only notes a failure; Fatal ends the
// goroutine it runs on, as testing's does.
type recorder struct {
	testing.TB
	failed atomic.Bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Error(...any)          { r.failed.Store(true) }
func (r *recorder) Errorf(string, ...any) { r.failed.Store(true) }
func (r *recorder) Fatal(...any)          { r.failed.Store(true); runtime.Goexit() }
func (r *recorder) Fatalf(string, ...any) { r.failed.Store(true); runtime.Goexit() }

// fails runs check against a recorder, on its own goroutine, and reports
// whether the check failed.
func fails(t *testing.T, check func(testing.TB)) bool {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r.failed.Load()
}

// checkCase is one use of a check and whether it must fail.
type checkCase struct {
	name  string
	check func(testing.TB)
	fail  bool
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		if got := fails(t, c.check); got != c.fail {
			t.Errorf("%s: failed %v, want %v", c.name, got, c.fail)
		}
	}
}

func TestRequestChecks(t *testing.T) {
	t.Parallel()
	refused := &batch.Report[int]{Total: 2, Failed: 2, Requests: 3}
	runCases(t, []checkCase{
		{"requests as the server saw", func(tb testing.TB) { CheckRequests(tb, refused, 3, 3) }, false},
		{"server saw other than want", func(tb testing.TB) { CheckRequests(tb, refused, 4, 4) }, true},
		{"report differs from server", func(tb testing.TB) { CheckRequests(tb, refused, 2, 3) }, true},
		{"within bounds", func(tb testing.TB) { CheckRequestsBetween(tb, refused, 3, 2, 4) }, false},
		{"over bounds", func(tb testing.TB) { CheckRequestsBetween(tb, refused, 3, 1, 2) }, true},
		{"refused run with an error", func(tb testing.TB) { CheckRefusedRun(tb, refused, errors.New("x"), 2) }, false},
		{"refused run without error", func(tb testing.TB) { CheckRefusedRun(tb, refused, nil, 2) }, true},
		{"refused run of other size", func(tb testing.TB) { CheckRefusedRun(tb, refused, errors.New("x"), 3) }, true},
	})
}

func TestLocalChecks(t *testing.T) {
	t.Parallel()
	local := &vendorkit.APIError[int]{Local: true, Class: vendorkit.Duplicate}
	sent := &vendorkit.APIError[int]{Class: vendorkit.Duplicate}
	tooLarge := &batch.TooLargeError{Size: 20, Limit: 10}
	var limit int
	runCases(t, []checkCase{
		{"local duplicate", func(tb testing.TB) {
			CheckLocal[*vendorkit.APIError[int]](tb, batch.Outcome[int]{Err: local}, batch.ErrDuplicate)
		}, false},
		{"another class", func(tb testing.TB) {
			CheckLocal[*vendorkit.APIError[int]](tb, batch.Outcome[int]{Err: local}, batch.ErrInvalid)
		}, true},
		{"not local", func(tb testing.TB) {
			CheckLocal[*vendorkit.APIError[int]](tb, batch.Outcome[int]{Err: sent}, batch.ErrDuplicate)
		}, true},
		{"sent once", func(tb testing.TB) {
			CheckLocal[*vendorkit.APIError[int]](tb, batch.Outcome[int]{Err: local, Attempts: 1}, batch.ErrDuplicate)
		}, true},
		{"another type", func(tb testing.TB) {
			CheckLocal[*batch.TooLargeError](tb, batch.Outcome[int]{Err: local}, batch.ErrDuplicate)
		}, true},
		{"too large", func(tb testing.TB) { limit = CheckTooLarge(tb, batch.Outcome[int]{Err: tooLarge}) }, false},
		{"too large but sent", func(tb testing.TB) { CheckTooLarge(tb, batch.Outcome[int]{Err: tooLarge, Attempts: 1}) }, true},
		{"not too large", func(tb testing.TB) { CheckTooLarge(tb, batch.Outcome[int]{Err: local}) }, true},
	})
	if limit != 10 {
		t.Errorf("CheckTooLarge returned %d, want 10", limit)
	}
}

func TestSecretChecks(t *testing.T) {
	t.Parallel()
	runCases(t, []checkCase{
		{"printed clean", func(tb testing.TB) { CheckPrinted(tb, "host", []string{"s3cret"}, "host", 7) }, false},
		{"printed a secret", func(tb testing.TB) { CheckPrinted(tb, "host", []string{"s3cret"}, "host", "x s3cret") }, true},
		{"printed nothing shown", func(tb testing.TB) { CheckPrinted(tb, "host", []string{"s3cret"}, "other") }, true},
		{"log clean with proof", func(tb testing.TB) { CheckLog(tb, "a 307 line", "307", "s3cret") }, false},
		{"log without proof", func(tb testing.TB) { CheckLog(tb, "a line", "307", "s3cret") }, true},
		{"log with no proof asked", func(tb testing.TB) { CheckLog(tb, "a line", "", "s3cret") }, false},
		{"log with a secret", func(tb testing.TB) { CheckLog(tb, "307 czNjcmV0", "307", "s3cret") }, true},
	})
	text := ErrorText(nil, errors.New("first"), nil, errors.New("second"))
	if strings.Count(text, "first\n") != 2 || !strings.Contains(text, "second") || strings.Contains(text, "nil") {
		t.Errorf("ErrorText: %q", text)
	}
	rep := &batch.Report[int]{Outcomes: []batch.Outcome[int]{{Err: errors.New("bad record")}, {}}}
	if got := OutcomeErrors(rep); !strings.Contains(got, "bad record") || strings.Contains(got, "nil") {
		t.Errorf("OutcomeErrors: %q", got)
	}
}

func TestEchoQuotesTheWholeRequest(t *testing.T) {
	t.Parallel()
	var again string
	url := Serve(t, Echo(func(w http.ResponseWriter, r *http.Request, quoted string) {
		b, _ := io.ReadAll(r.Body)
		again = string(b)
		_, _ = w.Write([]byte(quoted))
	}))
	req, _ := http.NewRequest(http.MethodPost, url+"/p?k=v", strings.NewReader("the body"))
	req.Header.Set("X-B", "2")
	req.Header.Set("X-A", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got := string(b); !strings.HasPrefix(got, "POST /p?k=v ") || !strings.Contains(got, "X-A: 1; X-B: 2; ") || !strings.HasSuffix(got, "the body") {
		t.Errorf("quoted %q", got)
	}
	if again != "the body" {
		t.Errorf("the handler read %q after the quote", again)
	}
}

func TestTrapFrontAndOneConnection(t *testing.T) {
	t.Parallel()
	tr := NewTrap(t)
	if fails(t, tr.CheckEmpty) {
		t.Error("an empty trap failed CheckEmpty")
	}
	hc, dials := CountingClient()
	resp, err := hc.Get(tr.Front(t) + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !fails(t, tr.CheckEmpty) {
		t.Error("a trap that received a request passed CheckEmpty")
	}
	if !fails(t, func(tb testing.TB) { CheckOneConnection(tb, dials) }) {
		t.Errorf("two connections (front and trap) passed CheckOneConnection: %d", dials.Load())
	}
	var one atomic.Int32
	one.Store(1)
	if fails(t, func(tb testing.TB) { CheckOneConnection(tb, &one) }) {
		t.Error("one connection failed CheckOneConnection")
	}
}

func TestJSONFieldsHeapPeakAndTestdata(t *testing.T) {
	t.Parallel()
	m := JSONFields(t, struct {
		A int    `json:"a"`
		B string `json:"b"`
	}{1, "x"})
	if len(m) != 2 || string(m["a"]) != "1" || string(m["b"]) != `"x"` {
		t.Errorf("JSONFields: %s", m)
	}
	if !fails(t, func(tb testing.TB) { JSONFields(tb, []int{1}) }) {
		t.Error("JSONFields took an array for an object")
	}
	stop := HeapPeak(time.Millisecond)
	if peak := stop(); peak == 0 {
		t.Error("HeapPeak saw no heap")
	}
	if !fails(t, func(tb testing.TB) { Testdata(tb, "no-such-file") }) {
		t.Error("Testdata read a file that does not exist")
	}
}

func TestPeekBodyWithoutBody(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodGet, "http://example.com", nil)
	if b, err := PeekBody(req); b != nil || err != nil {
		t.Errorf("a request without a body gave %q, %v", b, err)
	}
}

func TestCall(t *testing.T) {
	t.Parallel()
	url := Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.Header.Get("X-Key")+"|"+strings.Join(r.Header.Values("X-Empty"), ","))
		w.WriteHeader(http.StatusCreated)
		_, _ = io.Copy(w, r.Body)
	}))
	a := Call(t, http.MethodPost, url, map[string]string{"X-Key": "k", "X-Empty": ""}, strings.NewReader("hello"))
	if a.Status != http.StatusCreated || string(a.Body) != "hello" || a.Header.Get("X-Seen") != "k|" {
		t.Errorf("answer %+v", a)
	}
	if !fails(t, func(tb testing.TB) { Call(tb, http.MethodGet, "http://127.0.0.1:0/", nil, nil) }) {
		t.Error("a request that could not be sent passed")
	}
}
