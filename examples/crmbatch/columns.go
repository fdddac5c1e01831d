package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// columnRules are what a vendor and operation ask of the input's columns
// (after the mapping), checked once before anything is sent.
type columnRules struct {
	// known are the field names the vendor knows, spelled as it wants
	// them; nil when they cannot be known here (a campaign's template).
	known []string
	// strict: the vendor refuses a key it does not know, so an unknown
	// column is an error; otherwise unknown columns go in as custom fields.
	strict bool
	// required lists groups of columns: each group needs one of its
	// columns present.
	required [][]string
	// unchecked says what cannot be checked before sending.
	unchecked string
}

// jsonNames returns the json names of T's exported fields, in order.
func jsonNames[T any]() []string {
	t := reflect.TypeFor[T]()
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// fold is a column name as people mistype it: lower case, without spaces,
// underscores and dashes.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// check returns one error naming every problem with a file's columns,
// or nil.
func (cr columnRules) check(vendor, op string, columns []string) error {
	return cr.checkAs("the file's columns do not fit", "\n  ", vendor, op, columns, true)
}

// checkNames is check without the required columns: for the first
// object of a JSON Lines file, whose keys are checked as a CSV header is
// (a misspelled or unknown key is most likely the whole file's), while
// each record is checked on its own (checkRecord).
func (cr columnRules) checkNames(vendor, op string, columns []string) error {
	return cr.checkAs("the file's columns do not fit", "\n  ", vendor, op, columns, false)
}

// checkRecord returns one error naming every problem with the keys of one
// JSON Lines record (its fields, after the mapping), or nil.
func (cr columnRules) checkRecord(vendor, op string, keys []string) error {
	return cr.checkAs("the record's keys do not fit", "; ", vendor, op, keys, true)
}

func (cr columnRules) checkAs(what, sep, vendor, op string, columns []string, required bool) error {
	var problems []string
	seen := map[string]bool{}
	for _, c := range columns {
		if seen[c] {
			problems = append(problems, fmt.Sprintf("column %q appears twice", c))
		}
		seen[c] = true
	}
	byFold := map[string]string{}
	for _, k := range cr.known {
		byFold[fold(k)] = k
	}
	var unknown []string
	for _, c := range columns {
		if cr.known == nil || slices.Contains(cr.known, c) {
			continue
		}
		if strings.ContainsAny(c, ";\t|") {
			problems = append(problems, fmt.Sprintf("column %q holds a delimiter: is -delimiter right for this file?", c))
			continue
		}
		if want, ok := byFold[fold(c)]; ok {
			problems = append(problems, fmt.Sprintf("column %q must be spelled %q", c, want))
			seen[want] = true // reported once, not again as missing
			continue
		}
		if cr.strict {
			unknown = append(unknown, c)
		}
	}
	for _, c := range unknown {
		msg := fmt.Sprintf("column %q is not a field %s knows", c, vendor)
		if s := closest(c, cr.known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		problems = append(problems, msg)
	}
	for _, group := range cr.required {
		if required && !slices.ContainsFunc(group, func(c string) bool { return seen[c] }) {
			problems = append(problems, fmt.Sprintf("%s %s needs a column %s", vendor, op, quoteOr(group)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	// A file's problems go one per line; a record's on the line.
	lead, hint := " ", sep
	if strings.HasPrefix(sep, "\n") {
		lead, hint = sep, "\n"
	}
	msg := what + " " + vendor + " " + op + ":" + lead + strings.Join(problems, sep)
	if len(unknown) > 0 {
		msg += hint + vendor + " refuses fields it does not know: rename them with -map (\"column = field\"), or drop them (\"column = -\")"
	}
	return errors.New(msg)
}

func quoteOr(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, " or ")
}

// closest returns the known name nearest to c (at most two edits away, or
// one containing the other), or "".
func closest(c string, known []string) string {
	best, bestD := "", 3
	fc := fold(c)
	for _, k := range known {
		fk := fold(k)
		d := editDistance(fc, fk)
		if len(fc) >= 4 && (strings.Contains(fk, fc) || strings.Contains(fc, fk)) {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// recordCheck is checkRecord for each record of a run, remembering the
// answer for each set of keys it saw (up to a bound), since a file's
// records mostly share their keys.
func (cr columnRules) recordCheck(vendor, op string) func(keys []string) error {
	seen := map[string]error{}
	return func(keys []string) error {
		id := strings.Join(keys, "\x00")
		if err, ok := seen[id]; ok {
			return err
		}
		err := cr.checkRecord(vendor, op, keys)
		if len(seen) < 256 {
			seen[id] = err
		}
		return err
	}
}
