package pardottest

import (
	"testing"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// TestCodeRule: Pardot's codes are numbers, so FailNext refuses a word
// Code (fakekit.FaultRules) instead of answering it as something else.
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, true)
}
