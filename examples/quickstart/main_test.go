package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestQuickstart runs the whole quickstart: it must exit 0 with every
// vendor's records accounted for and each fake holding exactly the
// records reported succeeded; its output must fit 100 columns, show
// progress one line for all vendors at a time, say each refusal once and
// label every failure an injected fault caused.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	text := out.String()
	for _, d := range demos {
		if !strings.Contains(text, "ok   "+d.name+": every record accounted for") {
			t.Errorf("no success line for %s:\n%s", d.name, text)
		}
	}
	for _, want := range []string{"VALIDATION_ERROR", "104 DNC", "10007", "Lead Last Name cannot be blank", "not-an-email"} {
		if !strings.Contains(text, want) {
			t.Errorf("the failure listing lacks %q", want)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("a %d-column line: %q", n, line)
		}
		if strings.Contains(line, "% done:") {
			for _, d := range demos {
				if !strings.Contains(line, d.name) {
					t.Errorf("a progress line without %s: %q", d.name, line)
				}
			}
		}
	}
	if n := strings.Count(text, "% done:"); n < 1 || n > 4 {
		t.Errorf("%d progress lines, want one per quarter", n)
	}
	// Each blocked contact's refusal is said once, not twice.
	if n := strings.Count(text, "Email address is on the blocklist"); n != 3 {
		t.Errorf("the blocklist refusal appears %d times for 3 records:\n%s", n, text)
	}
	// Every failure an injected fault caused is labelled; a bad record is not.
	for _, want := range []string{
		"blocked00250@example.com     VALIDATION_ERROR  [injected: ",
		"p01234@example.com           4  [injected: ",
		"CRM-01234                    104 DNC  [injected: ",
		"CRM/C-00100                  10007  [injected: ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no labelled line %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "not-an-email                 VALIDATION_ERROR  [injected") {
		t.Errorf("a bad record is labelled as an injected fault")
	}
}
