package hubspot

import (
	"fmt"
	"strings"
)

// maxTraceIDLen bounds a caller's objectWriteTraceId.
const maxTraceIDLen = 256

// checkObjectType accepts an object name or type id: letters, digits, '_'
// and '-', 1 to 100 characters. Anything else could change the request path.
func checkObjectType(t string) error {
	if t == "" || len(t) > 100 {
		return fmt.Errorf("%w %q: want 1 to 100 characters", ErrInvalidObjectType, t)
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("%w %q: only letters, digits, '_' and '-' are allowed", ErrInvalidObjectType, t)
		}
	}
	return nil
}

// checkProperties refuses an empty property name.
func checkProperties(p Properties) error {
	for k := range p {
		if strings.TrimSpace(k) == "" {
			return ErrEmptyPropertyName
		}
	}
	return nil
}

// checkTrace bounds a caller-set trace id.
func checkTrace(t string) error {
	if len(t) > maxTraceIDLen {
		return ErrTraceIDTooLong
	}
	return nil
}

// validateCreate: at least one property.
func validateCreate(in CreateInput) error {
	if len(in.Properties) == 0 {
		return ErrNoProperties
	}
	if err := checkProperties(in.Properties); err != nil {
		return err
	}
	return checkTrace(in.ObjectWriteTraceID)
}

// validateUpdate: an id.
func validateUpdate(in UpdateInput) error {
	if strings.TrimSpace(in.ID) == "" {
		return ErrMissingID
	}
	if err := checkProperties(in.Properties); err != nil {
		return err
	}
	return checkTrace(in.ObjectWriteTraceID)
}

// validateUpsert: an update's checks, and the unique property the id is a
// value of.
func validateUpsert(in UpsertInput) error {
	if err := validateUpdate(in); err != nil {
		return err
	}
	if strings.TrimSpace(in.IDProperty) == "" {
		return ErrMissingIDProperty
	}
	return nil
}

// validateID: a read or archive id.
func validateID(id string) error {
	if strings.TrimSpace(id) == "" {
		return ErrMissingID
	}
	return nil
}
