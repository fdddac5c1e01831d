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

// validateUpdate checks the fields the WADL requires for an update:
// LeadId (an integer), LastName and Company.
func validateUpdate(l Lead) error {
	const op = "PUT Bulk-Leads"
	switch {
	case strings.TrimSpace(l.LeadID) == "":
		return invalid(op, "LeadId", "LeadId is required for an update")
	case !isDigits(l.LeadID):
		return invalid(op, "LeadId", "LeadId must be an integer")
	case strings.TrimSpace(l.LastName) == "":
		return invalid(op, "LastName", MessageLastNameBlank)
	case strings.TrimSpace(l.Company) == "":
		return invalid(op, "Company", "Lead Company cannot be blank")
	}
	return nil
}

// validateAdd checks that a new lead carries no LeadId (Agiliron assigns
// it); other fields are left to Agiliron, which reports each lead's
// failure in the batch result.
func validateAdd(l Lead) error {
	if l.LeadID != "" {
		return invalid("POST Bulk-Leads", "LeadId", "a new lead must not carry a LeadId (use UpdateLeads)")
	}
	return nil
}
