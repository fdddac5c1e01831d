package hubspot

import (
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// maxTraceIDLen bounds a caller's objectWriteTraceId.
const maxTraceIDLen = 256

// checkObjectType accepts an object name or type id: letters, digits, '_'
// and '-', 1 to 100 characters. Anything else could change the request path.
func checkObjectType(t string) error {
	if t == "" || len(t) > 100 {
		return fmt.Errorf("invalid object type %q: want 1 to 100 characters", t)
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("invalid object type %q: only letters, digits, '_' and '-' are allowed", t)
		}
	}
	return nil
}

// invalid is a record refused before sending for its content.
func invalid(op, format string, args ...any) error {
	return localError(op, vendorkit.Invalid, format, args...)
}

// checkProperties refuses an empty property name and bounds a caller-set
// trace id.
func checkProperties(op string, p Properties, trace string) error {
	for k := range p {
		if strings.TrimSpace(k) == "" {
			return invalid(op, "empty property name")
		}
	}
	if len(trace) > maxTraceIDLen {
		return invalid(op, "objectWriteTraceId longer than %d characters", maxTraceIDLen)
	}
	return nil
}

// validateCreate: at least one property.
func validateCreate(op string, in CreateInput) error {
	if len(in.Properties) == 0 {
		return invalid(op, "create input has no properties")
	}
	return checkProperties(op, in.Properties, in.ObjectWriteTraceID)
}

// validateUpdate: an id, and for an upsert the unique property the id is
// a value of.
func validateUpdate(op string, kind opKind, in UpdateInput) error {
	if strings.TrimSpace(in.ID) == "" {
		return invalid(op, "input has no id")
	}
	if kind == opUpsert && strings.TrimSpace(in.IDProperty) == "" {
		return invalid(op, "upsert input has no idProperty")
	}
	return checkProperties(op, in.Properties, in.ObjectWriteTraceID)
}

// validateID: a read or archive id.
func validateID(op, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid(op, "input has no id")
	}
	return nil
}
