package propel

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// The checks below run before anything is sent; a record that fails one is
// reported failed with a local *Error (class batch.ErrInvalid) and never sent. Messages name the
// field, never its value (an SSN or an email address stays out of errors).

// person holds the fields customers and contacts share.
type person struct {
	dateOfBirth, gender, email, primaryLang string
	parent                                  *Parent
}

// checkLookup checks the record's key for the endpoint's lookup variant.
func checkLookup(byID bool, id int64, source, sourceID, language string, needLanguage bool) error {
	if byID {
		if id <= 0 {
			return invalid("id", "required (a positive Propeller id) for the bulk/id endpoint")
		}
		if sourceID != "" && strings.TrimSpace(source) == "" {
			return invalid("source", "required when sourceId is given")
		}
	} else {
		if id != 0 {
			return invalid("id", "not accepted by the bulk/sourceId endpoint; use the bulk/id variant")
		}
		if strings.TrimSpace(source) == "" {
			return invalid("source", "required for the bulk/sourceId endpoint")
		}
		if strings.TrimSpace(sourceID) == "" {
			return invalid("sourceId", "required for the bulk/sourceId endpoint")
		}
		if needLanguage && language == "" {
			return invalid("language", "required for the bulk/sourceId endpoint")
		}
	}
	return checkLanguage("language", language)
}

func checkPerson(p person) error {
	if p.dateOfBirth != "" {
		if _, err := time.Parse(time.DateOnly, p.dateOfBirth); err != nil {
			return invalid("dateOfBirth", "want a date as YYYY-MM-DD")
		}
	}
	if err := checkGender("gender", p.gender); err != nil {
		return err
	}
	if err := checkEmail("email", p.email); err != nil {
		return err
	}
	if err := checkLanguage("primaryLanguage", p.primaryLang); err != nil {
		return err
	}
	return checkParent(p.parent)
}

func checkGender(field, g string) error {
	switch g {
	case "", GenderMale, GenderFemale, GenderUndefined:
		return nil
	}
	return invalid(field, `want "M", "F" or "U"`)
}

func checkEmail(field, s string) error {
	if s == "" || plainAddress(s) {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return invalid(field, "not a valid email address")
	}
	return nil
}

// plainAddress reports whether s is an address of the usual form,
// local@domain, both dot-atoms of ASCII atext (RFC 5322 3.2.3) and the
// domain with a dot: net/mail reads every such address back as itself, so
// checkEmail accepts it without parsing. Anything else is parsed.
func plainAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	return dotAtom(local) && dotAtom(domain) && strings.IndexByte(domain, '.') > 0
}

