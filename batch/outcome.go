package batch

import "fmt"

// Status is the final state of one input record.
type Status uint8

// The three final states. The zero value is not a final state; it never
// appears in a finished Report.
const (
	// Succeeded: the vendor accepted the record.
	Succeeded Status = iota + 1
	// Failed: the record was sent (or refused by a client-side check) and
	// did not go in; Outcome.Err says why.
	Failed
	// NotAttempted: the record was never written, because the context ended,
	// the run was stopped (for example by a daily quota) or the server asked
	// for a wait longer than the retry policy allows.
	NotAttempted
)

// String returns "succeeded", "failed" or "not attempted".
func (s Status) String() string {
	switch s {
	case Succeeded:
		return "succeeded"
	case Failed:
		return "failed"
	case NotAttempted:
		return "not attempted"
	default:
		return fmt.Sprintf("Status(%d)", uint8(s))
	}
}

// Outcome is what became of one input record.
type Outcome[R any] struct {
	// Index is the record's position in the caller's input, from 0.
	Index int
	// Key is the record's vendor key (email, id, sourceId …) when the
	// operation defines one.
	Key string
	// Status is the record's final state.
	Status Status
	// Attempts is how many times the record was sent, isolation rounds
	// included. (An int32 beside Status: together they fill one word, which
	// keeps an Outcome a word smaller.)
	Attempts int32
	// Result is the vendor's typed result for the record, when it gave one.
	Result R
	// Err says why the record failed or was not attempted; nil on success.
	Err error
}

// Result is the vendor's answer for one record of a chunk, returned by
// Op.Send in the chunk's order.
type Result[R any] struct {
	// Value is the vendor's typed result for the record.
	Value R
	// Err is nil when the record went in. A retryable error (see the package
	// doc) sends the record again; any other error fails it.
	Err error
}
