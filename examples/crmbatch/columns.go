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

// check returns one error naming every problem with columns, or nil.
func (cr columnRules) check(vendor, op string, columns []string) error {
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
		if !slices.ContainsFunc(group, func(c string) bool { return seen[c] }) {
			problems = append(problems, fmt.Sprintf("%s %s needs a column %s", vendor, op, quoteOr(group)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	msg := "the file's columns do not fit " + vendor + " " + op + ":\n  " + strings.Join(problems, "\n  ")
	if len(unknown) > 0 {
		msg += "\n" + vendor + " refuses fields it does not know: rename them with -map (\"column = field\"), or drop them (\"column = -\")"
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
