package pardottest

import "time"

// Fault is a failure the server injects into a batch request, queued with
// Server.FailNext. Build one with the functions below.
type Fault struct {
	kind   faultKind
	code   int
	status int
	delay  time.Duration
}

type faultKind uint8

const (
	faultCode faultKind = iota + 1
	faultStatus
	faultSlow
	faultDrop
	faultDropAfterApply
	faultMalformed
)

// ErrorCode answers HTTP 200 with a global Pardot failure of that code
// (for example 66, 62, 122), without applying the batch.
func ErrorCode(code int) Fault { return Fault{kind: faultCode, code: code} }

// HTTPStatus answers with that HTTP status and a short plain-text body,
// without applying the batch.
func HTTPStatus(status int) Fault { return Fault{kind: faultStatus, status: status} }

// Slow waits d (or until the client goes away) and then handles the
// request normally; the request counts as in flight meanwhile.
func Slow(d time.Duration) Fault { return Fault{kind: faultSlow, delay: d} }

// Drop closes the connection without answering and without applying the
// batch.
func Drop() Fault { return Fault{kind: faultDrop} }

// DropAfterApply applies the batch and then closes the connection without
// answering: the client cannot know the outcome.
func DropAfterApply() Fault { return Fault{kind: faultDropAfterApply} }

// Malformed answers HTTP 200 with a body that is neither JSON nor XML,
// without applying the batch.
func Malformed() Fault { return Fault{kind: faultMalformed} }

// String describes the fault.
func (f Fault) String() string {
	switch f.kind {
	case faultCode:
		return "error code " + itoa(f.code)
	case faultStatus:
		return "HTTP " + itoa(f.status)
	case faultSlow:
		return "slow " + f.delay.String()
	case faultDrop:
		return "drop"
	case faultDropAfterApply:
		return "drop after apply"
	case faultMalformed:
		return "malformed body"
	}
	return "no fault"
}