// dotAtom reports whether s is atext runs joined by single dots.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext reports an ASCII atext character (RFC 5322 3.2.3).
func isAtext(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkLanguage accepts an empty value or two ASCII letters (ISO 639-1).
func checkLanguage(field, s string) error {
	if s == "" || len(s) == 2 && isLetter(s[0]) && isLetter(s[1]) {
		return nil
	}
	return invalid(field, "want a two-letter ISO 639-1 code")
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

func checkYN(field string, v YN) error {
	switch v {
	case "", Yes, No:
		return nil
	}
	return invalid(field, `want "Y" or "N"`)
}

func checkParent(p *Parent) error {
	if p == nil {
		return nil
	}
	switch {
	case p.ID < 0:
		return invalid("parent.id", "must be positive")
	case p.ID > 0 && (p.Source != "" || p.SourceID != ""):
		return invalid("parent", "give id, or source and sourceId, not both")
	case p.ID == 0 && (strings.TrimSpace(p.Source) == "" || strings.TrimSpace(p.SourceID) == ""):
		return invalid("parent", "needs id, or source and sourceId")
	}
	return nil
}

func checkAddresses(as []Address) error {
	for i := range as {
		if err := checkAddress(&as[i]); err != nil {
			return prefixed(fmt.Sprintf("addresses[%d].", i), err)
		}
	}
	return nil
}

// prefixed puts prefix in front of the field a local validation error
// names: invalid(prefix+field, reason), built only when a check fails.
func prefixed(prefix string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Local && e.Field != "" {
		e.Field, e.Message = prefix+e.Field, prefix+e.Message
	}
	return err
}

// checkAddress checks one address; its errors name the address's fields
// (checkAddresses puts the address's place in front).
func checkAddress(a *Address) error {
	switch a.Type {
	case AddressDelivery, AddressInvoice:
	case "":
		return invalid("type", `required ("delivery" or "invoice")`)
	default:
		return invalid("type", `want "delivery" or "invoice"`)
	}
	if strings.TrimSpace(a.Street) == "" {
		return invalid("street", "required")
	}
	if strings.TrimSpace(a.City) == "" {
		return invalid("city", "required")
	}
	if len(a.Country) != 2 || a.Country[0] < 'A' || a.Country[0] > 'Z' || a.Country[1] < 'A' || a.Country[1] > 'Z' {
		return invalid("country", "required: a two-letter ISO 3166-1 code in capitals, e.g. NL")
	}
	if err := checkGender("gender", a.Gender); err != nil {
		return err
	}
	if err := checkEmail("email", a.Email); err != nil {
		return err
	}
	if err := checkYN("icp", a.ICP); err != nil {
		return err
	}
	return checkYN("isDefault", a.IsDefault)
}

// validateBulkAddress checks a for Customers().Addresses(ref).Upsert and
// Companies().Addresses(ref).Upsert, as they do before sending: the fields every
// address needs, and the code the endpoint matches on (required there: an
// address without one would be created again on every resend).
func validateBulkAddress(a Address) error {
	if strings.TrimSpace(a.Code) == "" {
		return invalid("code", "required: the bulk addresses endpoint matches on it")
	}
	return checkAddress(&a)
}

// validateCustomer checks c for Customers().UpsertByID (byID) or
// Customers().UpsertBySourceID, as the bulk methods do before sending.
func validateCustomer(c Customer, byID bool) error {
	if err := checkLookup(byID, c.ID, c.Source, c.SourceID, c.Language, false); err != nil {
		return err
	}
	if err := checkPerson(person{c.DateOfBirth, c.Gender, c.Email, c.PrimaryLanguage, c.Parent}); err != nil {
		return err
	}
	return checkAddresses(c.Addresses)
}

// validateContact checks c for Contacts().UpsertByID (byID) or
// Contacts().UpsertBySourceID, as the bulk methods do before sending.
func validateContact(c Contact, byID bool) error {
	if err := checkLookup(byID, c.ID, c.Source, c.SourceID, c.Language, false); err != nil {
		return err
	}
	return checkPerson(person{c.DateOfBirth, c.Gender, c.Email, c.PrimaryLanguage, c.Parent})
}

// validateCompany checks c for Companies().UpsertByID (byID) or
// Companies().UpsertBySourceID (where language is required), as the bulk
// methods do before sending.
func validateCompany(c Company, byID bool) error {
	if err := checkSources(c, byID); err != nil {
		return err
	}
	source, sourceID := c.sourceRef()
	if err := checkLookup(byID, c.ID, source, sourceID, c.Language, true); err != nil {
		return err
	}
	if err := checkEmail("email", c.Email); err != nil {
		return err
	}
	if err := checkParent(c.Parent); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    YN
	}{{"inheritProductList", c.InheritProductList}, {"inheritOrderList", c.InheritOrderList}, {"budgetInherit", c.BudgetInherit}} {
		if err := checkYN(f.name, f.v); err != nil {
			return err
		}
	}
	switch c.Budget {
	case "", Yes, No, "H":
	default:
		return invalid("budget", `want "Y", "N" or "H"`)
	}
	switch c.OrderListAllowAll {
	case "", "Y", "N", "U":
	default:
		return invalid("orderListAllowAll", `want "Y", "N" or "U"`)
	}
	if err := checkAttributes(c.Attributes); err != nil {
		return err
	}
	return checkAddresses(c.Addresses)
}

// checkSources checks the guide-only Sources form.
func checkSources(c Company, byID bool) error {
	switch {
	case len(c.Sources) == 0:
		return nil
	case byID:
		return invalid("sources", "only for the bulk/sourceId endpoint; give source and sourceId")
	case c.Source != "" || c.SourceID != "":
		return invalid("sources", "give source and sourceId, or sources, not both")
	case len(c.Sources) > 1:
		return invalid("sources", "at most one entry (it is the company's key)")
	case strings.TrimSpace(c.Sources[0].Name) == "" || strings.TrimSpace(c.Sources[0].ID) == "":
		return invalid("sources[0]", "needs name and id")
	}
	return nil
}

// checkAttributes checks attribute elements: name (capitals, digits and
// "_", as Propeller names attributes), class and type are required.
func checkAttributes(as []Attribute) error {
	for i, a := range as {
		f := func(name string) string { return fmt.Sprintf("attributes[%d].%s", i, name) }
		if a.Name == "" || strings.TrimLeft(a.Name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			return invalid(f("name"), `required: capitals, digits and "_"`)
		}
		if strings.TrimSpace(a.Class) == "" {
			return invalid(f("class"), "required")
		}
		if strings.TrimSpace(a.Type) == "" {
			return invalid(f("type"), "required")
		}
	}
	return nil
}
