package pardot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// maxEmailLen is Pardot's limit on an email address (code 4 beyond).
const maxEmailLen = 255

// validEmail reports whether s is a syntactically valid email address as
// Pardot requires on create: local@domain.tld, no spaces or control
// characters, at most 255 bytes.
func validEmail(s string) bool {
	if len(s) == 0 || len(s) > maxEmailLen {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || strings.ContainsAny(s, " \t\r\n<>()[]\\,;:\"") || strings.Contains(local, "@") {
		return false
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f {
			return false
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(s, "..") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
	}
	return true
}

// validFieldName reports whether a custom field name is safe as a JSON key
// and an XML element name: a letter or underscore, then letters, digits
// and underscores.
func validFieldName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return !strings.HasPrefix(strings.ToLower(s), "xml")
}

// validate checks p for op in the given version before anything is sent;
// its refusals are Local errors of class Invalid.
func validate(version int, op operation, p *Prospect) error {
	invalid := func(format string, args ...any) error {
		return localError(op.path(), vendorkit.Invalid, fmt.Sprintf(format, args...))
	}
	if p.ID < 0 {
		return invalid("id %d is negative", p.ID)
	}
	if p.Email != "" && !validEmail(p.Email) {
		return invalid("email %q is not a valid address", p.Email)
	}
	if p.FID != "" && version == 3 {
		return invalid("fid is an identifier of API version 4 only; use id or email in version 3")
	}
	switch op {
	case opCreate:
		if p.Email == "" {
			return invalid("batchCreate needs an email")
		}
		if p.ID != 0 {
			return invalid("batchCreate must not carry an id (%d); use batchUpdate or batchUpsert", p.ID)
		}
	default:
		if version == 3 && p.ID == 0 && p.Email == "" {
			return invalid("%s in version 3 needs an id or an email", op.path())
		}
		if version == 4 && p.ID == 0 && p.FID == "" {
			return invalid("%s in version 4 needs an id or a fid (version 4 does not match prospects by email)", op.path())
		}
	}
	for name := range p.Fields {
		if !validFieldName(name) {
			return invalid("custom field name %q must be letters, digits and underscores", name)
		}
		if standardNames[name] {
			return invalid("custom field %q repeats a typed field; set the typed field instead", name)
		}
	}
	return nil
}

// recordKey is the record's identifier for reports and for keeping
// duplicates out of one request: the id, else (version 4) the fid, else
// the lowercased email.
func recordKey(version int, op operation, p *Prospect) string {
	if op != opCreate {
		if p.ID != 0 {
			return strconv.FormatInt(p.ID, 10)
		}
		if version == 4 && p.FID != "" {
			return p.FID
		}
	}
	return strings.ToLower(p.Email)
}
