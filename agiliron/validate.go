package agiliron

import (
	"strings"
)

// invalid returns a client-side validation error for field.
func invalid(op, field, msg string) error {
	return &Error{Op: op, Field: field, Message: msg, kind: ErrInvalid}
}

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

// validateUpdate checks what every update needs: the record's id (an
// integer) and its name field.
func validateUpdate(op, idField, id, nameField, name, blankMsg string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return invalid(op, idField, idField+" is required for an update")
	case !isDigits(id):
		return invalid(op, idField, idField+" must be an integer")
	}
	return validateRequired(op, nameField, name, blankMsg)
}

// validateRequired checks that a required field is not blank.
func validateRequired(op, field, value, blankMsg string) error {
	if strings.TrimSpace(value) == "" {
		return invalid(op, field, blankMsg)
	}
	return nil
}

// validateLeadUpdate checks the fields the WADL requires for an update:
// LeadId (an integer), LastName and Company.
func validateLeadUpdate(l Lead) error {
	const op = "PUT " + bulkLeads
	if err := validateUpdate(op, "LeadId", l.LeadID, "LastName", l.LastName, MessageLastNameBlank); err != nil {
		return err
	}
	return validateRequired(op, "Company", l.Company, "Lead Company cannot be blank")
}

// validateNoID checks that a new record carries no id (Agiliron assigns
// it); other fields are left to Agiliron, which reports each record's
// failure.
func validateNoID(op, idField, id, update string) error {
	if id != "" {
		return invalid(op, idField, "a new record must not carry a "+idField+" (use "+update+")")
	}
	return nil
}
