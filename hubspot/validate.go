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

// validateCreate is a create's Validate: a valid type, at least one
// property, and neither its trace id nor its key property's value
// repeated in the call.
func (o *Objects) validateCreate(op string, ks *keys, in CreateInput) error {
	if err := o.checkType(op); err != nil {
		return err
	}
	if len(in.Properties) == 0 {
		return invalid(op, "create input has no properties")
	}
	if err := checkProperties(op, in.Properties, in.ObjectWriteTraceID); err != nil {
		return err
	}
	if err := ks.checkTrace(in.ObjectWriteTraceID); err != nil {
		return err
	}
	return ks.checkValue(o.keyProperty, in.Properties[o.keyProperty], true)
}

// validateUpdate is an update's or upsert's Validate: a valid type, an id
// (and for an upsert the unique property it is a value of), and neither
// its trace id nor its id repeated in the call.
func (o *Objects) validateUpdate(op string, kind opKind, ks *keys, in UpdateInput) error {
	if err := o.checkType(op); err != nil {
		return err
	}
	if strings.TrimSpace(in.ID) == "" {
		return invalid(op, "input has no id")
	}
	if kind == opUpsert && strings.TrimSpace(in.IDProperty) == "" {
		return invalid(op, "upsert input has no idProperty")
	}
	if err := checkProperties(op, in.Properties, in.ObjectWriteTraceID); err != nil {
		return err
	}
	if err := ks.checkTrace(in.ObjectWriteTraceID); err != nil {
		return err
	}
	return ks.checkValue("id", updateKey(in), in.IDProperty != "")
}

// checkID is Validate for read and archive: a valid type, an id, and no
// id repeated in the call (compared without case when fold).
func (o *Objects) checkID(label string, ks *keys, fold bool) func(string) error {
	return func(id string) error {
		if err := o.checkType(label); err != nil {
			return err
		}
		if err := validateID(label, id); err != nil {
			return err
		}
		return ks.checkValue("id", id, fold)
	}
}

// validateID: a read or archive id.
func validateID(op, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid(op, "input has no id")
	}
	return nil
}
