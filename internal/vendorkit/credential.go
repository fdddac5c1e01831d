package vendorkit

import (
	"strings"
	"unicode"
)

// CheckCredential refuses a credential (an api key, a token, a password, a
// client id or secret) that cannot travel unchanged in a header, a query or
// a form: empty or only white space, or holding a control character (a CR
// or LF would split an HTTP header, and the request would fail only at
// send time, after retries). option names the option in the error and
// what names the value; the value itself never appears in the error.
func (c *Common) CheckCredential(option, what, v string) error {
	if strings.TrimSpace(v) == "" {
		return c.errorf(option, "empty %s", what)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return c.errorf(option, "the %s contains a control character", what)
	}
	return nil
}
