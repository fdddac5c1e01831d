package noojee

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// opKind says whether a lead is being inserted or updated.
type opKind uint8

const (
	kindInsert opKind = iota
	kindUpdate
)

// systemField returns the canonical spelling of a reserved body key
// given in any case (systemKeys), and whether k is one.
func systemField(k string) (string, bool) {
	for _, canon := range systemKeys {
		if strings.EqualFold(k, canon) {
			return canon, true
		}
	}
	return "", false
}

// typedSet reports whether the lead sets the typed field of a system key.
func typedSet(l *Lead, canon string) bool {
	switch canon {
	case FieldExternalID:
		return l.ExternalID != ""
	case FieldCallBackDate:
		return !l.CallBack.IsZero()
	case FieldPriority:
		return l.Priority != nil
	case FieldContactHours:
		return l.ContactHours != ""
	case FieldDisposition:
		return l.Disposition != ""
	}
	return false
}

// isNoChange reports whether v is the keep-value token in any case.
func isNoChange(v string) bool {
	return strings.EqualFold(strings.TrimSpace(v), NoChange)
}

// validateTarget checks the campaign ids (codes 116, 117, 115 locally).
func validateTarget(t *Target, op string) error {
	switch {
	case strings.TrimSpace(t.TemplateID) == "":
		return localError(vendorkit.Invalid, CodeTemplateIDRequired, op, "", "Target.TemplateID (fTemplateId) is required")
	case strings.TrimSpace(t.CampaignID) == "":
		return localError(vendorkit.Invalid, CodeCampaignIDRequired, op, "", "Target.CampaignID (fCampaignId) is required")
	case strings.TrimSpace(t.AllocationID) == "":
		return localError(vendorkit.Invalid, CodeAllocationIDRequired, op, "", "Target.AllocationID (fAllocationId) is required")
	}
	return nil
}

// externalID returns the lead's njExternalLeadId, typed or raw.
func externalID(l *Lead) string {
	if l.ExternalID != "" {
		return l.ExternalID
	}
	for k, v := range l.Fields {
		if strings.EqualFold(k, FieldExternalID) {
			return v
		}
	}
	return ""
}

// validateLead applies the rules the CampaignAPI documents, before any
// request: a failure is a local *Error of class Invalid, carrying the code
// the server would answer when it has one.
func validateLead(l *Lead, t *Target, kind opKind, op string) error {
	if err := validateTarget(t, op); err != nil {
		return err
	}
	ext := externalID(l)
	for k, v := range l.Fields {
		if strings.TrimSpace(k) == "" {
			return invalidLead(op, ext, "a field has an empty name")
		}
		canon, sys := systemField(k)
		if !sys {
			continue
		}
		if typedSet(l, canon) {
			return invalidLead(op, ext, fmt.Sprintf("%s is given both in Fields and as a typed field", canon))
		}
		if k != canon {
			return invalidLead(op, ext, fmt.Sprintf("system field %q must be spelled %s", k, canon))
		}
		if kind == kindUpdate && isNoChange(v) {
			continue
		}
		switch canon {
		case FieldCallBackDate:
			if _, err := ParseCallBack(v, nil); err != nil {
				return localError(vendorkit.Invalid, CodeInvalidCallbackDateFormat, op, ext, "njCallBackDate "+strconv.Quote(v)+" is not yyyy/MM/dd HH:mm")
			}
		case FieldPriority:
			p, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || p < 0 || p > 100 {
				return invalidLead(op, ext, fmt.Sprintf("njPriority %q is not a whole number from 0 to 100", v))
			}
		}
	}
	if l.Priority != nil && (*l.Priority < 0 || *l.Priority > 100) {
		return invalidLead(op, ext, fmt.Sprintf("njPriority %d is outside 0–100", *l.Priority))
	}
	switch kind {
	case kindInsert:
		return validateInsert(l, t, ext, op)
	default:
		if strings.TrimSpace(ext) == "" || isNoChange(ext) {
			return invalidLead(op, ext, "an update needs njExternalLeadId (Lead.ExternalID) to find the lead")
		}
	}
	return nil
}

// validateInsert applies the insert-only rules: no <No Change> (108), no
// disposition, at least one declared phone field (102).
func validateInsert(l *Lead, t *Target, ext, op string) error {
	for k, v := range l.Fields {
		if isNoChange(v) {
			return localError(vendorkit.Invalid, CodeImportButNoChange, op, ext, "field "+strconv.Quote(k)+" is <No Change>, which is only valid for updates")
		}
		if strings.EqualFold(k, FieldDisposition) {
			return invalidLead(op, ext, "njDisposition is for updates only")
		}
	}
	for _, v := range []string{l.ExternalID, l.ContactHours} {
		if isNoChange(v) {
			return localError(vendorkit.Invalid, CodeImportButNoChange, op, ext, "<No Change> is only valid for updates")
		}
	}
	if l.Disposition != "" {
		if isNoChange(l.Disposition) {
			return localError(vendorkit.Invalid, CodeImportButNoChange, op, ext, "njDisposition <No Change> is only valid for updates")
		}
		return invalidLead(op, ext, "njDisposition is for updates only")
	}
	if len(t.PhoneFields) > 0 {
		for _, f := range t.PhoneFields {
			if strings.TrimSpace(l.Fields[f]) != "" {
				return nil
			}
		}
		return localError(vendorkit.Invalid, CodeNoPhoneFields, op, ext, "none of the phone fields "+strings.Join(t.PhoneFields, ", ")+" is set")
	}
	return nil
}
