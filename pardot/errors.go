package pardot

import (
	"strconv"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Code is a Pardot error code, as its answers carry it in err_code (JSON)
// or <err code="…"> (XML); 0 when the answer carried none.
type Code int

// String returns the code's number.
func (c Code) String() string { return strconv.Itoa(int(c)) }

// Error is a failure reported by Pardot, by the HTTP layer under it, or by
// a check made before sending (Local). It matches the batch sentinel of its
// Class with errors.Is (batch.ErrUnauthorized, batch.ErrRateLimited,
// batch.ErrOutcomeUnknown …) and is reached from a report's error with
// errors.As. Its message never holds a credential.
type Error struct {
	vendorkit.APIError[Code]
	// Key is the per-prospect errors-map key (position or identifier) of a
	// prospect's own failure; empty for a failure of the whole request.
	Key string
	// Param names the offending parameter of a code 10000 failure.
	Param string
}

// Error implements error.
func (e *Error) Error() string {
	s := e.APIError.Error()
	if e.Key != "" {
		s += " (prospect " + strconv.Quote(e.Key) + ")"
	}
	if e.Param != "" {
		s += " (param " + e.Param + ")"
	}
	return s
}
