package fakekit

import (
	"fmt"
	"slices"
	"strconv"
)

// FaultRules is what a fake tells its Base (SetFaultRules) about the
// faults it can answer, so that FailNext refuses one it could only answer
// as something else. The rule is the same in every fake:
//
//   - A vendor whose codes are numbers (Pardot's err_code, Noojee's code,
//     Propel's error.code) sets NumericCodes, and a fault whose Code is
//     not a decimal integer is refused when queued: FailNext panics. It
//     is never written as code 0, nor answered with some other status. A
//     test that wants a hostile error body sends it verbatim with Body.
//   - A vendor whose codes are words (HubSpot's categories and policy
//     names, Agiliron's MCM status) writes a Code as given.
//   - A Variant is refused unless the fake lists it in Variants.
type FaultRules struct {
	// NumericCodes says the vendor's codes are numbers: a Code must be a
	// decimal integer.
	NumericCodes bool
	// Variants are the fake's own answers a Fault may name in Variant.
	Variants []string
}

// check returns why the fake cannot answer f (nil when it can).
func (r FaultRules) check(f Fault) error {
	if f.Code != "" && r.NumericCodes {
		if _, err := strconv.Atoi(f.Code); err != nil {
			return fmt.Errorf("code %q is not a number, and this vendor's codes are (send a hostile body with Body)", f.Code)
		}
	}
	if f.Variant != "" && !slices.Contains(r.Variants, f.Variant) {
		return fmt.Errorf("this fake has no variant %q", f.Variant)
	}
	return nil
}

// SetFaultRules sets the rules FailNext checks every fault against; a
// fake calls it once, when it is built.
func (b *Base) SetFaultRules(r FaultRules) {
	r.Variants = slices.Clone(r.Variants)
	Set(&b.mu, &b.rules, r)
}

// CodeNumber is a numeric vendor's fault Code as a number (0 for none),
// for the fake's error body. FailNext has refused any other Code, so a
// Code that is not a number here is a fake's bug, and CodeNumber panics
// (net/http then drops the connection) rather than write code 0.
func CodeNumber(code string) int {
	if code == "" {
		return 0
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		panic(fmt.Sprintf("fakekit: fault code %q is not a number", code))
	}
	return n
}
