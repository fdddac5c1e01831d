package vendorkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

func TestStatusClass(t *testing.T) {
	tests := []struct {
		status     int
		idempotent bool
		want       Class
	}{
		{401, false, Auth}, {403, true, Auth}, {404, false, NotFound}, {409, false, Duplicate},
		{429, false, RateLimited}, {503, false, Unavailable}, {400, false, Invalid}, {422, true, Invalid},
		{500, false, Unknown}, {502, false, Unknown}, {504, false, Unknown},
		{500, true, Unavailable}, {502, true, Unavailable}, {307, false, Rejected}, {405, false, Rejected},
	}
	for _, tt := range tests {
		if got := StatusClass(tt.status, tt.idempotent); got != tt.want {
			t.Errorf("StatusClass(%d, %v) = %v, want %v", tt.status, tt.idempotent, got, tt.want)
		}
	}
}

func TestClassesMatchTheirSentinelAndDriveTheEngine(t *testing.T) {
	tests := []struct {
		class     Class
		sentinel  error
		retryable bool
		stops     bool
	}{
		{Rejected, nil, false, false},
		{Invalid, batch.ErrInvalid, false, false},
		{NotFound, batch.ErrNotFound, false, false},
		{Duplicate, batch.ErrDuplicate, false, false},
		{Auth, batch.ErrUnauthorized, false, true},
		{Quota, batch.ErrQuotaExceeded, false, true},
		{RateLimited, batch.ErrRateLimited, true, false},
		{Unavailable, batch.ErrUnavailable, true, false},
		{Unknown, batch.ErrOutcomeUnknown, false, false},
		{Malformed, batch.ErrMalformedResponse, true, false},
	}
	all := []error{batch.ErrInvalid, batch.ErrNotFound, batch.ErrDuplicate, batch.ErrUnauthorized, batch.ErrQuotaExceeded,
		batch.ErrRateLimited, batch.ErrUnavailable, batch.ErrOutcomeUnknown, batch.ErrMalformedResponse}
	for _, tt := range tests {
		var err error = fmt.Errorf("wrapped: %w", &APIError[int]{Vendor: "v", Class: tt.class, Wait: time.Second})
		for _, s := range all {
			if got := errors.Is(err, s); got != (s == tt.sentinel) {
				t.Errorf("%v: errors.Is(%v) = %v", tt.class, s, got)
			}
		}
		if batch.IsRetryable(err) != tt.retryable || batch.StopsRun(err) != tt.stops {
			t.Errorf("%v: retryable %v stops %v", tt.class, batch.IsRetryable(err), batch.StopsRun(err))
		}
		wantWait := time.Duration(0)
		if tt.retryable {
			wantWait = time.Second
		}
		if got := batch.RetryAfterOf(err); got != wantWait {
			t.Errorf("%v: RetryAfterOf = %v, want %v", tt.class, got, wantWait)
		}
	}
}

func TestErrorText(t *testing.T) {
	e := &APIError[string]{Vendor: "hubspot", Op: "batch create contacts", HTTPStatus: 400, Code: "VALIDATION_ERROR",
		Message: "Property values were not valid", RequestID: "abc-1"}
	want := "hubspot batch create contacts: HTTP 400 [VALIDATION_ERROR] Property values were not valid (request id abc-1)"
	if got := e.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	local := &APIError[int]{Vendor: "pardot", Op: "create", Message: "email is required", Local: true, Class: Invalid}
	if got := local.Error(); got != "pardot create: refused before sending: email is required" || !IsLocal(fmt.Errorf("x: %w", local)) {
		t.Errorf("local: %q", got)
	}
	cause := errors.New("EOF")
	if got := (&APIError[int]{Vendor: "noojee", Op: "insert", Err: cause}).Error(); got != "noojee insert: EOF" {
		t.Errorf("cause only: %q", got)
	}
}

func TestFromTransportAndResponse(t *testing.T) {
	unknown := FromTransport[int]("v", "create", fmt.Errorf("%w: %w", context.Canceled, &httpx.TransportError{MaybeSent: true}))
	if unknown.Class != Unknown || !errors.Is(&unknown, batch.ErrOutcomeUnknown) || !errors.Is(&unknown, context.Canceled) {
		t.Errorf("a write in flight: %+v", unknown)
	}
	safe := FromTransport[int]("v", "upsert", &httpx.TransportError{MaybeSent: true, Idempotent: true})
	if safe.Class != Unavailable || !batch.IsRetryable(&safe) {
		t.Errorf("an idempotent request: %+v", safe)
	}
	never := FromTransport[int]("v", "create", &httpx.TransportError{})
	if never.Class != Unavailable {
		t.Errorf("never sent: %+v", never)
	}
	r := FromResponse[int]("v", "create", &httpx.Response{StatusCode: 429, RetryAfter: 3 * time.Second}, false)
	if r.Class != RateLimited || batch.RetryAfterOf(&r) != 3*time.Second || r.HTTPStatus != 429 {
		t.Errorf("429: %+v", r)
	}
	codes := Codes[int]{109: {Class: RateLimited, Wait: 5 * time.Second, MaxAttempts: 9}, 184: {Class: Auth}}
	busy := FromResponse[int]("v", "create", &httpx.Response{StatusCode: 400}, false)
	codes.Apply(&busy, 109)
	if busy.Class != RateLimited || busy.Wait != 5*time.Second || batch.MaxAttemptsOf(&busy) != 9 || busy.Code != 109 {
		t.Errorf("busy code: %+v", busy)
	}
	stop := Codes[int]{88: {Class: Rejected, StopRun: true}}
	version := FromResponse[int]("v", "create", &httpx.Response{StatusCode: 200}, false)
	stop.Apply(&version, 88)
	if !batch.StopsRun(&version) || batch.IsRetryable(&version) || (&APIError[int]{}).StopRun() {
		t.Errorf("a code that stops the run: %+v", version)
	}
	other := FromResponse[int]("v", "create", &httpx.Response{StatusCode: 400}, false)
	codes.Apply(&other, 42)
	if other.Class != Invalid || other.Code != 42 {
		t.Errorf("a code not in the table keeps its status class: %+v", other)
	}
}

type client struct {
	Printable
	token string
}

func TestPrintableHidesEverythingElse(t *testing.T) {
	c := &client{Printable: NewPrintable("hubspot", "https://api.hubapi.com"), token: "pat-na1-SECRET"}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", *c)
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "c", c, "v", *c)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("client", "c", c)
	if strings.Contains(out.String(), "SECRET") || !strings.Contains(out.String(), "api.hubapi.com") {
		t.Errorf("printed:\n%s", out.String())
	}
	if got := c.BaseURL(); got != "https://api.hubapi.com" {
		t.Errorf("BaseURL() = %q", got)
	}
}

func TestSeen(t *testing.T) {
	var s Seen
	got := []bool{s.Repeated("a"), s.Repeated("b"), s.Repeated("a"), s.Repeated(""), s.Repeated("")}
	want := []bool{false, false, true, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
