package agilirontest

import "strconv"

// Fault is a misbehaviour injected into one bulk request with FailNext.
type Fault int

// The faults.
const (
	// ServerError answers 500; the batch is not queued.
	ServerError Fault = iota + 1
	// ServerErrorAfterQueue queues and processes the batch, then answers
	// 500: the client cannot know the batch went in.
	ServerErrorAfterQueue
	// TooManyRequests answers 429 with Retry-After: 0; nothing is queued.
	TooManyRequests
	// MalformedAck queues and processes the batch, then answers 200 with a
	// body that is not an acknowledgement.
	MalformedAck
	// CallbackDelayed delivers the callback after the delay set with
	// SetCallbackDelay (BatchStatus is completed on time).
	CallbackDelayed
	// CallbackTwice delivers the callback twice.
	CallbackTwice
	// CallbackNever never delivers the callback: only BatchStatus tells.
	CallbackNever
	// HangAfterQueue queues and processes the batch, then never answers:
	// the client's request times out after it was sent.
	HangAfterQueue
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case ServerError:
		return "ServerError"
	case ServerErrorAfterQueue:
		return "ServerErrorAfterQueue"
	case TooManyRequests:
		return "TooManyRequests"
	case MalformedAck:
		return "MalformedAck"
	case HangAfterQueue:
		return "HangAfterQueue"
	case CallbackDelayed:
		return "CallbackDelayed"
	case CallbackTwice:
		return "CallbackTwice"
	case CallbackNever:
		return "CallbackNever"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// FailNext makes the next n bulk requests (that pass the key check)
// misbehave with f, after any faults already queued. A callback fault is
// used up by a request even when it names no callback_url.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	for range n {
		s.faults = append(s.faults, f)
	}
	s.mu.Unlock()
}

// FailStatusNext makes the next n BatchStatus requests answer 500.
func (s *Server) FailStatusNext(n int) { s.mu.Lock(); s.statusFaults += n; s.mu.Unlock() }
