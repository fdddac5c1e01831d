package agiliron

import (
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// required checks that a required field is not blank.
func required(op, field, value, blankMsg string) error {
	if strings.TrimSpace(value) == "" {
		return invalid(op, field, blankMsg)
	}
	return nil
}

// updateValidator returns the check of one Update call: the record's id
// (an integer, not repeated within the call: Agiliron would apply both
// copies in an order nobody chose, each replacing the whole record) and
// the fields the resource requires.
func updateValidator[T any](s *spec[T], op string) func(T) error {
	var seen vendorkit.Seen
	return func(rec T) error {
		id := s.id(rec)
		switch {
		case strings.TrimSpace(id) == "":
			return invalid(op, s.idName, s.idName+" is required for an update")
		case !isDigits(id):
			return invalid(op, s.idName, s.idName+" must be an integer")
		}
		if err := s.checkUpdate(op, rec); err != nil {
			return err
		}
		if seen.Repeated(id) {
			e := invalid(op, s.idName, s.idName+" "+id+" is repeated within this call; send each record once")
			e.Class, e.ID, e.idName = vendorkit.Duplicate, id, s.idName
			return e
		}
		return nil
	}
}

// createValidator returns the check of one Create call: a new record
// carries no id (Agiliron assigns it), and the fields the resource
// requires; other fields are left to Agiliron, which reports each
// record's failure.
func createValidator[T any](s *spec[T], op string) func(T) error {
	return func(rec T) error {
		if id := s.id(rec); id != "" {
			return invalid(op, s.idName, "a new record must not carry a "+s.idName+" (use Update)")
		}
		if s.checkCreate != nil {
			return s.checkCreate(op, rec)
		}
		return nil
	}
}
