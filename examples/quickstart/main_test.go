package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestQuickstart runs the whole quickstart: it must exit 0 with every
// vendor's records accounted for and each fake holding exactly the
// records reported succeeded.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, d := range demos {
		if !strings.Contains(out.String(), "ok   "+d.name+": every record accounted for") {
			t.Errorf("no success line for %s:\n%s", d.name, out.String())
		}
	}
	for _, want := range []string{"VALIDATION_ERROR", "104 DNC", "10007", "Lead Last Name cannot be blank", "not-an-email"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the failure listing lacks %q", want)
		}
	}
}
